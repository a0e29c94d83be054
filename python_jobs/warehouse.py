"""Where the local DuckDB warehouse and the landing root are: the paths dbt uses too; and how
a dbt Python model reads a table of its engine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DUCKDB_PATH = REPO_ROOT / "data" / "warehouse" / "customer360.duckdb"


def duckdb_path() -> Path:
    """The DuckDB warehouse file of the `local` target (C360_DUCKDB_PATH overrides it)."""
    return Path(os.environ.get("C360_DUCKDB_PATH", DEFAULT_DUCKDB_PATH))


def landing_root() -> Path:
    """The landing root of dbt's var landing_root: C360_LANDING_ROOT, else data/landing."""
    return Path(os.environ.get("C360_LANDING_ROOT", REPO_ROOT / "data" / "landing"))


def read_table(session: Any, relation: Any) -> Any:
    """The table ``relation`` (e.g. dbt.this) as the engine's native frame: a Spark DataFrame
    on a SparkSession, a DuckDB relation on a DuckDB connection."""
    if type(session).__module__.startswith("pyspark"):
        return session.table(str(relation))
    return session.sql(f"select * from {relation}")
