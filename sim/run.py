"""One run, start to finish: `simulate(scenario, seed=...)` and its `Result`.

This is the single entry point beneath the CLI, the batch runner, sensitivity
analysis, the EMA connector and the notebooks: everything that runs the model runs it
through here, so every path gives the same numbers for the same scenario and seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .io import atomic_write
from .model import SouthernFlankModel
from .outcomes import events_frame
from .scenario import Scenario


@dataclass
class Result:
    """The tables of one run.

    Attributes:
        monthly: one row per month, model-level metrics (sim.outcomes.MODEL_METRICS),
            with a ``date`` column (YYYY-MM).
        countries: one row per month and actor (``iso3``), country metrics
            (sim.outcomes.COUNTRY_METRICS).
        events: the event log, one row per event, with the mechanism and cause.
    """

    scenario: Scenario
    seed: int
    monthly: pd.DataFrame
    countries: pd.DataFrame
    events: pd.DataFrame

    def why(self, iso3: str) -> pd.DataFrame:
        """Everything the log says about one actor, oldest first: 'why did Niger flip?'.

        Each row names the mechanism and the cause (the lever, prior event or state
        values that drove it).
        """
        if iso3 not in set(self.countries.iso3):
            from .params import suggest

            known = sorted(set(self.countries.iso3))
            raise KeyError(f"unknown actor {iso3!r}{suggest(iso3, known)}")
        ev = self.events
        return ev[ev.iso3 == iso3].reset_index(drop=True)

    def save(self, out: str | Path, fmt: str = "parquet") -> list[Path]:
        """Write the three tables to a folder (Parquet or CSV), each atomically;
        returns the paths."""
        if fmt not in ("parquet", "csv"):
            raise ValueError(f"unknown format {fmt!r}; allowed: parquet, csv")
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in ("monthly", "countries", "events"):
            df = getattr(self, name)
            if fmt == "parquet":
                path = atomic_write(
                    out / f"{name}.parquet", lambda t, df=df: df.to_parquet(t, index=False)
                )
            else:
                path = atomic_write(out / f"{name}.csv", lambda t, df=df: df.to_csv(t, index=False))
            paths.append(path)
        return paths


def run_model(scenario: Scenario, seed: int | None = None) -> SouthernFlankModel:
    """Run a scenario to its end and return the model (for inspection)."""
    model = SouthernFlankModel(scenario, seed=seed)
    for _ in range(scenario.months):
        model.step()
    return model


def simulate(scenario: Scenario, seed: int | None = None) -> Result:
    """Run one scenario with one seed and return its tables."""
    model = run_model(scenario, seed)
    rec = model.recorder
    return Result(
        scenario=scenario,
        seed=model.seed,
        monthly=rec.monthly(),
        countries=rec.countries(),
        events=events_frame(model.events),
    )
