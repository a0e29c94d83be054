"""Where the local warehouse and landing data live, read from the same environment
variables as profiles.yml and dbt_project.yml."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def duckdb_path() -> Path:
    """The DuckDB warehouse file of the `local` target."""
    return Path(
        os.environ.get("C360_DUCKDB_PATH", REPO_ROOT / "data" / "warehouse" / "customer360.duckdb")
    )


def landing_root() -> Path:
    """The landing folder the bronze models read."""
    return Path(os.environ.get("C360_LANDING_ROOT", REPO_ROOT / "data" / "landing"))


def mlflow_tracking_uri() -> str:
    """MLflow tracking store: a local sqlite file unless MLFLOW_TRACKING_URI says otherwise."""
    default = f"sqlite:///{REPO_ROOT / 'data' / 'mlflow' / 'mlflow.db'}"
    return os.environ.get("MLFLOW_TRACKING_URI", default)
