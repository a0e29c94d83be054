"""The truth file: the true person of every source record, so that identity resolution can
be measured (pairwise precision and recall, B-cubed). The pipeline never reads it: it is
written outside the landing root, by default in `_truth/` beside it (data/landing ->
data/_truth/identity_truth.parquet; give two landing roots in one folder their own --truth).

One row per source record, keyed by (source, record_key): a CRM contact (crm_id), an order
(order_id), a ticket (ticket_id), a browser (web.events' anonymous_id: all its events are
one person's). Persons are H1000001, ... : the customers of world.py in signup order,
then the anonymous visitors, who never identify themselves. `planted` names what was
planted on the record (PLANTED_RATES); the manifest counts each kind against its rate.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .columns import as_arrow, fixed_ids, lit, pick
from .config import (
    DUPLICATE_CONTACT_SHARE,
    DUPLICATE_NAME_TYPO_SHARE,
    EMAIL_CHANGE_SHARE,
    FAMILY_SHARED_EMAIL_SHARE,
    GUEST_ORDER_SHARE,
    PERSON_ID_BASE,
    SECONDARY_EMAIL_TICKET_SHARE,
    TRUTH_DIR_NAME,
    TRUTH_FILE_NAME,
)
from .errors import GenerateError

# kind: (configured rate, the records it is a share of)
PLANTED_RATES: dict[str, tuple[float, str]] = {
    "duplicate_contact": (
        DUPLICATE_CONTACT_SHARE,
        "first CRM contacts of a person (a duplicate created after the last day written is "
        "not counted yet)",
    ),
    "name_typo": (DUPLICATE_NAME_TYPO_SHARE, "duplicate CRM contacts"),
    "family_shared_email": (FAMILY_SHARED_EMAIL_SHARE, "first CRM contacts of a person"),
    "email_changed": (
        EMAIL_CHANGE_SHARE,
        "first CRM contacts of a person outside a family (the change may fall after the last "
        "day written)",
    ),
    "guest_order": (GUEST_ORDER_SHARE, "orders"),
    "secondary_email": (SECONDARY_EMAIL_TICKET_SHARE, "tickets naming an email"),
}
PLANTED_BIT = {kind: 1 << k for k, kind in enumerate(PLANTED_RATES)}
TRUTH_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("record_key", pa.string()),
        ("person_id", pa.string()),
        ("first_delivered", pa.date32()),
        ("planted", pa.string()),
    ]
)


@dataclass
class TruthRecords:
    """The identity records of one source: key, true person, first delivery day, and the
    planted kinds (bits of PLANTED_BIT) each is an example of or counts towards."""

    source: str  # "<source>.<table>" of the landing contract
    keys: pa.Array
    person: np.ndarray  # person index: customers, then anonymous visitors
    day: np.ndarray  # day of the first file carrying the record
    planted: np.ndarray
    eligible: np.ndarray

    def written(self, last_day: int) -> np.ndarray:
        return self.day <= last_day


def bits(**flags: np.ndarray) -> np.ndarray:
    """The PLANTED_BIT mask of each row from one boolean array per kind."""
    mask = np.zeros(len(next(iter(flags.values()))), dtype=np.int64)
    for kind, flag in flags.items():
        mask |= np.where(flag, PLANTED_BIT[kind], 0)
    return mask


def truth_path(out: Path, given: Path | None = None) -> Path:
    """Where the truth file goes: `given`, else <out>/../_truth/identity_truth.parquet;
    never under the landing root, where the pipeline would see it."""
    out = out.resolve()
    path = (given or out.parent / TRUTH_DIR_NAME / TRUTH_FILE_NAME).resolve()
    if path == out or out in path.parents:
        raise GenerateError(
            f"The truth file {path} must be outside the landing root {out}: "
            "the pipeline would read it as a delivery."
        )
    return path


def relative_to_out(out: Path, path: Path) -> str:
    """`path` as the manifest names it: relative to the landing root, with / separators."""
    return Path(os.path.relpath(path, out.resolve())).as_posix()


def planted_names(mask: np.ndarray) -> pa.Array:
    """The planted kinds of each row, comma separated ('' for none)."""
    values, index = np.unique(mask, return_inverse=True)
    names = [",".join(k for k, bit in PLANTED_BIT.items() if v & bit) for v in values]
    return pick(names, index)


def truth_table(parts: list[TruthRecords], last_day: int, start_epoch_day: int) -> pa.Table:
    """The rows of every record first delivered on or before `last_day`."""
    tables = []
    for part in parts:
        rows = np.flatnonzero(part.written(last_day))
        taken = as_arrow(rows)
        tables.append(
            pa.Table.from_arrays(
                [
                    pa.repeat(lit(part.source), len(rows)),
                    pc.take(part.keys, taken),
                    fixed_ids("H", PERSON_ID_BASE + part.person[rows], 7),
                    as_arrow((start_epoch_day + part.day[rows]).astype(np.int32), pa.date32()),
                    planted_names(part.planted[rows]),
                ],
                schema=TRUTH_SCHEMA,
            )
        )
    return pa.concat_tables(tables)


def write_truth(path: Path, table: pa.Table) -> None:
    """Write the truth file atomically (a temporary file, then a rename)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        pq.write_table(table, tmp, compression="snappy")
        os.replace(tmp, path)
    except OSError as exc:
        reason = (exc.strerror or exc.__class__.__name__).lower()
        raise GenerateError(f"Cannot write the truth file {path}: {reason}.") from None


def planted_counts(parts: list[TruthRecords], last_day: int) -> dict[str, tuple[int, int]]:
    """Per planted kind: records planted, and records its rate is a share of."""
    counts = {kind: [0, 0] for kind in PLANTED_RATES}
    for part in parts:
        written = part.written(last_day)
        for kind, bit in PLANTED_BIT.items():
            counts[kind][0] += int(np.count_nonzero(written & (part.planted & bit > 0)))
            counts[kind][1] += int(np.count_nonzero(written & (part.eligible & bit > 0)))
    return {kind: (planted, of) for kind, (planted, of) in counts.items()}
