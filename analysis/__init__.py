"""Offline analysis: extract, normalise, store, trends, cluster, report, query, CLI."""
