"""numpy helpers for groups of rows: weights, concatenation, exploding counts, group starts,
ranks and minima within groups."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def normalised(weights: Iterable[float]) -> np.ndarray:
    """Weights scaled to sum to 1 (the `p` of `Generator.choice`)."""
    w = np.asarray(list(weights), dtype=float)
    return w / w.sum()


def concat(arrays: list[np.ndarray], dtype: type | str = np.int64) -> np.ndarray:
    """The arrays end to end as `dtype`; an empty array when there are none."""
    return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype=dtype)


def explode(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For groups of `counts` members: member -> group, position in group, group starts."""
    counts = np.asarray(counts, dtype=np.int64)
    starts = np.cumsum(counts) - counts
    group = np.repeat(np.arange(len(counts)), counts)
    pos = np.arange(int(counts.sum())) - starts[group]
    return group, pos, starts


def group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """For each row of a key-sorted array, the index of the first row of its group."""
    n = len(sorted_keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.ones(n, dtype=bool)
    first[1:] = sorted_keys[1:] != sorted_keys[:-1]
    return np.maximum.accumulate(np.where(first, np.arange(n), 0))


def rank_within(group: np.ndarray, version: np.ndarray) -> np.ndarray:
    """Dense rank of version (0-based) within each group of a (group, version)-sorted array."""
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    new_version = np.ones(n, dtype=bool)
    new_version[1:] = (version[1:] != version[:-1]) | new_group[1:]
    dense = np.cumsum(new_version) - 1
    return dense - dense[group_starts(group)]


def min_over_higher_versions(
    group: np.ndarray, values: np.ndarray, version: np.ndarray
) -> np.ndarray:
    """For each row of a (group, version)-sorted array: the minimum of `values` over the
    rows of the same group with a strictly higher version (2**40 if none)."""
    n = len(group)
    none = np.int64(1 << 40)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    rg, rv, rver = group[::-1], values[::-1].astype(np.int64), version[::-1]
    new_group = np.r_[True, rg[1:] != rg[:-1]]
    seg = np.cumsum(new_group).astype(np.int64) - 1
    cap = np.int64(1 << 30)
    # segmented running minimum: maximum.accumulate of (segment, cap - value) keys
    running = np.maximum.accumulate(seg * (2 * cap) + (cap - np.minimum(rv, cap - 1)))
    run_min = cap - (running - seg * (2 * cap))
    new_block = new_group | np.r_[True, rver[1:] != rver[:-1]]
    block_start = np.maximum.accumulate(np.where(new_block, np.arange(n), 0))
    before = block_start - 1  # last row of the previous (higher) version in reverse
    same = (before >= 0) & ~new_group[block_start]
    out = np.where(same, run_min[np.maximum(before, 0)], none)
    return out[::-1].copy()
