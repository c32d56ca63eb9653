"""Interaction: multiplicative and additive measures, joint categories, slopes,
product-term tests.
"""
