"""Writing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .columns import buffer_bytes
from .entities import EntitySpec
from .manifest import FileEntry

if TYPE_CHECKING:
    from .world import Params


@dataclass
class EntityOut:
    """Records of one entity over the whole horizon, sorted by delivery day."""

    day: np.ndarray
    dirt: np.ndarray
    lines: pa.Array | None = None  # csv / jsonl: one string per record, ending in \n
    table: pa.Table | None = None  # parquet
    header: bytes = b""
    header_drift: bytes = b""

    def bounds(self, day: int) -> tuple[int, int]:
        return (
            int(np.searchsorted(self.day, day, side="left")),
            int(np.searchsorted(self.day, day, side="right")),
        )


def _write_entity_day(
    root: Path, params: Params, spec: EntitySpec, out: EntityOut, day: int
) -> FileEntry:
    rel = spec.path(params.day_date(day))
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    lo, hi = out.bounds(day)
    if spec.fmt == "parquet":
        assert out.table is not None
        # store_schema=False: the dictionary-encoded columns read back as plain strings
        pq.write_table(out.table.slice(lo, hi - lo), path, compression="snappy", store_schema=False)
    else:
        assert out.lines is not None
        header = b""
        if spec.fmt == "csv":
            drifted = spec.drift_column is not None and day >= params.drift_day
            header = out.header_drift if drifted else out.header
        with open(path, "wb") as fh:
            fh.write(header)
            fh.write(buffer_bytes(out.lines.slice(lo, hi - lo)))
    return FileEntry(path=rel, date=params.day_date(day), rows=hi - lo)
