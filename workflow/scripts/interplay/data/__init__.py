"""From a user's exports to the analysis dataset: dictionary (and its configured extra columns),
readers, conversion, validation, outcome, biomarkers, flow.
"""
