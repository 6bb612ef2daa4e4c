"""Headless batch runners: chunks, local worker processes, Dask, and their tallies."""
