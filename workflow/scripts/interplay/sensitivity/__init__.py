"""Sensitivity analyses side by side, with E-values."""
