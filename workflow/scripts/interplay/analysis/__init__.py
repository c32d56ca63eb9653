"""One analysis end to end, and an analysis within each stratum."""
