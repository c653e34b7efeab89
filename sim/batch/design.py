"""Experimental designs: which parameter values a batch runs, and with which seeds.

A batch is scenarios x design points x replicates. The design is one table of points
(one row per point, one column per varied parameter), shared by every scenario of the
batch, so that scenario differences are paired point by point as well as seed by seed.

Designs (``samples`` = N):

| design | points | sampler |
|---|---|---|
| none   | 1 (the scenario as written) | - |
| grid   | N ** D (N levels per parameter, ends included) | numpy.linspace |
| lhs    | N | SALib.sample.latin |
| sobol  | N * (2D + 2), N a power of two | SALib.sample.sobol, second order |
| morris | N * (D + 1) trajectories of 4 levels | SALib.sample.morris |

The SALib samplers, their settings, their paired analyzers and the rules on N are one
table, sim.batch.salib, which the sensitivity analysis reads too.

An explicit design (``Design(points=[{name: value, ...}, ...])``, or `explicit_design`)
runs points the caller chose, e.g. a sample a sensitivity analysis drew itself; the
points are checked against the parameter registry before anything runs.

Row order is the sampler's order, so a sensitivity analysis can hand the outputs of
points 0..n-1 straight to the matching SALib analyzer (`Design.problem` and the
unrounded `Design.matrix`).

Seeds: replicate i of every scenario and every point runs with seed
``SeedSequence(batch_seed).spawn(R)[i]`` (common random numbers). The samplers draw
from a child stream with spawn key ``DESIGN_STREAM``, which no replicate reaches.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..params import REGISTRY, check_value
from ..scenario import Experiment
from .salib import MORRIS_LEVELS, SOBOL_SECOND_ORDER, DesignError, base_rows, sample

DESIGNS = ("grid", "lhs", "sobol", "morris")
EXPLICIT = "explicit"  # points given by the caller (not a choice of `southflank batch`)
# Default N per design: 3 levels per parameter; 16 hypercube points; Sobol base 8;
# 4 Morris trajectories (Campolongo et al. 2007 suggest 4-10).
DEFAULT_SAMPLES = {"grid": 3, "lhs": 16, "sobol": 8, "morris": 4}
# A spawn key far beyond any replicate count: the design sampler's own random stream.
DESIGN_STREAM = 2**31
DEFAULT_BATCH_SEED = 20250701


def replicate_seeds(batch_seed: int, replicates: int) -> list[int]:
    """The integer seed of each replicate: common to every scenario and design point."""
    children = np.random.SeedSequence(batch_seed).spawn(replicates)
    return [int(c.generate_state(1)[0]) for c in children]


def design_seed(batch_seed: int) -> int:
    """The seed the design sampler uses (independent of the number of replicates)."""
    seq = np.random.SeedSequence(batch_seed, spawn_key=(DESIGN_STREAM,))
    return int(seq.generate_state(1)[0])


@dataclass
class Design:
    """The design points of a batch: ``points[k]`` maps parameter -> value for point k.

    Built by `build_design` from an ``experiment:`` block, or by the caller with
    explicit points (``Design(points=[...])`` or `explicit_design`); `check_design`
    validates the latter before a batch runs them.
    """

    method: str = "none"
    names: list[str] = field(default_factory=list)
    bounds: list[tuple[float, float]] = field(default_factory=list)
    samples: int | None = None
    seed: int | None = None
    points: list[dict[str, float]] = field(default_factory=lambda: [{}])
    # the sampler's raw matrix (unrounded, one row per point) for a SALib design: what
    # its analyzer reads; not part of the plan (the points are)
    matrix: np.ndarray | None = field(default=None, compare=False, repr=False)
    # True for the draws of deep uncertainty (`uncertain_design`): each point is one
    # possible world, so comparisons report the spread of effects across points
    uncertain: bool = False

    @property
    def problem(self) -> dict:
        """The SALib `problem` dict of the varied parameters."""
        return {
            "num_vars": len(self.names),
            "names": list(self.names),
            "bounds": [list(b) for b in self.bounds],
        }

    def base_points(self) -> np.ndarray:
        """Point numbers of the N base samples of a SALib design (Sobol's A rows,
        Morris trajectory starts): a space-filling sample on which scenarios can be
        compared point by point."""
        return base_rows(self.method, len(self.points), len(self.names))

    def to_json(self) -> dict:
        out = {
            "method": self.method,
            "parameters": list(self.names),
            "bounds": [list(b) for b in self.bounds],
            "samples": self.samples,
            "seed": self.seed,
            "n_points": len(self.points),
            "points": self.points,
        }
        if self.method == "sobol":
            out["calc_second_order"] = SOBOL_SECOND_ORDER
        if self.method == "morris":
            out["num_levels"] = MORRIS_LEVELS
        if self.uncertain:  # only when set, so earlier batches keep their plan hash
            out["uncertain"] = True
        return out

    @classmethod
    def from_json(cls, data: dict) -> Design:
        return cls(
            method=data["method"],
            names=list(data["parameters"]),
            bounds=[tuple(b) for b in data["bounds"]],
            samples=data["samples"],
            seed=data["seed"],
            points=list(data["points"]),
            uncertain=bool(data.get("uncertain", False)),
        )


def sample_matrix(method: str, problem: dict, n: int, seed: int | None) -> np.ndarray:
    """SALib's raw sample for the lhs, sobol and morris designs (sim.batch.salib)."""
    return sample(method, problem, n, seed)


def sampled_design(
    method: str, names: Sequence[str], bounds: Sequence[tuple[float, float]], n: int, seed: int
) -> Design:
    """A SALib design of N over the given ranges: its points (whole-number parameters
    rounded) and the raw matrix its analyzer reads."""
    names = list(names)
    problem = {"num_vars": len(names), "names": names, "bounds": [list(b) for b in bounds]}
    matrix = sample(method, problem, n, seed)
    return Design(
        method=method,
        names=names,
        bounds=[(float(lo), float(hi)) for lo, hi in bounds],
        samples=n,
        seed=seed,
        points=points_from_matrix(names, matrix),
        matrix=matrix,
    )


def uncertain_design(n: int, seed: int, fixed: Sequence[str] = ()) -> Design:
    """N Latin-hypercube draws over the registry's uncertain parameters
    (`sim.params.uncertain`, each over its declared range): the deep-uncertainty
    dimension of a batch. Parameters in `fixed` (set by a scenario of the batch) are
    left out, so a scenario's own assumption is never overwritten by a draw.

    Raises DesignError (``uncertain``) for N < 2: one draw says nothing about spread.
    """
    from ..params import uncertain

    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise DesignError("uncertain", f"give at least 2 draws, got {n!r}")
    names = [k for k in uncertain() if k not in set(fixed)]
    bounds = [(REGISTRY[k].low, REGISTRY[k].high) for k in names]
    design = sampled_design("lhs", names, bounds, n, seed)
    design.uncertain = True
    return design


def points_from_matrix(names: list[str], matrix: np.ndarray) -> list[dict[str, float]]:
    """Rows of a design matrix as parameter overrides; whole-number parameters are
    rounded to the nearest integer (the model cannot run 2.4 bloc members)."""
    points = []
    for row in np.asarray(matrix, dtype=float):
        point = {}
        for name, value in zip(names, row, strict=True):
            value = float(value)
            if REGISTRY[name].integer:
                value = float(round(value))
            point[name] = value
        points.append(point)
    return points


def build_design(experiment: Experiment | None, batch_seed: int) -> Design:
    """The design points of an experiment (one empty point when nothing varies)."""
    if experiment is None or not experiment.parameters:
        return Design()
    method = experiment.design
    n = experiment.samples or DEFAULT_SAMPLES[method]
    bounds = experiment.bounds()
    names = list(bounds)
    if method != "grid":
        return sampled_design(method, names, [bounds[k] for k in names], n, design_seed(batch_seed))
    if n < 2:
        raise DesignError("samples", f"a grid needs at least 2 levels per parameter, got {n}")
    axes = [np.linspace(lo, hi, n) for lo, hi in (bounds[k] for k in names)]
    matrix = np.array(list(itertools.product(*axes)), dtype=float)
    return Design(
        method=method,
        names=names,
        bounds=[bounds[k] for k in names],
        samples=n,
        seed=None,
        points=points_from_matrix(names, matrix),
    )


def explicit_design(
    points: Sequence[Mapping[str, float]],
    *,
    method: str = EXPLICIT,
    names: Sequence[str] | None = None,
    bounds: Sequence[tuple[float, float]] | None = None,
    samples: int | None = None,
    seed: int | None = None,
    matrix: np.ndarray | None = None,
) -> Design:
    """A design of points the caller chose, checked against the parameter registry.

    Args:
        points: one mapping parameter -> value per design point, in the order the
            caller's analysis expects its outputs (point k is row k).
        method: a label recorded in the manifest (e.g. "sobol" for a sample a
            sensitivity analysis drew itself); "explicit" by default.
        names, bounds: the varied parameters and their ranges (default: every name
            the points use, in order of appearance, over the registry's ranges).
        samples, seed: the sampler's N and seed, recorded for provenance.
        matrix: the sampler's raw matrix behind the points, if any (kept, not stored).

    Raises DesignError naming the point and parameter of any bad value.
    """
    if isinstance(points, Mapping) or not len(points):
        raise DesignError("points", "an explicit design needs a non-empty list of points")
    checked = []
    for k, point in enumerate(points):
        if not isinstance(point, Mapping):
            raise DesignError("points", f"design point {k}: expected a mapping parameter -> value")
        row = {}
        for name, value in point.items():
            try:
                row[name] = check_value(name, value)
            except (KeyError, ValueError) as exc:
                raise DesignError("points", f"design point {k}: {exc.args[0]}") from None
        checked.append(row)
    used = list(dict.fromkeys(n for row in checked for n in row))
    names = list(names) if names is not None else used
    stray = [n for n in used if n not in names]
    if stray:
        raise DesignError("names", f"design points vary {', '.join(stray)}, which it does not list")
    if bounds is None:
        bounds = [(REGISTRY[n].low, REGISTRY[n].high) for n in names]
    if len(bounds) != len(names):
        raise DesignError("bounds", f"{len(bounds)} bounds for {len(names)} parameters")
    return Design(
        method=method,
        names=names,
        bounds=[(float(lo), float(hi)) for lo, hi in bounds],
        samples=samples,
        seed=seed,
        points=checked,
        matrix=matrix,
    )


def check_design(design: Design) -> Design:
    """A caller's `Design` made complete and safe to run: its points validated against
    the registry, names and bounds filled in (see `explicit_design`)."""
    if not isinstance(design, Design):
        raise DesignError("design", f"expected a sim.batch.Design, got {type(design).__name__}")
    if design.method == "none" and design.points == [{}]:
        return Design()  # nothing varies: the scenarios as written
    method = EXPLICIT if design.method == "none" else design.method
    checked = explicit_design(
        design.points,
        method=method,
        names=design.names or None,
        bounds=design.bounds or None,
        samples=design.samples,
        seed=design.seed,
        matrix=design.matrix,
    )
    checked.uncertain = design.uncertain
    return checked
