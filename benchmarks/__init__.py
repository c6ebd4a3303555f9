"""Benchmarks: scripts that time the pipeline stages on generated data (not part of the tests)."""
