"""From a user's exports to the analysis dataset: dictionary, readers, conversion,
validation, outcome, biomarkers, flow.
"""
