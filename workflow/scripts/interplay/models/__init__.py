"""Logistic models: the outcome models, the batched and Firth solvers, Rubin's rules."""
