"""The synthetic cohort with known truth."""
