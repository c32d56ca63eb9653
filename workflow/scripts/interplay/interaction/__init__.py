"""Interaction: multiplicative and additive measures, joint categories, slopes,
product-term tests, the smooth interaction surface.
"""
