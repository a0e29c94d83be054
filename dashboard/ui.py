"""The pieces the pages share: loading with a sentence instead of a traceback, number
formats, the sidebar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import pandas as pd
import streamlit as st

from dashboard import data

T = TypeVar("T")
# the sentences about missing data already shown on this run of the page
SHOWN = "unavailable_data_shown"


def start_page() -> None:
    """Called by app.py before each run of a page."""
    st.session_state[SHOWN] = set()


def load(loader: Callable[..., T], *args: object) -> T | None:
    """``loader(*args)``; None, after a warning that says what is missing and how to build
    it, when the data is not there (each sentence once per page)."""
    try:
        return loader(*args)
    except data.DataUnavailable as exc:
        shown = st.session_state.setdefault(SHOWN, set())
        if str(exc) not in shown:
            shown.add(str(exc))
            st.warning(str(exc), icon=":material/database:")
        return None


def text(value: object, fallback: str = "unknown") -> str:
    """The value as text; ``fallback`` when there is none (None or NaN)."""
    return fallback if value is None or pd.isna(value) else str(value)


def flag(value: object) -> bool:
    """A boolean column's value; False when there is none."""
    return bool(value) if value is not None and pd.notna(value) else False


def money(value: object, decimals: int = 2) -> str:
    """12,345.67 (the labels name the currency); an em dash when there is no value.

    Amounts are whole cents, but a sum of them in pandas is a float sum and can miss by a
    hair (451.12 + 308.3 + 253.08 = 1012.5000000000001). The value is brought back to cents
    before it is rounded for display, so a total of exactly half a unit rounds as the
    warehouse's decimal sum does, half to even.
    """
    if value is None or pd.isna(value):
        return "—"
    return f"{round(float(value), 2):,.{decimals}f}"


def count(value: object) -> str:
    """1,234; an em dash when there is no value."""
    if value is None or pd.isna(value):
        return "—"
    return f"{int(value):,}"


def share(value: object) -> str:
    """0.1234 -> 12.3%; an em dash when there is no value."""
    if value is None or pd.isna(value):
        return "—"
    return f"{float(value):.1%}"


def currency_of(frame: pd.DataFrame) -> str:
    """The reporting currency of a frame with a reporting_currency column ('' if none)."""
    if "reporting_currency" not in frame or frame["reporting_currency"].dropna().empty:
        return ""
    return str(frame["reporting_currency"].dropna().iloc[0])


def sidebar_warehouse() -> None:
    """Which warehouse the pages read, and when dbt last wrote it."""
    path = data.warehouse_path()
    with st.sidebar:
        st.caption(f"Warehouse (read-only): `{path}`")
        if path.exists():
            written = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            st.caption(f"Last written {written}. Set C360_DUCKDB_PATH to read another.")
        else:
            st.caption(f"Not built yet: `{data.BUILD}` builds it.")
