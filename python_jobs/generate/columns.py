"""Arrow columns built from numpy arrays, vectorised: ids, hex and UUID text, ISO
timestamps, money, values picked from a value set, CSV and JSON fields.

Arrays are built from numpy buffers and scalars from arrays: pa.array() and pa.scalar()
import pandas on first use, which costs seconds when bytecode caching is off.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .errors import GenerateError

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def as_arrow(
    values: np.ndarray, type: pa.DataType | None = None, mask: np.ndarray | None = None
) -> pa.Array:
    """A numpy array as an arrow array (optionally typed, with nulls where mask)."""
    x = np.ascontiguousarray(values)
    if x.dtype == np.bool_:
        data = pa.py_buffer(np.packbits(x, bitorder="little"))
        typ = pa.bool_()
    else:
        data = pa.py_buffer(x)
        typ = pa.from_numpy_dtype(x.dtype)
    validity, nulls = None, 0
    if mask is not None and mask.any():
        validity = pa.py_buffer(np.packbits(~np.asarray(mask, bool), bitorder="little"))
        nulls = int(np.count_nonzero(mask))
    return pa.Array.from_buffers(type or typ, len(x), [validity, data], null_count=nulls)


def string_array(values: Iterable[str | None]) -> pa.Array:
    """A list of Python strings (or None) as a string array."""
    items = list(values)
    encoded = [b"" if v is None else v.encode() for v in items]
    offsets = np.zeros(len(items) + 1, dtype=np.int32)
    offsets[1:] = np.cumsum([len(b) for b in encoded])
    valid = np.array([v is not None for v in items], dtype=bool)
    validity = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(
        pa.string(),
        len(items),
        [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))],
        null_count=int((~valid).sum()),
    )


_SCALARS: dict[str, pa.Scalar] = {}


def lit(text: str) -> pa.Scalar:
    """A string scalar (cached)."""
    if text not in _SCALARS:
        _SCALARS[text] = string_array([text])[0]
    return _SCALARS[text]


def _from_fixed(buf: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """A (n, width) uint8 matrix of ASCII codes as a string array, one row per value;
    null where mask (those rows become empty strings underneath)."""
    n, width = buf.shape
    if n * width >= 2**31:
        raise GenerateError("A string column is too large; use a smaller --scale.")
    offsets = np.arange(n + 1, dtype=np.int32) * np.int32(width)
    validity, nulls = None, 0
    if mask is not None and mask.any():
        keep = ~np.asarray(mask, dtype=bool)
        buf = buf[keep]
        offsets = np.zeros(n + 1, dtype=np.int32)
        offsets[1:] = np.cumsum(keep * np.int32(width), dtype=np.int32)
        validity = pa.py_buffer(np.packbits(keep, bitorder="little"))
        nulls = n - int(keep.sum())
    data = np.ascontiguousarray(buf)
    return pa.Array.from_buffers(
        pa.string(), n, [validity, pa.py_buffer(offsets), pa.py_buffer(data)], null_count=nulls
    )


def _put_digits(buf: np.ndarray, col: int, values: np.ndarray, width: int) -> None:
    """Write `values` as `width` zero-padded ASCII digits into columns col.. of buf."""
    x = np.asarray(values, dtype=np.int64)
    x = x.astype(np.int32) if width <= 9 else x.copy()
    for k in range(width - 1, -1, -1):
        x, digit = np.divmod(x, 10)
        buf[:, col + k] = digit
    buf[:, col : col + width] += 48


def fixed_ids(
    prefix: str, nums: np.ndarray, width: int, mask: np.ndarray | None = None
) -> pa.Array:
    """`prefix` followed by `nums` zero padded to `width` digits (null where mask)."""
    nums = np.asarray(nums, dtype=np.int64)
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    buf = np.empty((len(nums), len(head) + width), dtype=np.uint8)
    buf[:, : len(head)] = head
    _put_digits(buf, len(head), nums, width)
    return _from_fixed(buf, mask)


_HEX_PAIRS = np.array(
    [int.from_bytes(f"{b:02x}".encode(), "little") for b in range(256)], dtype=np.uint16
)


def hex_text(raw: np.ndarray, uuid: bool = False) -> pa.Array:
    """Rows of 16 random bytes as 32 hex characters, or UUID v4 style when `uuid`."""
    n = len(raw)
    hexed = _HEX_PAIRS[raw].view(np.uint8).reshape(n, 32)
    if not uuid:
        return _from_fixed(hexed)
    buf = np.full((n, 36), ord("-"), dtype=np.uint8)
    buf[:, 0:8], buf[:, 9:13], buf[:, 14:18] = hexed[:, 0:8], hexed[:, 8:12], hexed[:, 12:16]
    buf[:, 19:23], buf[:, 24:36] = hexed[:, 16:20], hexed[:, 20:32]
    buf[:, 14] = ord("4")
    buf[:, 19] = _HEX[8 + (raw[:, 8] & 3)]
    return _from_fixed(buf)


def iso_utc(secs: np.ndarray) -> pa.Array:
    """Epoch seconds as ISO 8601 UTC strings like 2026-03-01T10:22:11Z."""
    secs = np.asarray(secs, dtype=np.int64)
    days = (secs // 86400).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    mday = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    sod = secs % 86400
    buf = np.empty((len(secs), 20), dtype=np.uint8)
    for col, values, width in (
        (0, year, 4),
        (5, month, 2),
        (8, mday, 2),
        (11, sod // 3600, 2),
        (14, sod // 60 % 60, 2),
        (17, sod % 60, 2),
    ):
        _put_digits(buf, col, values, width)
    buf[:, [4, 7]] = ord("-")
    buf[:, 10] = ord("T")
    buf[:, [13, 16]] = ord(":")
    buf[:, 19] = ord("Z")
    return _from_fixed(buf)


def int_str(values: np.ndarray) -> pa.Array:
    """Integers as decimal strings."""
    return as_arrow(np.asarray(values, dtype=np.int64)).cast(pa.string())


def money(cents: np.ndarray) -> pa.Array:
    """Integer cents as a decimal string with a dot and two decimals (non-negative)."""
    cents = np.asarray(cents, dtype=np.int64)
    whole = int_str(cents // 100)
    frac = pc.utf8_lpad(int_str(cents % 100), width=2, padding="0")
    return pc.binary_join_element_wise(whole, frac, lit("."))


def pick(values: Sequence[str | None] | pa.Array, idx: np.ndarray) -> pa.Array:
    """values[idx] as a string array; idx < 0 gives null."""
    dictionary = values if isinstance(values, pa.Array) else string_array(values)
    idx = np.asarray(idx, dtype=np.int64)
    return pc.take(dictionary, as_arrow(np.maximum(idx, 0), mask=idx < 0))


def pick_in_groups(
    groups: Sequence[Sequence[str]], group: np.ndarray, draw: np.ndarray
) -> pa.Array:
    """For each row, value `draw % len(groups[group])` of its group's values."""
    flat = [value for values in groups for value in values]
    offsets = np.cumsum([0] + [len(values) for values in groups])[:-1]
    sizes = np.array([len(values) for values in groups])
    return pick(flat, offsets[group] + draw % sizes[group])


def pick_dict(values: Sequence[str | None], idx: np.ndarray) -> pa.DictionaryArray:
    """Like pick, dictionary encoded (for low-cardinality parquet columns). The dictionary
    holds each value once: duplicates make the parquet writer's output non-deterministic."""
    unique: dict[str, int] = {}
    remap = np.array(
        [-1 if v is None else unique.setdefault(v, len(unique)) for v in values], dtype=np.int32
    )
    idx = np.asarray(idx, dtype=np.int64)
    mapped = np.where(idx < 0, -1, remap[np.maximum(idx, 0)])
    indices = as_arrow(np.maximum(mapped, 0).astype(np.int32), mask=mapped < 0)
    return pa.DictionaryArray.from_arrays(indices, string_array(list(unique)))


def join(*parts: pa.Array | str) -> pa.Array:
    """Row-wise concatenation of string arrays and literal strings."""
    return pc.binary_join_element_wise(
        *(lit(x) if isinstance(x, str) else x for x in parts), lit("")
    )


def set_rows(values: pa.Array, rows: np.ndarray, replacements: pa.Array | list) -> pa.Array:
    """Copy of `values` with the given rows replaced (rows sorted ascending)."""
    if len(rows) == 0:
        return values
    mask = np.zeros(len(values), dtype=bool)
    mask[rows] = True
    if not isinstance(replacements, pa.Array):
        replacements = string_array(replacements)
    return pc.replace_with_mask(values, as_arrow(mask), replacements.cast(values.type))


def csv_field(values: pa.Array) -> pa.Array:
    """A CSV field: empty for null, quoted (with doubled quotes) when it needs quoting."""
    values = pc.fill_null(values.cast(pa.string()), lit(""))
    needs = pc.match_substring_regex(values, r'[",\r\n]')
    if not pc.any(needs).as_py():
        return values
    quoted = join('"', pc.replace_substring(values, '"', '""'), '"')
    return pc.if_else(needs, quoted, values)


def csv_lines(fields: Sequence[pa.Array]) -> pa.Array:
    """CSV lines (each ending in a newline) from already escaped fields."""
    return pc.binary_join_element_wise(
        pc.binary_join_element_wise(*fields, lit(",")), lit(""), lit("\n")
    )


def json_str(values: pa.Array) -> pa.Array:
    """JSON string literals (quotes and backslashes escaped); null as null."""
    escaped = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"')
    return pc.fill_null(join('"', escaped, '"'), lit("null"))


def json_bool(flags: np.ndarray) -> pa.Array:
    """Booleans as false / true (JSON, and the CSV files' spelling)."""
    return pick(("false", "true"), np.asarray(flags, dtype=np.int64))


def buffer_bytes(lines: pa.Array) -> memoryview:
    """The concatenated text of a string array without copying."""
    if len(lines) == 0:
        return memoryview(b"")
    if lines.null_count:
        raise ValueError("lines must not be null")
    bufs = lines.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int32, count=lines.offset + len(lines) + 1)
    start, stop = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    return memoryview(bufs[2])[start:stop]
