"""Load and validate ``gold.churn_features`` and turn it into model input.

Locally the table is read from the DuckDB file that dbt builds; with ``engine=databricks``
it is read from the SQL warehouse with databricks-sql-connector (``<catalog>.gold...``),
authenticated by a token or OAuth service principal from the environment, or, inside a
Databricks job, by the job's own identity. Both return the same pandas frame with normalised
dtypes, its rows in key order (as_of_date, customer_id): a table's storage order changes from
one build to the next, and the model's early stopping holds out rows by position, so the same
rows in another order would train another model.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from python_jobs.churn.config import ChurnJobError, ChurnSettings

ID_COLUMN = "customer_id"
DATE_COLUMN = "as_of_date"
LABEL_COLUMN = "is_churned"
# The label's window in days (dbt var churn_horizon_days), stored with each row; not a feature.
HORIZON_COLUMN = "churn_horizon_days"
DEFAULT_HORIZON_DAYS = 60

NUMERIC_FEATURES: tuple[str, ...] = (
    "tenure_days",
    "days_since_last_order",
    "orders_last_30d",
    "orders_last_90d",
    "orders_total",
    "revenue_last_90d",
    "revenue_total",
    "avg_order_value",
    "sessions_last_30d",
    "sessions_last_90d",
    "days_since_last_session",
    "tickets_last_90d",
    "open_tickets",
    "avg_satisfaction_last_180d",
)
# counts and numbers of days: never negative in churn_features (amounts and satisfaction can
# be: a negative order total or an out-of-range score is kept with a warning in silver)
NON_NEGATIVE_FEATURES: tuple[str, ...] = (
    "tenure_days",
    "days_since_last_order",
    "orders_last_30d",
    "orders_last_90d",
    "orders_total",
    "sessions_last_30d",
    "sessions_last_90d",
    "days_since_last_session",
    "tickets_last_90d",
    "open_tickets",
)
# every churn_features row has them: a customer enters the table with their first order
ORDER_FEATURES: tuple[str, ...] = ("tenure_days", "days_since_last_order", "orders_total")
# has_marketing_consent is a nullable boolean: modelled as a category with "missing".
CATEGORICAL_FEATURES: tuple[str, ...] = ("tier", "country_code", "has_marketing_consent")
FEATURES: tuple[str, ...] = NUMERIC_FEATURES + CATEGORICAL_FEATURES
REQUIRED_COLUMNS: tuple[str, ...] = (ID_COLUMN, DATE_COLUMN, *FEATURES, LABEL_COLUMN)
KEY_ORDER = f"{DATE_COLUMN}, {ID_COLUMN}"

RUN_DBT = "run dbt build first (e.g. `make build`) so that gold.churn_features exists"

Connect = Callable[..., Any]


def load_churn_features(settings: ChurnSettings, *, connect: Connect | None = None) -> pd.DataFrame:
    """The whole features table as pandas, normalised and validated (not empty).

    ``connect`` replaces ``databricks.sql.connect`` (tests pass a fake connection factory).
    """
    if settings.engine == "databricks":
        frame = _load_databricks(settings, connect=connect)
    else:
        frame = _load_duckdb(settings)
    frame = normalize_features(frame, table=settings.features_table or "churn_features")
    if frame.empty:
        raise ChurnJobError(
            f"The table {settings.features_table} is empty: there is nothing to train on. "
            "Its as-of dates begin churn_min_history_days (a dbt var, default 60) after the "
            "first order, so a shorter history has none yet: train once it is longer, or "
            "lower the var; with no orders at all, load landing data and run dbt build again "
            "(e.g. `make run`)."
        )
    return frame


def _load_duckdb(settings: ChurnSettings) -> pd.DataFrame:
    import duckdb

    path = settings.duckdb_path
    table = settings.features_table
    if not path.exists():
        raise ChurnJobError(
            f"The DuckDB warehouse {path} does not exist, so {table} cannot be read: {RUN_DBT} "
            "(or point C360_DUCKDB_PATH at the warehouse file)."
        )
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise ChurnJobError(
            f"Could not open the DuckDB warehouse {path} ({exc}). "
            "If a dbt run holds the file, wait for it to finish and try again."
        ) from exc
    try:
        return con.execute(f"select * from {table} order by {KEY_ORDER}").df()
    except duckdb.CatalogException as exc:
        raise ChurnJobError(f"The table {table} is missing in {path}: {RUN_DBT}.") from exc
    finally:
        con.close()


def _databricks_connect_kwargs(settings: ChurnSettings) -> dict[str, Any]:
    explicit = settings.databricks_token is not None or (
        bool(settings.databricks_client_id) and settings.databricks_client_secret is not None
    )
    if not explicit and in_databricks_runtime():
        # A task of a Databricks job: the job's own identity (its run-as user or service
        # principal) through databricks-sdk's runtime authentication, which also knows the host.
        return _runtime_connect_kwargs(settings)
    if not settings.databricks_host or not settings.databricks_http_path:
        raise ChurnJobError(
            "engine=databricks needs a SQL warehouse: set DATABRICKS_HOST and "
            "DATABRICKS_HTTP_PATH (and DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID/SECRET)."
        )
    host = settings.databricks_host.removeprefix("https://").rstrip("/")
    kwargs: dict[str, Any] = {"server_hostname": host, "http_path": settings.databricks_http_path}
    if settings.databricks_token is not None:
        kwargs["access_token"] = settings.databricks_token.get_secret_value()
    elif settings.databricks_client_id and settings.databricks_client_secret is not None:
        kwargs["credentials_provider"] = _oauth_m2m_provider(
            host, settings.databricks_client_id, settings.databricks_client_secret
        )
    else:
        raise ChurnJobError(
            "engine=databricks needs credentials: set DATABRICKS_TOKEN, or "
            "DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET for a service principal."
        )
    return kwargs


def in_databricks_runtime() -> bool:
    """True inside Databricks compute (a job task, a notebook): the runtime sets this variable."""
    return bool(os.environ.get("DATABRICKS_RUNTIME_VERSION"))


def _runtime_connect_kwargs(settings: ChurnSettings) -> dict[str, Any]:
    if not settings.databricks_http_path:
        raise ChurnJobError(
            "engine=databricks needs a SQL warehouse: pass --http-path "
            "/sql/1.0/warehouses/<id> (or set DATABRICKS_HTTP_PATH)."
        )
    from databricks.sdk.core import Config

    config = Config(host=settings.databricks_host) if settings.databricks_host else Config()
    host = (config.host or "").removeprefix("https://").rstrip("/")
    return {
        "server_hostname": host,
        "http_path": settings.databricks_http_path,
        # databricks-sql-connector calls this for a header factory; Config.authenticate is one.
        "credentials_provider": lambda: config.authenticate,
    }


def _oauth_m2m_provider(host: str, client_id: str, client_secret: Any) -> Callable[[], Any]:
    """OAuth machine-to-machine credentials for databricks-sql-connector (via databricks-sdk)."""

    def provider() -> Any:
        from databricks.sdk.core import Config, oauth_service_principal

        config = Config(
            host=f"https://{host}",
            client_id=client_id,
            client_secret=client_secret.get_secret_value(),
        )
        return oauth_service_principal(config)

    return provider


def _load_databricks(settings: ChurnSettings, *, connect: Connect | None) -> pd.DataFrame:
    if connect is None:
        from databricks import sql as databricks_sql

        connect = databricks_sql.connect
    table = settings.features_table
    with (
        connect(**_databricks_connect_kwargs(settings)) as connection,
        connection.cursor() as cursor,
    ):
        try:
            cursor.execute(f"SELECT * FROM {table} ORDER BY {KEY_ORDER}")
        except Exception as exc:
            text = str(exc)
            if "TABLE_OR_VIEW_NOT_FOUND" in text or "SCHEMA_NOT_FOUND" in text:
                raise ChurnJobError(
                    f"The table {table} is missing in the workspace: run dbt build "
                    "first with --target databricks so that gold.churn_features exists."
                ) from exc
            raise
        return cursor.fetchall_arrow().to_pandas()


def normalize_features(frame: pd.DataFrame, *, table: str = "churn_features") -> pd.DataFrame:
    """Same dtypes whatever the engine (strings, datetime64 dates, floats, nullable booleans),
    rows sorted by (as_of_date, customer_id), the table's key."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ChurnJobError(
            f"The table {table} lacks the columns {', '.join(missing)}: rebuild it with "
            "`dbt build --select churn_features` so it matches the documented contract."
        )
    out = frame.copy()
    out[ID_COLUMN] = out[ID_COLUMN].astype(str)
    out[DATE_COLUMN] = pd.to_datetime(out[DATE_COLUMN]).astype("datetime64[ns]")
    for column in NUMERIC_FEATURES:
        # Decimals (DuckDB DECIMAL, Databricks DECIMAL) arrive as objects: make them floats.
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    out[LABEL_COLUMN] = _nullable_bool(out[LABEL_COLUMN])
    out["has_marketing_consent"] = _nullable_bool(out["has_marketing_consent"])
    for column in ("tier", "country_code"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out.sort_values([DATE_COLUMN, ID_COLUMN], kind="stable", ignore_index=True)


def label_horizon_days(frame: pd.DataFrame) -> int:
    """The label window of the labelled rows (churn_horizon_days), the same for every row;
    DEFAULT_HORIZON_DAYS when the table does not say (rows stored before the column existed).
    Labels of several windows cannot train one model: a sentence says how to rebuild."""
    if HORIZON_COLUMN not in frame.columns:
        return DEFAULT_HORIZON_DAYS
    labelled = frame.loc[frame[LABEL_COLUMN].notna(), HORIZON_COLUMN].dropna()
    horizons = sorted({int(value) for value in labelled})
    if len(horizons) > 1:
        raise ChurnJobError(
            f"churn_features holds labels of several churn windows ({', '.join(map(str, horizons))}"
            " days): the dbt var churn_horizon_days changed after rows were stored. Rebuild the "
            "table with `dbt build --full-refresh --select churn_features`, then train."
        )
    return horizons[0] if horizons else DEFAULT_HORIZON_DAYS


def _nullable_bool(series: pd.Series) -> pd.Series:
    if series.dtype == "boolean":
        return series
    mapped = series.map(
        lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else bool(v)
    )
    return mapped.astype("boolean")


def model_input(frame: pd.DataFrame) -> pd.DataFrame:
    """The feature columns in a fixed order with plain dtypes for the sklearn pipeline.

    Numerics are float64 with NaN; categoricals are object with NaN for missing (the
    pipeline imputes them as the category "missing"); the consent flag becomes "true"/"false".
    """
    missing = [c for c in FEATURES if c not in frame.columns]
    if missing:
        raise ChurnJobError(
            f"The frame to score lacks the feature columns {', '.join(missing)}: "
            "pass rows of gold.churn_features."
        )
    out = pd.DataFrame(index=frame.index)
    for column in NUMERIC_FEATURES:
        out[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    for column in CATEGORICAL_FEATURES:
        values = frame[column]
        if column == "has_marketing_consent":
            values = _nullable_bool(values).map({True: "true", False: "false"})
        out[column] = np.asarray(
            [np.nan if pd.isna(v) else str(v) for v in values.astype(object)], dtype=object
        )
    return out


def labels(frame: pd.DataFrame) -> np.ndarray:
    """``is_churned`` as 0/1 integers (only call on labelled rows)."""
    return frame[LABEL_COLUMN].astype("boolean").astype(int).to_numpy()
