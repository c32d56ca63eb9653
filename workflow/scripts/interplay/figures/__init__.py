"""Figures and their shared style."""
