"""Dirt selection."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .arrays import _concat
from .config import DIRT_KINDS, MIN_DIRT_IN_WINDOW, D

if TYPE_CHECKING:
    from .entities import EntitySpec
    from .writers import EntityOut


# --------------------------------------------------------------------------------------
# Dirt selection
# --------------------------------------------------------------------------------------
@dataclass
class DirtPicker:
    """Chooses dirty records: at least MIN_DIRT_IN_WINDOW in the requested window."""

    rng: np.random.Generator
    window_days: int

    def choose(self, eligible: np.ndarray, day: np.ndarray, rate: float) -> np.ndarray:
        in_window = day < self.window_days
        chosen = []
        for stratum, minimum in ((in_window, MIN_DIRT_IN_WINDOW), (~in_window, 0)):
            candidates = np.flatnonzero(eligible & stratum)
            k = min(len(candidates), max(minimum, round(rate * int(stratum.sum()))))
            if k:
                chosen.append(self.rng.choice(candidates, size=k, replace=False))
        return np.sort(_concat(chosen))

    def inject(
        self, dirt: np.ndarray, kind: str, eligible: np.ndarray, day: np.ndarray, rate: float
    ) -> np.ndarray:
        rows = self.choose(eligible & (dirt == 0), day, rate)
        dirt[rows] = D[kind]
        return rows

    def duplicates(
        self,
        dirt: np.ndarray,
        day: np.ndarray,
        rate: float,
        next_ok: np.ndarray | None,
        horizon: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Clean records to copy, and the day each copy is delivered (same or next)."""
        src = self.choose(dirt == 0, day, rate)
        if next_ok is None:
            return src, day[src]
        limit = np.where(day[src] < self.window_days, self.window_days, horizon)
        shift = (self.rng.random(len(src)) < 0.5) & next_ok[src] & (day[src] + 1 < limit)
        return src, day[src] + shift


def _dirt_counts(
    spec: EntitySpec, out: EntityOut, days: Iterable[int], drift_day: int
) -> dict[str, int]:
    days = np.asarray(sorted(days), dtype=np.int64)
    written = np.isin(out.day, days)
    counts = np.bincount(out.dirt[written], minlength=len(DIRT_KINDS))
    result = {}
    for kind in spec.dirt_kinds():
        if kind == "schema_drift":
            result[kind] = int((days >= drift_day).sum())
        else:
            result[kind] = int(counts[D[kind]])
    return result
