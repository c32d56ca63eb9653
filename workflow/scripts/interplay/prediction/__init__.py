"""Does the pair improve prediction? Performance measures, Harrell's optimism, pooling (TRIPOD)."""
