"""Global sensitivity analysis: which assumptions drive each headline metric, and
whether the policy ranking survives when they vary.

Analysts trust a conclusion that survives the assumptions they are unsure of. This
package samples the parameter registry's ranges with SALib, runs every design point
(with replicates under common random numbers) through the batch machinery, and
analyses the outputs with SALib. It estimates nothing itself: the problem comes from
`sim.params.salib_problem`, and each method is one sampler/analyzer pair that SALib
documents as compatible (the table lives in sim.batch.salib, shared with the batch
designs):

=========  ==============================  ===============================  ============
method     sampler                         analyzer                         ranked by
=========  ==============================  ===============================  ============
sobol      ``SALib.sample.sobol.sample``   ``SALib.analyze.sobol.analyze``  ``ST``
           (Saltelli's scheme on a         (Sobol' 2001; Saltelli et al.
           scrambled Sobol' sequence,      2010; second order on, so a
           N a power of 2)                 design has N(2D+2) points)
morris     ``SALib.sample.morris.sample``  ``SALib.analyze.morris.analyze`` ``mu_star``
           (N trajectories of D+1 points,  (Morris 1991; Campolongo et al.
           4 levels)                       2007: mu*, sigma)
=========  ==============================  ===============================  ============

The runs are one batch (sim.batch, an explicit design of SALib's points) in the
analysis folder itself: it keeps only the monthly table and the analysed metrics, it
scales out like any batch (``executor="dask"`` with a scheduler), and it resumes.
``southflank status DIR`` shows its progress and ``southflank resume DIR`` finishes its
runs; running the same analysis again into the same folder continues the runs that
are left and then analyses (so after ``resume``, rerun the analysis to get the
report; a new horizon or window reuses the runs). The analysis writes its results
next to the batch: indices.csv, noise.csv, policies.csv, ranking_held.csv, ranked.png,
report.txt and sensitivity.json (the settings, written when the analysis finished).

A stochastic model adds noise SALib does not know about. Each design point is run
with R replicates whose seeds are the same at every point and in every scenario
(replicate r always uses seed r of the batch), and the analyzer sees the replicate
mean. `noise` then reports how much of the output variance is replicate noise
(within-point variance over total variance) and whether N and R are enough: the width
of the confidence intervals and how stable the parameter ranking is between the two
halves of the design and between the two halves of the replicates.

The policy question rides on the same design: at the design's base points (the
N rows of Sobol's A matrix, or the N Morris trajectory starts) every policy scenario
runs with the same seeds as the analysed scenario (the batch's ``scenario_points``;
``southflank compare DIR`` pairs them too), and `sim.analysis.robustness` reports,
per headline metric, the share of the parameter space in which each policy beats the
baseline and the share in which the full ranking of the scenarios holds.

Integer parameters are rounded to the nearest whole number before a run (the range
ends are then drawn half as often as inner values); the analyzer sees SALib's sample.

The headline metrics and the direction that is better for the Alliance are
sim.outcomes.HEADLINE, the list comparisons and the demo use too.

Modules: `settings` (every argument checked once, into a frozen `Settings`; the
design drawn), `methods` (SALib's indices and the noise diagnostic), `result` (what
was found: report, plot, files) and `run` (the runs as one batch, then the analysis).
"""

from ..analysis.robustness import policy_robustness, ranking_held
from ..outcomes import HEADLINE
from .methods import analyse_metric, outputs
from .result import FILES, SensitivityResult
from .run import PLAN_FILE, analyse, run, run_settings
from .settings import (
    CUMULATIVE,
    DEFAULT_WINDOW,
    SensitivityInputError,
    SensitivityRunError,
    Settings,
    make_design,
    resolve_policies,
)

__all__ = [
    "CUMULATIVE",
    "DEFAULT_WINDOW",
    "FILES",
    "HEADLINE",
    "PLAN_FILE",
    "SensitivityInputError",
    "SensitivityResult",
    "SensitivityRunError",
    "Settings",
    "analyse",
    "analyse_metric",
    "make_design",
    "outputs",
    "policy_robustness",
    "ranking_held",
    "resolve_policies",
    "run",
    "run_settings",
]
