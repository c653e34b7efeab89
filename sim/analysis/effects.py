"""Paired policy effects with confidence intervals: the numbers of a comparison.

The estimator lives in one place, `sim.batch.compare` (what ``southflank compare``
prints): for each replicate, the scenario's value minus the baseline's with the same
seed, then a Student t interval over those differences, with a verdict ("higher",
"lower", "no clear difference", "too few replicates to tell"). This module only
re-exports it, so a notebook, the report and the command line give the same numbers.
``HEADLINE`` is sim.outcomes.HEADLINE (metric -> +1 if higher is better for the
Alliance, -1 if lower), the one list of headline metrics.
"""

from __future__ import annotations

from ..batch.compare import (
    COLUMNS,
    DEFAULT_HORIZONS,
    HORIZON_MONTH,
    horizon_date,
    paired_effects,
)
from ..outcomes import HEADLINE

HORIZONS = DEFAULT_HORIZONS

__all__ = [
    "COLUMNS",
    "HEADLINE",
    "HORIZONS",
    "HORIZON_MONTH",
    "horizon_date",
    "paired_effects",
]
