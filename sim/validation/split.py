"""The data split applied to the scorecard: which scored parts may fit the model, which
only judge it, and which can fail at all.

The rule (docs/history/data_split.md): outcomes of 2019-01..2022-12 may estimate
registry parameters (calibration, in sample); outcomes of 2023-01..2025-12 only score
(validation, out of sample). A value that set a parameter is never a validation fact.

Every part of every stylized fact's test carries a `Label`:

- ``window``: ``start`` (an initial condition), ``calibration`` (its observed dates all
  fall in 2019-2022) or ``validation`` (it reads 2023 or later);
- ``role`` in the headline replay (coups, deployments, expulsions, base openings,
  realignments and violence endogenous): ``input`` (a scheduled shock decides it),
  ``structural`` (it cannot fail by construction; the reason is given) or
  ``endogenous`` (the mechanisms must produce it); ``scheduled_role`` where the
  diagnostic variant with scheduled coups differs;
- ``credits``: the channel switches (registry kind ``switch``) whose mechanisms an
  endogenous part credits. It counts as endogenous only if switching them off changes
  its pass share on the same seeds (`switch_test`); a part that never holds with the
  channels on cannot be shown to depend on them and is counted as an endogenous
  failure (the conservative reading, which lowers the share);
- ``set_by_fact``: parameters that earlier calibration rounds set from the fact
  (docs/calibration.md). Such a part is marked and not counted as validation unless
  the parameter's value now comes from the calibration window (its registry ``source``
  carries `WINDOW_PROVENANCE`, written by sim.validation.calibrate).

`shares` turns a scorecard and the labels into the endogenous shares, in sample and out
of sample, with every other part listed apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from .. import params as _params
from .facts import AES

CALIBRATION_WINDOW = ("2019-01", "2022-12")
VALIDATION_WINDOW = ("2023-01", "2025-12")
WINDOWS = ("start", "calibration", "validation")
ROLES = ("input", "structural", "endogenous")
# the words the calibration writes into a registry entry's source (sim.validation.calibrate)
WINDOW_PROVENANCE = "calibrated on the replay's 2019-01..2022-12 window"
# ... where only the accepted range was written and the default kept (it lies inside)
RANGE_PROVENANCE = "range accepted on the replay's 2019-01..2022-12 window"

COUP, EXPEL, BLOC, DEPLOY, WITHDRAW, SURGE = (
    "coup_hazard_switch",
    "expulsion_switch",
    "bloc_switch",
    "deployment_switch",
    "russian_withdrawal_switch",
    "black_wagners_switch",  # surges of Russian presence to partners in crisis
)
RUSSIA_IN = (DEPLOY, SURGE)  # what brings Russian presence to a state without it
RUSSIA_OUT = (WITHDRAW, SURGE)  # what takes it away


@dataclass(frozen=True)
class Label:
    window: str
    role: str
    credits: tuple[str, ...] = ()
    why: str = ""  # for input and structural parts: what decides them
    scheduled_role: str | None = None  # the diagnostic variant's role, where it differs

    def role_in(self, variant: str) -> str:
        return self.scheduled_role if variant == "scheduled" and self.scheduled_role else self.role


_SCHEDULED_COUPS = "the scheduled coups (diagnostic variant)"
_VIOLENCE = (COUP, EXPEL)  # violence responds to coups (lost cover) and Western exits


def _sf01() -> dict[str, Label]:
    out = {}
    # observed: Mali's coups 2020-08/2021-05, Russians 2021-12, French exit 2022-08 (in
    # sample); Burkina Faso's coups 2022, French exit 2023-02, Russians 2024-01; Niger 2023-2024
    windows = {
        "MLI": ("calibration", "calibration", "calibration"),
        "BFA": ("calibration", "validation", "validation"),
        "NER": ("validation", "validation", "validation"),
    }
    for c in AES:
        coup, west, russia = windows[c]
        out[f"{c} had a coup"] = Label(coup, "endogenous", (COUP,), scheduled_role="input")
        out[f"{c} Western presence 0 by last coup + 24 months"] = Label(
            west, "endogenous", (EXPEL,)
        )
        out[f"{c} Russian presence > 0 by last coup + 24 months"] = Label(
            russia, "endogenous", RUSSIA_IN
        )
    return out


NO_RETURN = (
    "Western forces return only to a new government whose hostility is below half the "
    "expulsion threshold; a junta's hostility does not change while it rules"
)

LABELS: dict[str, dict[str, Label]] = {
    "SF-01": _sf01(),
    "SF-02": {
        "Sahel Western presence never rises": Label("validation", "endogenous", (EXPEL,)),
        "Sahel Western presence 0 by 2025-02": Label("validation", "endogenous", (EXPEL,)),
        "Niger Western presence 0 by 2024-09": Label("validation", "endogenous", (EXPEL,)),
        ">= 2 states without a 2022-2023 coup end Western basing 2024-11..2025-12": Label(
            "validation", "endogenous", (EXPEL,)
        ),
    },
    "SF-03": {
        "2022 >= 1.5 x 2020": Label("calibration", "endogenous", _VIOLENCE),
        "2022 not below 2021": Label("calibration", "endogenous", _VIOLENCE),
        "2023 >= 2.5 x 2020": Label("validation", "endogenous", _VIOLENCE),
        "2023 and 2024 >= 1.5 x 2020": Label("validation", "endogenous", _VIOLENCE),
        "2024 within -20%/+10% of 2023": Label("validation", "endogenous", _VIOLENCE),
        "no year 2023-2025 below 2021": Label("validation", "endogenous", _VIOLENCE),
        "Sahel share of the region's violence rises 2022 -> 2023 -> 2024": Label(
            "validation", "endogenous", _VIOLENCE
        ),
    },
    "SF-05": {
        "starts with one host (CAF)": Label(
            "start", "input", why="the 2019 initial condition (roster russia_presence_2019)"
        ),
        "no Sahel host loses Russian presence (no expulsion, no gap)": Label(
            "validation", "endogenous", RUSSIA_OUT
        ),
        "Syria's Russian presence falls after Assad's fall (the loss of a patron)": Label(
            "validation",
            "input",
            why=(
                "the drawdown is scheduled: after the fall the new government's ties to "
                "Russia (about 0.5) stay above deploy_min_ties, so the withdrawal rule "
                "would not produce it"
            ),
        ),
        "2 hosts within 12 months of 2021-12": Label("calibration", "endogenous", RUSSIA_IN),
        "3 hosts within 12 months of 2024-01": Label("validation", "endogenous", RUSSIA_IN),
        "4 hosts within 12 months of 2024-04": Label("validation", "endogenous", RUSSIA_IN),
        "Russian forces by themselves do not lower jihadist activity (12 months)": Label(
            "validation",
            "structural",
            why=(
                "Russian forces carry no counter-insurgency weight (russian_cover 0, set "
                "from this fact) and raise grievance: the part cannot fail"
            ),
        ),
    },
    "SF-09": {
        "no coup in Mediterranean Dialogue states 2019-2022": Label(
            "calibration", "endogenous", (COUP,), scheduled_role="input"
        ),
        "no coup in Mediterranean Dialogue states 2023-2025": Label(
            "validation", "endogenous", (COUP,), scheduled_role="input"
        ),
    },
    "SF-10": {
        "the three juntas exist": Label(
            "validation", "endogenous", (COUP,), scheduled_role="input"
        ),
        "no bloc before the third junta": Label("validation", "endogenous", (BLOC,)),
        "all three in the bloc within 3 months of the third junta": Label(
            "validation", "endogenous", (BLOC,)
        ),
        "no junta takes Western forces back": Label("validation", "structural", why=NO_RETURN),
    },
    "SF-12": {
        "summits 2022-2025 held with no MD/ICI partner": Label(
            "validation", "input", why="the summits and their guest lists are scheduled"
        ),
        "NATO's southern engagement steps up 2023-10..2024-07": Label(
            "validation",
            "input",
            why="a dated policy change raises the special representative's leverage",
        ),
        "no Russian drawdown in an AES state 2024-2025": Label(
            "validation", "endogenous", RUSSIA_OUT
        ),
        "no Western return to an AES state 2024-2025": Label(
            "validation", "structural", why=NO_RETURN
        ),
        "4 DCB packages by 2022, none new 2023-2025": Label(
            "validation", "input", why="the DCB packages are scheduled"
        ),
    },
}

# The calibration stages (sim.validation.calibrate.STAGES) whose parameters earlier
# rounds (docs/calibration.md, rounds 1-7, before the data split) set from each fact as
# a whole, in- and out-of-sample parts alike (the realignment stage also holds the third
# round's hand-set deploy_hazard and deploy_min_tenure, set from SF-01's and SF-05's lags)
SET_BY_FACT: dict[str, str] = {
    "SF-01": "realignment",
    "SF-02": "realignment",
    "SF-03": "violence",
    "SF-05": "realignment",
    "SF-10": "realignment",
}
# ... and from single parts
SET_BY_PART: dict[tuple[str, str], tuple[str, ...]] = {
    ("SF-05", "Russian forces by themselves do not lower jihadist activity (12 months)"): (
        "russian_cover",
    ),
}

# Batch-level parts (sim.validation.distributions): the observed value inside the
# simulated 90% interval; the same labels
DISTRIBUTION_LABELS: dict[str, Label] = {
    "SF-09: coups in the six states 2020-08..2022-12 inside the 90% interval": Label(
        "calibration", "endogenous", (COUP,), scheduled_role="input"
    ),
    "SF-09: coups in the six states 2023-01..2025-12 inside the 90% interval": Label(
        "validation", "endogenous", (COUP,), scheduled_role="input"
    ),
    "SF-09: coups in MD states 2019-2025 inside the 90% interval": Label(
        "validation", "endogenous", (COUP,), scheduled_role="input"
    ),
    "SF-03: 2024 fatalities inside the 90% interval": Label("validation", "endogenous", _VIOLENCE),
}
DISTRIBUTION_FACT = {k: k.split(":")[0] for k in DISTRIBUTION_LABELS}


def label(fact: str, part: str) -> Label:
    """The label of one scored part; an unlabelled part is a defect (every part the
    scorecard shows must say what it is)."""
    try:
        if part in LABELS.get(fact, {}):
            return LABELS[fact][part]
        return DISTRIBUTION_LABELS[part]
    except KeyError:
        raise KeyError(
            f"{fact}: part {part!r} has no label in sim/validation/split.py (window, role)"
        ) from None


def window_calibrated(name: str) -> bool:
    """Whether a registry entry's value comes from the calibration window (its source
    says so, as sim.validation.calibrate writes it)."""
    return WINDOW_PROVENANCE in _params.REGISTRY[name].source


def set_by(fact: str, part: str = "") -> tuple[str, ...]:
    """Parameters still set from the fact (or the part): those earlier rounds set from it
    whose value has not since been recalibrated on the calibration window."""
    from .calibrate import STAGES  # the stages import this module

    stages = {st.name: st.parameters for st in STAGES}
    by_fact = stages[SET_BY_FACT[fact]] if fact in SET_BY_FACT else ()
    names = (*by_fact, *SET_BY_PART.get((fact, part), ()))
    return tuple(p for p in names if not window_calibrated(p))


def in_sample_parts(facts: Iterable[str]) -> dict[str, list[str]]:
    """Per fact, the parts the calibration may fit (window ``calibration``)."""
    return {
        f: [p for p, lab in LABELS.get(f, {}).items() if lab.window == "calibration"] for f in facts
    }


def check_calibration_parts(parts: dict[str, Iterable[str]]) -> None:
    """Refuse a calibration target that reads 2023 or later (the data split)."""
    for fact, names in parts.items():
        for part in names:
            lab = label(fact, part)
            if lab.window != "calibration":
                raise ValueError(
                    f"{fact}: {part!r} is a {lab.window} part; the calibration may fit only "
                    f"outcomes of {CALIBRATION_WINDOW[0]}..{CALIBRATION_WINDOW[1]} "
                    "(docs/history/data_split.md)"
                )


def labelled(card: pd.DataFrame, variant: str) -> pd.DataFrame:
    """A scorecard's part rows with their labels: window, role (in `variant`), the
    credited switches, the reason of an input or structural part and the parameters
    still set from the fact."""
    rows = card[card.part != ""].copy()
    labs = [label(f, p) for f, p in zip(rows.fact, rows.part, strict=True)]
    rows["window"] = [lab.window for lab in labs]
    rows["role"] = [lab.role_in(variant) for lab in labs]
    rows["credits"] = [", ".join(lab.credits) for lab in labs]
    rows["why"] = [
        lab.why or (_SCHEDULED_COUPS if lab.role_in(variant) != lab.role else "") for lab in labs
    ]
    rows["set_by"] = [", ".join(set_by(f, p)) for f, p in zip(rows.fact, rows.part, strict=True)]
    return rows.reset_index(drop=True)


def confirm(rows: pd.DataFrame, off: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Add the switch test to labelled endogenous rows: ``off_pct`` (the pass share with
    the credited switches off, same seeds) and ``counted``: the part counts as
    endogenous if that share differs, or if it never holds with the channels on.

    Args:
        rows: `labelled` rows of the headline variant.
        off: per credited switch set (comma-joined names, as in ``credits``), the
            scorecard of the same seeds with those switches at 0.
    """
    out = rows.copy()
    off_pct, counted = [], []
    for r in out.itertuples():
        if r.role != "endogenous":
            off_pct.append(float("nan"))
            counted.append(False)
            continue
        card = off.get(r.credits)
        if card is None:
            raise KeyError(f"no switched-off run for {r.credits!r} ({r.fact}: {r.part})")
        hit = card[(card.fact == r.fact) & (card.part == r.part)].holds_pct
        o = float(hit.iloc[0]) if len(hit) else float("nan")
        off_pct.append(o)
        counted.append(bool(o != r.holds_pct or r.holds_pct == 0.0))
    out["off_pct"] = off_pct
    out["counted"] = counted
    return out


def shares(rows: pd.DataFrame) -> dict[str, dict]:
    """The endogenous shares: mean pass share of the counted endogenous parts in sample
    (fit) and out of sample (validation, without parts still set from their fact), with
    how many parts each covers."""

    def summary(sel: pd.Series) -> dict:
        part = rows[sel]
        return {
            "parts": int(len(part)),
            "share_pct": float(part.holds_pct.mean()) if len(part) else float("nan"),
            "parts_holding_80": int((part.holds_pct >= 80).sum()),
        }

    counted = rows.counted if "counted" in rows else rows.role == "endogenous"
    clean = rows.set_by == ""
    return {
        "in_sample": summary(counted & (rows.window == "calibration")),
        "out_of_sample": summary(counted & (rows.window == "validation") & clean),
        "out_of_sample_set_by_fact": summary(counted & (rows.window == "validation") & ~clean),
        "not_counted": summary(~counted),
    }
