"""One analysis end to end, an analysis within each stratum, and its interaction surface."""
