"""numpy helpers."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def _weights(values: Iterable[float]) -> np.ndarray:
    w = np.asarray(list(values), dtype=float)
    return w / w.sum()


def _concat(arrays: list[np.ndarray], dtype: type | str = np.int64) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype=dtype)


def _explode(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For groups of `counts` members: member -> group, position in group, group starts."""
    counts = np.asarray(counts, dtype=np.int64)
    starts = np.cumsum(counts) - counts
    group = np.repeat(np.arange(len(counts)), counts)
    pos = np.arange(int(counts.sum())) - starts[group]
    return group, pos, starts


def _group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """For each row of a key-sorted array, the index of the first row of its group."""
    n = len(sorted_keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.ones(n, dtype=bool)
    first[1:] = sorted_keys[1:] != sorted_keys[:-1]
    return np.maximum.accumulate(np.where(first, np.arange(n), 0))
