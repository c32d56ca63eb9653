"""Bootstrap replicates, their estimands, intervals and table rows."""
