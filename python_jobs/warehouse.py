"""Where the local DuckDB warehouse and the landing root are: the paths dbt uses too; and how
a dbt Python model reads a table of its engine and hands its result back."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DUCKDB_PATH = REPO_ROOT / "data" / "warehouse" / "customer360.duckdb"


def duckdb_path() -> Path:
    """The DuckDB warehouse file of the `local` target (C360_DUCKDB_PATH overrides it)."""
    return Path(os.environ.get("C360_DUCKDB_PATH", DEFAULT_DUCKDB_PATH))


def landing_root() -> Path:
    """The landing root of dbt's var landing_root: C360_LANDING_ROOT, else data/landing."""
    return Path(os.environ.get("C360_LANDING_ROOT", REPO_ROOT / "data" / "landing"))


def is_spark(session: Any) -> bool:
    """Whether a dbt Python model's ``session`` is a SparkSession (classic or Spark Connect:
    dbt-databricks, the local Spark check), else the DuckDB connection of dbt-duckdb."""
    return type(session).__module__.startswith("pyspark")


def read_table(session: Any, relation: Any) -> Any:
    """The table ``relation`` (e.g. dbt.this) as the engine's native frame: a Spark DataFrame
    on a SparkSession, a DuckDB relation on a DuckDB connection."""
    if is_spark(session):
        return session.table(str(relation))
    return session.sql(f"select * from {relation}")


def to_engine_frame(table: pa.Table, session: Any) -> Any:
    """A Python model's result ``table`` in the form the session's engine writes best: a Spark
    DataFrame for a SparkSession, else (the DuckDB connection of dbt-duckdb) the Arrow table."""
    if is_spark(session):
        return session.createDataFrame(table)
    return table
