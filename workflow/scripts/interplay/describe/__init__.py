"""Table 1: the sample described."""
