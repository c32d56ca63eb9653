"""Snakemake glue: running a script, the settings of an analysis, code digests,
provenance, config checks.
"""
