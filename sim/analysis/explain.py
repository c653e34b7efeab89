"""Which channels carry an effect: Shapley values over the model's switched channels.

Every claim of the source is a named term of a mechanism, multiplied by a registry
``switch`` (sim/data/parameters.toml, kind ``switch``; ``southflank parameters --kind
switch``). Switching groups of them off and on tells how much of an effect each group
carries. Channels interact (the Hub's weight only matters if DCB runs; a base only
threatens if it opens), so the split is the Shapley value (Shapley 1953): each group's
marginal contribution averaged over every order in which the groups could be switched
on. Contributions then add up, by construction, to the effect with every channel on
minus the effect with every channel off; the latter (what no switched channel carries)
is shown as the residual.

Two questions, one method. For a policy (`scenario` against a `baseline`), the value of
a set S of groups switched on is the mean over replicates of the paired difference
scenario - baseline, both run with only S on. For the baseline's drift (`baseline` is
`scenario`, or None with the shipped baseline), it is the change of the metric from the
run's first month to the horizon, with only S on.

With at most EXACT_MAX groups every subset is run (2^n design points) and the values
are exact; their standard error is the replicate noise (Shapley values are linear in
the values, so each replicate has its own split). With more groups, `permutations`
random orders are sampled (Castro, Gomez and Tejada 2009) and the standard error is
that of the mean over the sampled orders.

Every subset is a design point of one batch (sim.batch: a manifest, chunks, resumable);
a point sets the groups' switches through parameter overrides, so a batch folder holds
all that is needed to check or extend the analysis (``southflank status DIR``,
``southflank resume DIR``, then the same command again).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import library
from ..calendar import format_month, horizon_month, parse_month
from ..errors import ArgumentError
from ..io import write_json_atomic
from ..outcomes import MODEL_METRICS
from ..params import SWITCHES, suggest
from ..scenario import Scenario

EXACT_MAX = 8  # groups up to which every subset is run (2^8 = 256 design points)
DEFAULT_PERMUTATIONS = 32
DEFAULT_REPLICATES = 4
DEFAULT_METRICS = ("russia_influence_share", "cohesion")
RESIDUAL = "(no channel)"
TOTAL = "total"

DEFAULT_GROUPS: dict[str, tuple[str, ...]] = {
    "nato_dialogue": (
        "invite_trust_switch",
        "invite_cost_switch",
        "ties_caution_switch",
        "framework_trust_switch",
    ),
    "trust_decay": ("trust_decay_switch", "dcb_contact_switch"),
    "dcb": ("dcb_capacity_switch", "dcb_trust_switch", "dcb_lead_friction_switch"),
    "russian_influence": (
        "russia_influence_ops_switch",
        "presence_ties_switch",
        "russia_courting_switch",
    ),
    "russian_forces_and_bases": (
        "basing_deals_switch",
        "naval_deterrence_switch",
        "libya_base_reach_switch",
        "black_wagners_switch",
        "africa_corps_switch",
        "base_naval_switch",
    ),
    "allies_observe": ("partner_alignment_switch", "naval_reassurance_switch"),
    "allies_threat": (
        "threat_influence_switch",
        "threat_migration_switch",
        "threat_sea_switch",
        "base_threat_switch",
        "missile_threat_switch",
    ),
    "signal": ("signal_switch",),
}
"""The default channel groups: every switch of the registry, in eight groups (so the
split is exact): NATO's dialogue with partners, trust's decay without contact,
capacity building, Russia's influence spending, Russia's forces and bases, what the
allies observe, what threatens them, and the direct signal of engagement."""


class ExplainInputError(ArgumentError):
    """Bad input to `explain`; ``argument`` (also ``field``) names the offending argument."""

    @property
    def field(self) -> str:
        return self.argument


class ExplainRunError(RuntimeError):
    """Runs of the analysis failed or are left: there is nothing complete to split."""


def parse_groups(spec: str | Mapping[str, Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    """Channel groups from a mapping, or from text: 'default', 'switches' (each switch
    its own group) or 'name=switch+switch,name2=switch' (a switch's name may drop its
    '_switch' suffix: 'signal'). Switches in no group stay on."""
    if spec is None or spec == "default":
        return dict(DEFAULT_GROUPS)
    if spec == "switches":
        return {name.removesuffix("_switch"): (name,) for name in SWITCHES}
    if isinstance(spec, str):
        groups: dict[str, tuple[str, ...]] = {}
        for part in spec.split(","):
            name, eq, members = part.partition("=")
            if not eq or not name.strip() or not members.strip():
                raise ExplainInputError(
                    "groups",
                    f"{part!r}: write NAME=SWITCH+SWITCH, groups separated by commas "
                    "(or 'default' or 'switches')",
                )
            groups[name.strip()] = tuple(m.strip() for m in members.split("+"))
        spec = groups
    out: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    for name, members in spec.items():
        if not members:
            raise ExplainInputError("groups", f"group {name!r} has no switch")
        members = tuple(m if m in SWITCHES else f"{m}_switch" for m in members)
        for m in members:
            if m not in SWITCHES:
                hint = suggest(m, SWITCHES)
                raise ExplainInputError(
                    "groups",
                    f"{m!r} in group {name!r} is not a switch{hint}; "
                    "list them with `southflank parameters --kind switch`",
                )
            if m in seen:
                raise ExplainInputError(
                    "groups", f"{m!r} is in both {seen[m]!r} and {name!r}; a switch has one group"
                )
            seen[m] = name
        out[str(name)] = tuple(members)
    if len(out) < 1:
        raise ExplainInputError("groups", "give at least one group")
    return out


def coalitions(n: int, permutations: int, seed: int) -> tuple[list[int], np.ndarray | None]:
    """The subsets (bit masks over the n groups) to run, and the sampled orders (None
    when every subset is run: n <= EXACT_MAX)."""
    if n <= EXACT_MAX:
        return list(range(2**n)), None
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x5A,)))
    orders = np.array([rng.permutation(n) for _ in range(permutations)])
    masks = {0}
    for order in orders:
        mask = 0
        for g in order:
            mask |= 1 << int(g)
            masks.add(mask)
    return sorted(masks), orders


def shapley_exact(values: Mapping[int, np.ndarray], n: int) -> np.ndarray:
    """(n, ...) exact Shapley values from the value of every subset (bit mask)."""
    fact = [math.factorial(k) for k in range(n + 1)]
    out = np.zeros((n, *np.shape(values[0])))
    for i in range(n):
        bit = 1 << i
        for mask in range(2**n):
            if mask & bit:
                continue
            k = bin(mask).count("1")
            weight = fact[k] * fact[n - k - 1] / fact[n]
            out[i] += weight * (values[mask | bit] - values[mask])
    return out


def shapley_sampled(values: Mapping[int, np.ndarray], orders: np.ndarray) -> np.ndarray:
    """(permutations, n, ...) each sampled order's marginal contributions."""
    n = orders.shape[1]
    out = np.zeros((len(orders), n, *np.shape(values[0])))
    for k, order in enumerate(orders):
        mask = 0
        for g in order:
            new = mask | (1 << int(g))
            out[k, int(g)] = values[new] - values[mask]
            mask = new
    return out


def _horizon_months(horizon: str | None, scenario: Scenario) -> tuple[str, list[str]]:
    """The horizon's label and month: a month YYYY-MM, or a bare year read as its June
    (the end of a model year, sim.calendar.horizon_month: the one reading of "2030")."""
    last = scenario.end - 1
    if horizon is None:
        return format_month(last), [format_month(last)]
    try:
        text = horizon_month(horizon)
    except ValueError:
        raise ExplainInputError(
            "horizon", f"{horizon!r}: write a year YYYY (its June) or a month YYYY-MM"
        ) from None
    if not scenario.start <= parse_month(text) <= last:
        raise ExplainInputError(
            "horizon",
            f"{text} is outside the run ({format_month(scenario.start)} to {format_month(last)})",
        )
    return text, [text]


@dataclass
class ExplainResult:
    """The split of one effect (or drift) per metric into channel contributions.

    ``table`` has one row per metric and channel (then the residual and the total):
    metric, channel, switches, contribution, se, share (of the total).
    """

    scenario: str
    baseline: str | None
    horizon: str
    method: str  # "exact" or "sampled"
    replicates: int
    runs: int
    groups: dict[str, tuple[str, ...]]
    table: pd.DataFrame
    settings: dict = field(default_factory=dict)

    @property
    def question(self) -> str:
        if self.baseline is None:
            return f"drift of {self.scenario} from its first month to {self.horizon}"
        return f"effect of {self.scenario} against {self.baseline} at {self.horizon}"

    def report(self) -> str:
        lines = [
            f"Channel contributions ({self.method} Shapley values over {len(self.groups)} "
            f"groups, {self.replicates} replicates, {self.runs} runs): {self.question}",
            "",
        ]
        for metric, rows in self.table.groupby("metric", sort=False):
            lines.append(metric)
            for r in rows.itertuples():
                se = "" if np.isnan(r.se) else f" +- {r.se:.4f}"
                lines.append(f"  {r.channel:<26} {r.contribution:+.4f}{se}")
            lines.append("")
        lines.append(
            "se: standard error over replicates (exact) or over sampled orders (sampled); "
            f"{RESIDUAL}: the value with every grouped switch off; contributions sum to "
            f"{TOTAL} - {RESIDUAL}."
        )
        return "\n".join(lines)

    def plot(self, path: str | Path | None = None):
        """A waterfall per metric: from the residual, each channel's contribution, to the
        total. Returns the matplotlib Figure (written to `path` if given)."""
        from .style import caption, new_figure

        metrics = list(dict.fromkeys(self.table.metric))
        fig, axes = new_figure(
            len(metrics),
            1,
            size=(7.0, 1.0 + 0.35 * (len(self.groups) + 2) * len(metrics)),
            squeeze=False,
        )
        for ax, metric in zip(axes[:, 0], metrics, strict=True):
            rows = self.table[self.table.metric == metric]
            labels = list(rows.channel)
            vals = rows.contribution.to_numpy()
            start = np.zeros(len(vals))
            running = 0.0
            for k, (label, v) in enumerate(zip(labels, vals, strict=True)):
                if label == TOTAL:
                    start[k] = 0.0
                else:
                    start[k] = running
                    running += v
            colours = [
                "#999999" if lab in (RESIDUAL, TOTAL) else ("#0072B2" if v >= 0 else "#D55E00")
                for lab, v in zip(labels, vals, strict=True)
            ]
            hatches = ["" if v >= 0 else "//" for v in vals]
            y = np.arange(len(vals))[::-1]
            bars = ax.barh(y, vals, left=start, color=colours, edgecolor="black", linewidth=0.4)
            for bar, h in zip(bars, hatches, strict=True):
                bar.set_hatch(h)
            se = rows.se.to_numpy()
            ok = ~np.isnan(se)
            ax.errorbar((start + vals)[ok], y[ok], xerr=se[ok], fmt="none", ecolor="black", lw=0.6)
            ax.set_yticks(y, labels, fontsize=7)
            ax.axvline(0.0, color="black", lw=0.5)
            ax.set_title(metric, fontsize=9, loc="left")
        caption(
            fig,
            f"{self.question}: Shapley contributions of the channel groups ({self.method}, "
            f"{self.replicates} replicates); blue raises the metric, orange (hatched) lowers "
            f"it; grey: {RESIDUAL} and {TOTAL}; bars: standard errors.",
        )
        if path is not None:
            fig.savefig(path, dpi=150)
        return fig

    def save(self, out: str | Path) -> list[Path]:
        out = Path(out)
        paths = [
            out / "explain.csv",
            out / "waterfall.png",
            out / "report.txt",
            out / "explain.json",
        ]
        self.table.to_csv(paths[0], index=False)
        self.plot(paths[1])
        paths[2].write_text(self.report() + "\n", encoding="utf-8")
        write_json_atomic(paths[3], self.settings)
        return paths


def _check_metrics(metrics: Sequence[str] | None) -> list[str]:
    """Monthly metrics by name, country metrics as NAME:ISO3 (e.g. alignment:DZA)."""
    from ..outcomes import COUNTRY_METRICS
    from ..roster import load_roster

    metrics = list(metrics or DEFAULT_METRICS)
    known = [m.name for m in MODEL_METRICS]
    per_country = [m.name for m in COUNTRY_METRICS]
    codes = list(load_roster().table.index)
    for m in metrics:
        name, colon, iso3 = m.partition(":")
        if colon and name not in per_country:
            raise ExplainInputError(
                "metrics",
                f"unknown country metric {name!r}{suggest(name, per_country)}; "
                f"allowed: {', '.join(per_country)}",
            )
        if colon and iso3 not in codes:
            raise ExplainInputError(
                "metrics", f"{m!r}: unknown country code {iso3!r}{suggest(iso3, codes)}"
            )
        if not colon and m not in known:
            raise ExplainInputError(
                "metrics",
                f"unknown metric {m!r}{suggest(m, known)}; allowed: {', '.join(known)}, "
                "or a country metric as NAME:ISO3",
            )
    if len(set(metrics)) != len(metrics):
        raise ExplainInputError("metrics", "a metric is named twice")
    return metrics


def _tables(metrics: list[str]) -> tuple[tuple[str, ...], list[str] | None]:
    """The batch tables and monthly columns the metrics need."""
    monthly = [m for m in metrics if ":" not in m]
    tables = (("monthly",) if monthly else ()) + (
        ("countries",) if len(monthly) < len(metrics) else ()
    )
    return tables, (monthly or None)


def _read(out: Path, metrics: list[str], dates: list[str]) -> pd.DataFrame:
    """One row per scenario, point, replicate and date; one column per metric."""
    from ..batch.storage import load

    batch = load(out)
    keys = ["scenario", "point", "replicate", "date"]
    monthly = [m for m in metrics if ":" not in m]
    frame = None
    if monthly:
        frame = batch.read("monthly", columns=[*keys, *monthly], filters=[("date", "in", dates)])
    country = [m.partition(":")[::2] for m in metrics if ":" in m]
    if country:
        names = sorted({c for c, _ in country})
        rows = batch.read(
            "countries",
            columns=[*keys, "iso3", *names],
            filters=[("date", "in", dates), ("iso3", "in", sorted({i for _, i in country}))],
        )
        for name, iso3 in country:
            one = rows[rows.iso3 == iso3].set_index(keys)[name].rename(f"{name}:{iso3}")
            frame = one.reset_index() if frame is None else frame.merge(one.reset_index(), on=keys)
    return frame


def _values(
    monthly: pd.DataFrame,
    metrics: list[str],
    masks: list[int],
    scenario: str,
    baseline: str | None,
    months: list[str],
    first: str,
) -> dict[int, np.ndarray]:
    """mask -> (replicates, metrics): the value of each subset, per replicate."""
    at = monthly[monthly.date.isin(months)].groupby(["scenario", "point", "replicate"])[metrics]
    at = at.mean()
    out = {}
    for k, mask in enumerate(masks):
        mine = at.loc[scenario].loc[k].sort_index()
        if baseline is None:
            ref = monthly[(monthly.scenario == scenario) & (monthly.point == k)]
            ref = ref[ref.date == first].set_index("replicate")[metrics].sort_index()
        else:
            ref = at.loc[baseline].loc[k].sort_index()
        out[mask] = (mine - ref).to_numpy()
    return out


def explain(
    scenario: str | Path | Scenario,
    baseline: str | Path | Scenario | None = None,
    *,
    metrics: Sequence[str] | None = None,
    horizon: str | None = None,
    groups: str | Mapping[str, Sequence[str]] | None = None,
    replicates: int = DEFAULT_REPLICATES,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int | None = None,
    out: str | Path,
    executor: str = "processes",
    workers: int | None = None,
    scheduler=None,
    progress: bool | None = None,
) -> ExplainResult:
    """Split a policy's effect, or a scenario's drift since its start, into the
    contributions of channel groups: the library function behind `southflank explain`.

    Args:
        scenario: the scenario explained (a shipped name, a path or a Scenario).
        baseline: what it is compared with (default: the shipped baseline); the
            scenario itself, or a scenario that is the shipped baseline explained
            without one, means its drift from its first month.
        metrics: monthly metrics split (default: Russia's influence share, cohesion), or
            a country's metric as NAME:ISO3 (e.g. "alignment:DZA").
        horizon: YYYY-MM (that month) or YYYY (its June, the end of a model year);
            default the run's last month.
        groups: channel groups (see `parse_groups`; default DEFAULT_GROUPS).
        replicates: runs per subset, same seeds everywhere (common random numbers).
        permutations: sampled orders when there are more than EXACT_MAX groups.
        seed: the batch seed (replicate seeds and sampled orders derive from it).
        out: the analysis folder, a batch folder with the results beside it; running
            the same analysis again into it continues the runs that are left.
        executor, workers, scheduler, progress: as for `sim.batch.run_batch`.

    Raises:
        ExplainInputError: bad input (nothing written, no run started).
        ExplainRunError: some runs failed; the others are kept in `out`.
    """
    sc, base = _scenarios(scenario, baseline)
    seed = _check_numbers(seed, replicates, permutations, executor, workers, scheduler)
    metrics = _check_metrics(metrics)
    group_map = parse_groups(groups)
    label, months = _horizon_months(horizon, sc)
    _check_pair(sc, base, group_map)
    masks, orders = coalitions(len(group_map), permutations, seed)
    settings = {
        "scenario": sc.name,
        "baseline": None if base is None else base.name,
        "groups": {k: list(v) for k, v in group_map.items()},
        "metrics": metrics,
        "horizon": label,
        "replicates": replicates,
        "permutations": None if orders is None else permutations,
        "batch_seed": seed,
    }
    out = Path(out)
    runs = _run(sc, base, group_map, masks, settings, out, executor, workers, scheduler, progress)
    first = format_month(sc.start)
    monthly = _read(out, metrics, sorted({*months, first}))
    values = _values(monthly, metrics, masks, sc.name, settings["baseline"], months, first)
    table, method = _split(values, masks, orders, group_map, metrics, replicates)
    result = ExplainResult(
        sc.name, settings["baseline"], label, method, replicates, runs, group_map, table, settings
    )
    result.save(out)
    return result


def _scenarios(scenario, baseline) -> tuple[Scenario, Scenario | None]:
    """The scenario and its baseline (None: explain the scenario's drift)."""
    from ..scenario import ScenarioError

    try:
        sc = scenario if isinstance(scenario, Scenario) else library.load(scenario)
        if baseline is None or isinstance(baseline, Scenario):
            base = baseline
        else:
            base = library.load(baseline)
    except (ScenarioError, FileNotFoundError) as exc:
        raise ExplainInputError("scenario", str(exc)) from None
    if base is None:
        default = library.default_scenario()
        return sc, (None if sc.name == default.name else default)
    return sc, (None if base.name == sc.name else base)


def _check_numbers(seed, replicates, permutations, executor, workers, scheduler) -> int:
    from ..batch.design import DEFAULT_BATCH_SEED
    from ..batch.executors import ExecutorError, check_executor

    seed = DEFAULT_BATCH_SEED if seed is None else int(seed)
    if seed < 0:
        raise ExplainInputError("seed", f"must be 0 or more, got {seed}")
    for name, value, low in (("replicates", replicates, 1), ("permutations", permutations, 2)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ExplainInputError(name, f"must be a whole number >= {low}, got {value!r}")
    try:
        check_executor(executor, workers, scheduler)
    except ExecutorError as exc:
        raise ExplainInputError(exc.field, exc.detail) from None
    return seed


def _check_pair(sc: Scenario, base: Scenario | None, groups: dict[str, tuple[str, ...]]) -> None:
    if base is not None and (base.start, base.months) != (sc.start, sc.months):
        raise ExplainInputError(
            "baseline", f"{base.name} runs over other months than {sc.name}; pair like with like"
        )
    grouped = {s for g in groups.values() for s in g}
    for one in (sc, base):
        if one is not None and grouped & set(one.parameters):
            raise ExplainInputError(
                "groups",
                f"{one.name} sets the grouped switch(es) {sorted(grouped & set(one.parameters))} "
                "in its parameters; leave them out of the groups",
            )


def _run(sc, base, groups, masks, settings, out: Path, executor, workers, scheduler, progress):
    """Every subset as a design point of one batch in `out`; returns the number of runs."""
    from ..batch.design import DesignError, explicit_design
    from ..batch.executors import ExecutorError
    from ..batch.plan import make_plan
    from ..batch.runner import run_plan
    from ..batch.storage import BatchError

    names = list(groups)
    points = [
        {s: float(bool(mask >> g & 1)) for g, gname in enumerate(names) for s in groups[gname]}
        for mask in masks
    ]
    tables, columns = _tables(settings["metrics"])
    try:
        design = explicit_design(points, method="explain", seed=settings["batch_seed"])
        plan = make_plan(
            [sc] if base is None else [sc, base],
            replicates=settings["replicates"],
            design=design,
            seed=settings["batch_seed"],
            tables=tables,
            columns=columns,
        )
    except (BatchError, DesignError) as exc:
        raise ExplainInputError("scenario", str(exc)) from None
    try:
        summary = run_plan(
            plan,
            out,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            label="explain",
            meta={"explain": settings},
        )
    except BatchError as exc:
        raise ExplainInputError("out", str(exc).removeprefix("--out: ")) from None
    except ExecutorError as exc:
        raise ExplainInputError(exc.field, exc.detail) from None
    if summary.failed or summary.left:
        raise ExplainRunError(
            f"{summary.failed} of {summary.n_runs} runs failed and {summary.left} are left "
            f"(tracebacks in {out / 'failures'}); fix the cause, then `southflank resume "
            f"{out} --retry-failed` and run this analysis again: finished runs are kept"
        )
    return summary.n_runs


def _split(values, masks, orders, groups, metrics, replicates) -> tuple[pd.DataFrame, str]:
    """The table of contributions, the residual and the total, per metric."""
    names = list(groups)
    n = len(names)
    full, none = values[masks[-1]], values[0]
    if orders is None:
        phi = shapley_exact(values, n)  # (n, replicates, metrics)
        contrib = phi.mean(axis=1)
        se = _se(np.moveaxis(phi, 1, 0))
        method = "exact"
    else:
        marg = shapley_sampled({m: v.mean(axis=0) for m, v in values.items()}, orders)
        contrib = marg.mean(axis=0)  # (n, metrics)
        se = marg.std(axis=0, ddof=1) / math.sqrt(len(orders))
        method = "sampled"
    total, resid = full.mean(axis=0), none.mean(axis=0)
    se_full, se_none = _se(full), _se(none)
    rows = []
    for j, metric in enumerate(metrics):

        def share(v: float, j: int = j) -> float:
            return v / total[j] if total[j] != 0 else np.nan

        for g, gname in enumerate(names):
            rows.append(
                (
                    metric,
                    gname,
                    "+".join(groups[gname]),
                    contrib[g, j],
                    se[g, j],
                    share(contrib[g, j]),
                )
            )
        rows.append((metric, RESIDUAL, "", resid[j], se_none[j], share(resid[j])))
        rows.append((metric, TOTAL, "", total[j], se_full[j], 1.0))
    columns = ["metric", "channel", "switches", "contribution", "se", "share"]
    return pd.DataFrame(rows, columns=columns), method


def _se(per_replicate: np.ndarray) -> np.ndarray:
    """Standard error of the mean over the first axis (replicates); NaN with one."""
    r = per_replicate.shape[0]
    if r < 2:
        return np.full(per_replicate.shape[1:], np.nan)
    return per_replicate.std(axis=0, ddof=1) / math.sqrt(r)


__all__ = [
    "DEFAULT_GROUPS",
    "EXACT_MAX",
    "ExplainInputError",
    "ExplainResult",
    "ExplainRunError",
    "explain",
    "parse_groups",
    "shapley_exact",
    "shapley_sampled",
]
