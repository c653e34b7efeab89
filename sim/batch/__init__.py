"""Batches: scenarios x design points x replicates, stored in Parquet, resumable.

The functions the CLI calls and notebooks can call too::

    from sim.batch import run_batch, load, paired_effects
    summary = run_batch(["hague_2025_baseline", "md_ici_revival"], replicates=20)
    b = load(summary.path)
    paired_effects(b.monthly, "hague_2025_baseline", horizons=[2030])

An explicit design of the caller's points, one scenario at only some of them, and only
the monthly table with a few metrics (what sim.sensitivity runs)::

    from sim.batch import Design, run_batch
    run_batch(["hague_2025_baseline", "md_ici_revival"],
              design=Design(points=[{"trust_decay": 0.01}, {"trust_decay": 0.03}]),
              scenario_points={"md_ici_revival": [0]}, replicates=4,
              tables=("monthly",), columns=["cohesion"], out="results/explicit")

The folder layout and the table columns are documented in sim.batch.storage and
docs/batch.md.
"""

from .audit import Reproduction, Verification, reproduce, status, verify
from .compare import HEADLINE, paired_effects
from .design import DESIGNS, Design, build_design, explicit_design, replicate_seeds
from .executors import EXECUTORS, make_executor
from .plan import Plan, make_plan
from .runner import BatchSummary, resume_batch, run_batch, run_plan
from .storage import Batch, BatchError, load, read_manifest
from .worker import run_chunk

__all__ = [
    "DESIGNS",
    "EXECUTORS",
    "HEADLINE",
    "Batch",
    "BatchError",
    "BatchSummary",
    "Design",
    "Plan",
    "Reproduction",
    "Verification",
    "build_design",
    "explicit_design",
    "load",
    "make_executor",
    "make_plan",
    "paired_effects",
    "read_manifest",
    "replicate_seeds",
    "reproduce",
    "resume_batch",
    "run_batch",
    "run_chunk",
    "run_plan",
    "status",
    "verify",
]
