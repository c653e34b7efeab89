"""What the project knows about SALib, in one table: which sampler pairs with which
analyzer, with which settings, how many rows a design of N has, and which N are allowed.

Batch designs (sim.batch.design) draw their samples through `sample`, and the
sensitivity analysis (sim.sensitivity) analyses them through `analyze`, so a
``southflank batch --design sobol`` and a sensitivity analysis with the same seed draw
the same points, and no rule (the power of two of Sobol' sampling, Morris's levels) is
written twice.

=======  ==============================  ===============================  ==========  =======
method   sampler                         analyzer                         rows        ranked
=======  ==============================  ===============================  ==========  =======
lhs      ``SALib.sample.latin``          (pairs with delta / rbd_fast;    N           -
                                         not analysed here)
sobol    ``SALib.sample.sobol``          ``SALib.analyze.sobol``          N(2D+2),    ``ST``
         (Saltelli's scheme, scrambled   (Sobol' 2001; Saltelli et al.    N a power
         Sobol' sequence, second order)  2010)                            of 2
morris   ``SALib.sample.morris``         ``SALib.analyze.morris``         N(D+1)      ``mu_star``
         (N trajectories, 4 levels)      (Morris 1991; Campolongo et al.
                                         2007: mu*, sigma)
=======  ==============================  ===============================  ==========  =======

The bounds of a sample are the SALib ``problem``'s (``names``, ``bounds``, ``num_vars``),
built by the caller from the parameter registry or an ``experiment:`` block.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import ArgumentError

MORRIS_LEVELS = 4
SOBOL_SECOND_ORDER = True
CONF_LEVEL = 0.95
NUM_RESAMPLES = 200  # bootstrap resamples behind SALib's confidence intervals


class DesignError(ArgumentError):
    """A design that cannot be built: ``argument`` names the input at fault (samples,
    design, points, names, bounds)."""


@dataclass(frozen=True)
class SalibMethod:
    """One SALib sampler, the analyzer documented as its pair, and their settings."""

    name: str
    sampler: str  # module of SALib's sampler
    sample_kw: Mapping[str, object]
    rows_per_sample: Callable[[int], int]  # rows per base sample for D parameters
    power_of_two: bool = False  # N must be a power of 2 (balance of Sobol' sequences)
    analyzer: str | None = None  # module of SALib's analyzer (None: not analysed here)
    analyze_kw: Mapping[str, object] = field(default_factory=dict)
    analyze_with_x: bool = False  # the analyzer reads the sample as well as the outputs
    ranked_by: str = ""  # the index that ranks parameters
    conf: str = ""  # its confidence half-width
    indices: tuple[str, ...] = ()  # the per-parameter indices reported


METHODS: dict[str, SalibMethod] = {
    "lhs": SalibMethod("lhs", "SALib.sample.latin", {}, lambda d: 1),
    "sobol": SalibMethod(
        "sobol",
        "SALib.sample.sobol",
        {"calc_second_order": SOBOL_SECOND_ORDER, "scramble": True},
        lambda d: 2 * d + 2,
        power_of_two=True,
        analyzer="SALib.analyze.sobol",
        analyze_kw={"calc_second_order": SOBOL_SECOND_ORDER},
        ranked_by="ST",
        conf="ST_conf",
        indices=("S1", "S1_conf", "ST", "ST_conf"),
    ),
    "morris": SalibMethod(
        "morris",
        "SALib.sample.morris",
        {"num_levels": MORRIS_LEVELS},
        lambda d: d + 1,
        analyzer="SALib.analyze.morris",
        analyze_kw={"num_levels": MORRIS_LEVELS},
        analyze_with_x=True,
        ranked_by="mu_star",
        conf="mu_star_conf",
        indices=("mu", "mu_star", "mu_star_conf", "sigma"),
    ),
}
ANALYSED = tuple(name for name, m in METHODS.items() if m.analyzer)


def method(name: str, argument: str = "method") -> SalibMethod:
    """The table's row for a method name; DesignError naming the allowed ones."""
    if name not in METHODS:
        raise DesignError(
            argument, f"unknown sampled design {name!r}; allowed: {', '.join(METHODS)}"
        )
    return METHODS[name]


def check_samples(name: str, n: object, argument: str = "samples", minimum: int = 1) -> int:
    """N of a sampled design, checked: a whole number >= `minimum` (an analysis needs
    2), a power of 2 for Sobol' sampling."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < minimum:
        raise DesignError(argument, f"must be a whole number >= {minimum}, got {n!r}")
    n = int(n)
    if method(name).power_of_two and n & (n - 1):
        lo = 1 << (n.bit_length() - 1)
        raise DesignError(
            argument,
            f"Sobol' sampling needs a power of 2 (its balance properties hold only then), "
            f"got {n}; use {lo} or {lo * 2}",
        )
    return n


def _module(path: str):
    try:
        return importlib.import_module(path)
    except ImportError as exc:  # pragma: no cover - SALib is in the analysis extra
        raise DesignError(
            "design", f"{path} is needed: pip install 'southflank[analysis]'"
        ) from exc


def sample(name: str, problem: dict, n: int, seed: int | None) -> np.ndarray:
    """SALib's sample (one row per point, unrounded) mapped exactly onto the problem's
    bounds (`onto_bounds`): the matrix the paired analyzer expects as ``X``."""
    m = method(name, "design")
    n = check_samples(name, n)
    x = _module(m.sampler).sample(problem, n, seed=seed, **m.sample_kw)
    return onto_bounds(x, problem["bounds"])


# SALib scales its unit sample as low + u * (high - low); with u = 1 that can land a
# float rounding past high (0.3 + 0.6 = 0.9000000000000001), which the registry refuses.
ROUNDING = 1e-9  # of a range's width: what is rounding; anything more is a sampler fault


def onto_bounds(x: np.ndarray, bounds: Sequence[Sequence[float]]) -> np.ndarray:
    """A design matrix with each column inside its [low, high] exactly: values a float
    rounding outside are set to the bound; a value further out is a DesignError."""
    x = np.array(x, dtype=float)
    low = np.array([b[0] for b in bounds], dtype=float)
    high = np.array([b[1] for b in bounds], dtype=float)
    slack = ROUNDING * (high - low)
    far = (x < low - slack) | (x > high + slack)
    if far.any():
        i, j = np.argwhere(far)[0]
        raise DesignError(
            "bounds", f"the sampler put column {j} at {x[i, j]!r}, outside [{low[j]}, {high[j]}]"
        )
    return np.clip(x, low, high)


def analyze(name: str, problem: dict, x: np.ndarray, y: np.ndarray, seed: int) -> dict:
    """SALib's indices for outputs `y` of the sample `x`, with bootstrap intervals."""
    m = method(name)
    if m.analyzer is None:
        raise DesignError("method", f"{name} has no analyzer here; allowed: {', '.join(ANALYSED)}")
    kw = {"num_resamples": NUM_RESAMPLES, "conf_level": CONF_LEVEL, "seed": seed, **m.analyze_kw}
    args = (problem, x, y) if m.analyze_with_x else (problem, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _module(m.analyzer).analyze(*args, **kw)


def base_rows(name: str, n_rows: int, n_params: int) -> np.ndarray:
    """Row numbers of the N base samples of a design (Sobol's A rows, Morris
    trajectory starts, every row of a hypercube): a space-filling sample of N points."""
    return np.arange(0, n_rows, method(name).rows_per_sample(n_params))
