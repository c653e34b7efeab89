"""What a sensitivity analysis found, and how it is shown: `SensitivityResult` holds
the indices, the noise diagnostic and the policies' robustness; `report` prints them,
`plot` draws the ranked indices and `save` writes them next to the analysis's runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..batch.design import Design
from ..batch.salib import METHODS
from ..io import atomic_write, write_text_atomic
from .methods import TOP_K

FILES = ("indices.csv", "noise.csv", "policies.csv", "ranking_held.csv", "ranked.png", "report.txt")


@dataclass
class SensitivityResult:
    """What `run` found; `save` writes it, `report` prints it, `plot` draws it.

    Attributes:
        indices: one row per metric and parameter: the method's indices, their 95%
            confidence half-widths (``*_conf``) and ``rank``.
        noise: one row per metric: noise_share, ci_ratio, design_halves,
            replicate_halves, advice (see `analyse_metric`).
        policies: one row per metric and policy (see `policy_robustness`).
        ranking_held: one row per metric: share of the base points where the order of
            all scenarios equals their order on average.
    """

    scenario: str
    method: str
    n: int
    replicates: int
    horizon: str
    window: int
    design: Design  # sim.batch.Design with SALib's matrix
    indices: pd.DataFrame
    noise: pd.DataFrame
    policies: pd.DataFrame = field(default_factory=pd.DataFrame)
    ranking_held: pd.DataFrame = field(default_factory=pd.DataFrame)
    runs: int = 0

    @property
    def ranked_by(self) -> str:
        return METHODS[self.method].ranked_by

    def plot(self, path: str | Path | None = None, top: int = 12):
        """Ranked bars of each metric's leading parameters with their 95% intervals."""
        from matplotlib.figure import Figure

        m = METHODS[self.method]
        metrics = list(dict.fromkeys(self.indices.metric))
        cols = min(3, len(metrics))
        rows = -(-len(metrics) // cols)
        fig = Figure(
            figsize=(5.2 * cols, 0.32 * min(top, len(self.design.names)) * rows + 1.6 * rows)
        )
        for k, metric in enumerate(metrics):
            ax = fig.add_subplot(rows, cols, k + 1)
            d = self.indices[self.indices.metric == metric].nsmallest(top, "rank").iloc[::-1]
            ypos = np.arange(len(d))
            ax.barh(ypos, d[m.ranked_by], xerr=d[m.conf], color="#3b6ea5", label=m.ranked_by)
            if "S1" in d:
                ax.barh(ypos, d["S1"], height=0.4, color="#e0a030", label="S1")
            ax.set_yticks(ypos, d.parameter, fontsize=8)
            ax.set_title(metric, fontsize=10)
            ax.axvline(0, color="black", lw=0.5)
            if k == 0:
                ax.legend(fontsize=8, loc="lower right")
        fig.suptitle(
            f"{self.scenario}: {self.method} (N={self.n}, R={self.replicates}), "
            f"mean {self.window} months to {self.horizon}; bars 95% intervals",
            fontsize=10,
        )
        fig.tight_layout()
        if path is not None:
            fig.savefig(path, dpi=110)
        return fig

    def report(self) -> str:
        """A plain-text summary: top parameters, noise verdicts, policy robustness."""
        lines = [
            f"{self.scenario}: {self.method} over {len(self.design.names)} parameters, "
            f"N={self.n}, {len(self.design.points)} points x {self.replicates} replicates "
            f"({self.runs} runs); metrics are the mean of the {self.window} months to {self.horizon}"
        ]
        for metric in dict.fromkeys(self.indices.metric):
            lines += self._indices_lines(metric)
            if not self.policies.empty:
                lines += self._policy_lines(metric)
        return "\n".join(lines)

    def _indices_lines(self, metric: str) -> list[str]:
        m = METHODS[self.method]
        d = self.indices[self.indices.metric == metric].nsmallest(TOP_K, "rank")
        nz = self.noise.set_index("metric").loc[metric]
        tops = ", ".join(
            f"{r.parameter} {getattr(r, m.ranked_by):.2f}±{getattr(r, m.conf):.2f}"
            for r in d.itertuples()
        )
        return [
            f"\n{metric}: {m.ranked_by} {tops}",
            f"  noise share {nz.noise_share:.0%}, widest interval / top index "
            f"{nz.ci_ratio:.2f}, top-{TOP_K} agreement: design halves "
            f"{nz.design_halves:.0%}, replicate halves {nz.replicate_halves:.0%}",
            f"  -> {nz.advice}",
        ]

    def _policy_lines(self, metric: str) -> list[str]:
        held = self.ranking_held.set_index("metric").loc[metric, "share_ranking_held"]
        lines = [f"  ranking of all scenarios holds at {held:.0%} of the points"]
        for r in self.policies[self.policies.metric == metric].itertuples():
            lines.append(
                f"  {r.policy:<30} better than the baseline at {r.share_better:4.0%} "
                f"(clearly {r.share_clearly_better:4.0%}), worse at "
                f"{r.share_worse:4.0%} of the points; effect "
                f"{r.effect:+.3g} [{r.effect_p05:+.3g}, {r.effect_p95:+.3g}]"
                + (f"; depends most on {r.driver}" if r.driver else "")
            )
        return lines

    def save(self, out: str | Path) -> list[Path]:
        """Write indices.csv, noise.csv, policies.csv, ranked.png and report.txt."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in ("indices", "noise", "policies", "ranking_held"):
            path = out / f"{name}.csv"
            write_text_atomic(path, getattr(self, name).to_csv(index=False))
            paths.append(path)
        png = atomic_write(out / "ranked.png", self.plot)
        txt = write_text_atomic(out / "report.txt", self.report() + "\n")
        return [*paths, png, txt]
