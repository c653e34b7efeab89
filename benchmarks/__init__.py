"""Performance benchmarks (`python -m benchmarks`, `make bench`): medians and ratios
measured on this machine, written to benchmarks/results/. Not timed tests."""
