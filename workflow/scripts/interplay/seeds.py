"""Random streams named by their purpose, independent of job layout (docs/analysis_plan.md §7)."""

import hashlib


def label_number(label: str | int) -> int:
    """A label as a non-negative integer; text through SHA-256, so it is stable across runs."""
    if isinstance(label, int):
        return label
    return int.from_bytes(hashlib.sha256(label.encode()).digest()[:8], "big")


def stream_key(root_seed: int, *labels: str | int) -> list[int]:
    """Entropy for numpy.random.SeedSequence from the root seed and labels such as the analysis."""
    return [root_seed, *(label_number(label) for label in labels)]
