"""Where the local DuckDB warehouse lives: the path profiles.yml's `local` target uses too."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DUCKDB_PATH = REPO_ROOT / "data" / "warehouse" / "customer360.duckdb"


def duckdb_path() -> Path:
    """The DuckDB warehouse file of the `local` target (C360_DUCKDB_PATH overrides it)."""
    return Path(os.environ.get("C360_DUCKDB_PATH", DEFAULT_DUCKDB_PATH))
