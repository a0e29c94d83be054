"""Dirt: the data-quality problems injected on purpose, at most one kind per record.

Each entity keeps an int8 `dirt` array beside its records: 0 for clean, else the code of
the kind in DIRT_KINDS. `DirtPicker` chooses the records, from one random stream shared by
all entities (so the order in which `World.build` simulates them is part of the output).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .arrays import concat
from .config import DUPLICATE_NEXT_DAY_SHARE, MIN_DIRT_IN_WINDOW

if TYPE_CHECKING:
    from .entities import EntitySpec
    from .writers import EntityRecords

DIRT_KINDS = (
    "clean",
    "exact_duplicate",
    "malformed_json",
    "csv_wrong_type",
    "csv_missing_fields",
    "null_required",
    "invalid_email",
    "negative_quantity",
    "unknown_currency",
    "late_event",
    "out_of_order_change",
)
DIRT_CODE = {name: code for code, name in enumerate(DIRT_KINDS)}


@dataclass
class DirtPicker:
    """Chooses dirty records: at least MIN_DIRT_IN_WINDOW in the requested window."""

    rng: np.random.Generator
    window_days: int

    def choose(self, eligible: np.ndarray, day: np.ndarray, rate: float) -> np.ndarray:
        """Sorted rows among `eligible`: `rate` of the records, in and after the window."""
        in_window = day < self.window_days
        chosen = []
        for stratum, minimum in ((in_window, MIN_DIRT_IN_WINDOW), (~in_window, 0)):
            candidates = np.flatnonzero(eligible & stratum)
            k = min(len(candidates), max(minimum, round(rate * int(stratum.sum()))))
            if k:
                chosen.append(self.rng.choice(candidates, size=k, replace=False))
        return np.sort(concat(chosen))

    def inject(
        self, dirt: np.ndarray, kind: str, eligible: np.ndarray, day: np.ndarray, rate: float
    ) -> np.ndarray:
        """Mark `kind` on clean eligible rows (chosen as `choose` does) and return them."""
        rows = self.choose(eligible & (dirt == 0), day, rate)
        dirt[rows] = DIRT_CODE[kind]
        return rows

    def duplicates(
        self,
        dirt: np.ndarray,
        day: np.ndarray,
        rate: float,
        next_ok: np.ndarray | None,
        horizon: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Clean records to copy, and the day each copy is delivered: the same day, or for
        about half of those where `next_ok`, the next day (not past the window's end)."""
        src = self.choose(dirt == 0, day, rate)
        if next_ok is None:
            return src, day[src]
        limit = np.where(day[src] < self.window_days, self.window_days, horizon)
        next_day = self.rng.random(len(src)) < DUPLICATE_NEXT_DAY_SHARE
        shift = next_day & next_ok[src] & (day[src] + 1 < limit)
        return src, day[src] + shift


def dirt_counts(
    spec: EntitySpec, records: EntityRecords, days: Iterable[int], drift_day: int
) -> dict[str, int]:
    """Records of each dirt kind of the entity in the files of `days` (schema_drift: the
    number of those files with the new column)."""
    days = np.asarray(sorted(days), dtype=np.int64)
    written = np.isin(records.day, days)
    counts = np.bincount(records.dirt[written], minlength=len(DIRT_KINDS))
    result = {}
    for kind in spec.dirt_kinds():
        if kind == "schema_drift":
            result[kind] = int((days >= drift_day).sum())
        else:
            result[kind] = int(counts[DIRT_CODE[kind]])
    return result
