"""Does the model reproduce 2019-2025? The stylized facts, the historical replay that
scores them, and the calibration that searches the registry's ranges against them.

Modules: `facts` (one test per stylized fact, SF-01 ... SF-12, on one run's tables),
`replay` (the 2019 replay and its variants run as one batch, scored per replicate,
with the observed ACSS series beside the simulated one; `ReplayReport.save` writes
the scorecard) and `calibrate` (the staged rejection search of ``southflank
calibrate``). See docs/calibration.md.
"""
