"""Records ready to write, and writing one entity's file of one extract day.

csv and jsonl records are kept as one string per record (ending in a newline) and written
as one buffer; parquet records as an arrow table, written with pyarrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .columns import as_arrow, buffer_bytes
from .dirt import DIRT_CODE
from .entities import ENTITIES, EntitySpec
from .manifest import FileEntry
from .truth import TruthRecords

if TYPE_CHECKING:
    from .world import Params


@dataclass
class EntityRecords:
    """Records of one entity over the whole horizon, sorted by delivery day."""

    day: np.ndarray  # extract day (0 = first requested day) of the file each record is in
    dirt: np.ndarray  # DIRT_CODE of each record (0 = clean)
    lines: pa.Array | None = None  # csv / jsonl: one string per record, ending in \n
    table: pa.Table | None = None  # parquet
    header: bytes = b""  # csv header before the schema drift
    header_drift: bytes = b""  # and from the drift day on
    truth: TruthRecords | None = None  # the true person of each identity record

    def bounds(self, day: int) -> tuple[int, int]:
        """The slice of records delivered on `day`."""
        return (
            int(np.searchsorted(self.day, day, side="left")),
            int(np.searchsorted(self.day, day, side="right")),
        )


def with_duplicates(
    day: np.ndarray, dirt: np.ndarray, dup_src: np.ndarray, dup_day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Delivery days and dirt codes of the records followed by their exact duplicates."""
    all_day = np.concatenate([day, dup_day])
    all_dirt = np.concatenate([dirt, np.full(len(dup_src), DIRT_CODE["exact_duplicate"], np.int8)])
    return all_day, all_dirt


def text_records(
    entity: str,
    lines: pa.Array,
    day: np.ndarray,
    dirt: np.ndarray,
    sort_key: np.ndarray,
    dup_src: np.ndarray,
    dup_day: np.ndarray,
) -> EntityRecords:
    """csv or jsonl records: the lines and copies of the `dup_src` lines (delivered on
    `dup_day`), sorted by delivery day, then by sort_key, then by original row."""
    all_lines = pa.concat_arrays(
        [lines, pc.take(lines, as_arrow(np.asarray(dup_src, dtype=np.int64)))]
    )
    all_day, all_dirt = with_duplicates(day, dirt, dup_src, dup_day)
    all_day = all_day.astype(np.int64)
    key = np.concatenate([sort_key, sort_key[dup_src]])
    tie = np.concatenate([np.arange(len(day)), dup_src])
    order = np.lexsort((tie, key, all_day))
    spec = ENTITIES[entity]
    header = ",".join(c for c in spec.columns if c != spec.drift_column) + "\n"
    header_drift = ",".join(spec.columns) + "\n"
    return EntityRecords(
        day=all_day[order],
        dirt=all_dirt[order],
        lines=pc.take(all_lines, as_arrow(order)),
        header=header.encode() if spec.fmt == "csv" else b"",
        header_drift=header_drift.encode() if spec.fmt == "csv" else b"",
    )


def write_entity_day(
    root: Path, params: Params, spec: EntitySpec, records: EntityRecords, day: int
) -> FileEntry:
    """Write the entity's file of extract day `day` under `root`."""
    rel = spec.path(params.day_date(day))
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    lo, hi = records.bounds(day)
    if spec.fmt == "parquet":
        assert records.table is not None
        # store_schema=False: the dictionary-encoded columns read back as plain strings
        table = records.table.slice(lo, hi - lo)
        pq.write_table(table, path, compression="snappy", store_schema=False)
    else:
        assert records.lines is not None
        header = b""
        if spec.fmt == "csv":
            drifted = spec.drift_column is not None and day >= params.drift_day
            header = records.header_drift if drifted else records.header
        with open(path, "wb") as fh:
            fh.write(header)
            fh.write(buffer_bytes(records.lines.slice(lo, hi - lo)))
    return FileEntry(path=rel, date=params.day_date(day), rows=hi - lo)
