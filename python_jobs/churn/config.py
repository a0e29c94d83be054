"""Settings of the churn jobs, read from the environment.

One place decides every engine-dependent default (where the features are read from, which
MLflow tracking server and model registry are used, the registered model's name), so the
rest of the package never branches on the engine:

- features: ``gold.churn_features`` in the DuckDB file ``C360_DUCKDB_PATH`` (duckdb) |
  ``<catalog>.gold.churn_features`` through databricks-sql-connector (databricks);
- tracking URI: ``sqlite:///<repo>/data/mlflow/mlflow.db`` | ``databricks``;
- registry URI: the tracking URI (the same sqlite file) | ``databricks-uc`` (Unity Catalog);
- artifact root: ``<folder of the sqlite file>/artifacts`` (a local folder, works offline),
  recorded in the store as ``mlflow-artifacts:/`` and resolved against the store's folder
  whenever it is read or written (``python_jobs.churn.artifacts``), so a moved clone still
  loads its models | managed by the workspace;
- model name: ``customer360_churn`` | ``<catalog>.gold.customer360_churn``;
- experiment: ``customer360_churn`` | ``/Shared/customer360_churn``.

The registry and model-name defaults follow the tracking URI, so ``MLFLOW_TRACKING_URI``
alone is enough to move everything to another local store.

Environment variables (all optional): ``C360_ENGINE``, ``C360_DUCKDB_PATH``,
``C360_CHURN_FEATURES_TABLE``, ``DATABRICKS_HOST``, ``DATABRICKS_HTTP_PATH``,
``DATABRICKS_TOKEN``, ``DATABRICKS_CLIENT_ID``, ``DATABRICKS_CLIENT_SECRET``,
``DATABRICKS_CATALOG``, ``MLFLOW_TRACKING_URI``, ``MLFLOW_REGISTRY_URI``,
``C360_MLFLOW_ARTIFACT_ROOT``, ``C360_CHURN_MODEL_NAME``, ``C360_CHURN_EXPERIMENT``,
``C360_CHURN_PURGE_DAYS``, ``C360_CHURN_RANDOM_STATE``, ``C360_CHURN_THREADS``,
``C360_CHURN_PROMOTION_MARGIN``.

pydantic-settings is not a dependency of the project, so ``ChurnSettings.from_env`` maps the
variables onto a plain pydantic model; derived defaults are filled in by a validator.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from python_jobs.warehouse import DEFAULT_DUCKDB_PATH, REPO_ROOT

DEFAULT_TRACKING_DB = REPO_ROOT / "data" / "mlflow" / "mlflow.db"
LOCAL_MODEL_NAME = "customer360_churn"
LOCAL_FEATURES_TABLE = "gold.churn_features"
DEFAULT_CATALOG = "customer360_dev"
# The artifact location of a local store's experiments: the store's own artifacts folder.
STORE_ARTIFACTS_URI = "mlflow-artifacts:/"

Engine = Literal["duckdb", "databricks"]


class ChurnJobError(Exception):
    """An input or state problem the user can fix; the message ends with what to do.

    The CLI prints it without a traceback and exits with code 2.
    """


# Environment variable -> settings field.
_ENV_FIELDS: dict[str, str] = {
    "C360_ENGINE": "engine",
    "C360_DUCKDB_PATH": "duckdb_path",
    "C360_CHURN_FEATURES_TABLE": "features_table",
    "DATABRICKS_HOST": "databricks_host",
    "DATABRICKS_HTTP_PATH": "databricks_http_path",
    "DATABRICKS_TOKEN": "databricks_token",
    "DATABRICKS_CLIENT_ID": "databricks_client_id",
    "DATABRICKS_CLIENT_SECRET": "databricks_client_secret",
    "DATABRICKS_CATALOG": "catalog",
    "MLFLOW_TRACKING_URI": "tracking_uri",
    "MLFLOW_REGISTRY_URI": "registry_uri",
    "C360_MLFLOW_ARTIFACT_ROOT": "artifact_root",
    "C360_CHURN_MODEL_NAME": "model_name",
    "C360_CHURN_EXPERIMENT": "experiment_name",
    "C360_CHURN_PURGE_DAYS": "purge_days",
    "C360_CHURN_RANDOM_STATE": "random_state",
    "C360_CHURN_THREADS": "n_threads",
    "C360_CHURN_PROMOTION_MARGIN": "promotion_margin",
}


def is_databricks_uri(uri: str | None) -> bool:
    return bool(uri) and str(uri).split(":", 1)[0] in {"databricks", "databricks-uc"}


def sqlite_path(uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` URI (relative paths are relative to the cwd)."""
    prefix = "sqlite:///"
    if not uri.startswith(prefix):
        return None
    return Path(uri[len(prefix) :].split("?", 1)[0])


def store_artifact_root(tracking_uri: str | None) -> Path | None:
    """``<folder of the sqlite file>/artifacts`` of a local store; None for any other store."""
    db = sqlite_path(tracking_uri or "")
    return None if db is None else db.parent / "artifacts"


class ChurnSettings(BaseModel):
    """Everything the churn jobs need to know about where things live."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: Engine = "duckdb"
    duckdb_path: Path = DEFAULT_DUCKDB_PATH
    features_table: str | None = None
    catalog: str = DEFAULT_CATALOG
    databricks_host: str | None = None
    databricks_http_path: str | None = None
    databricks_token: SecretStr | None = None
    databricks_client_id: str | None = None
    databricks_client_secret: SecretStr | None = None

    tracking_uri: str | None = None
    registry_uri: str | None = None
    artifact_root: Path | None = None
    model_name: str | None = None
    experiment_name: str | None = None

    # Train rows must have as_of_date <= eval as_of_date - purge_days, so that no training
    # label window (as_of_date + churn horizon) reaches past the evaluation as-of date.
    # None: the labels' window, churn_features.churn_horizon_days (60 if the table lacks it).
    purge_days: int | None = Field(default=None, ge=0)
    random_state: int = 42
    # OpenMP threads of the gradient boosting (fit, predict). 1 by default: with 2 threads
    # on a busy 2-core machine, OpenMP's busy-waiting made fit and predict ~40x slower.
    # 0 = no limit (all cores), for a dedicated training machine.
    n_threads: int = Field(default=1, ge=0)
    # A challenger becomes champion only when its ROC AUC beats the champion's, on the same
    # evaluation rows, by more than this. Two trainings on the same rows differ by 0.0001 or
    # so when anything upstream changes row order or threads; an AUC measured on 2,000 rows
    # (make run) has a standard error near 0.005. 0 = any gain promotes.
    promotion_margin: float = Field(default=0.005, ge=0, le=1)

    @model_validator(mode="after")
    def _derive_defaults(self) -> ChurnSettings:
        databricks = self.engine == "databricks"
        values: dict[str, Any] = {}
        if self.features_table is None:
            values["features_table"] = (
                f"{self.catalog}.{LOCAL_FEATURES_TABLE}" if databricks else LOCAL_FEATURES_TABLE
            )
        tracking = self.tracking_uri or (
            "databricks" if databricks else f"sqlite:///{DEFAULT_TRACKING_DB}"
        )
        values["tracking_uri"] = tracking
        registry = self.registry_uri or (
            "databricks-uc" if is_databricks_uri(tracking) else tracking
        )
        values["registry_uri"] = registry
        if self.artifact_root is None and not is_databricks_uri(tracking):
            values["artifact_root"] = store_artifact_root(tracking)
        if self.model_name is None:
            values["model_name"] = (
                f"{self.catalog}.gold.{LOCAL_MODEL_NAME}"
                if registry.startswith("databricks-uc")
                else LOCAL_MODEL_NAME
            )
        if self.experiment_name is None:
            values["experiment_name"] = (
                f"/Shared/{LOCAL_MODEL_NAME}" if is_databricks_uri(tracking) else LOCAL_MODEL_NAME
            )
        for key, value in values.items():
            object.__setattr__(self, key, value)
        return self

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> ChurnSettings:
        """Settings from ``env`` (default ``os.environ``); non-None ``overrides`` win."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {
            field: env[var] for var, field in _ENV_FIELDS.items() if env.get(var, "").strip()
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def uses_local_store(self) -> bool:
        return not is_databricks_uri(self.tracking_uri)

    @property
    def artifact_location(self) -> str | None:
        """Where a new experiment of a local store keeps its artifacts.

        The store's own ``artifacts`` folder is recorded as ``mlflow-artifacts:/`` and found
        next to the sqlite file whenever it is read or written, so the store (a clone) can
        move; another C360_MLFLOW_ARTIFACT_ROOT is recorded as its absolute ``file:`` URI.
        None: the tracking server decides.
        """
        if not self.uses_local_store or self.artifact_root is None:
            return None
        default = store_artifact_root(self.tracking_uri)
        if default is not None and default.resolve() == self.artifact_root.resolve():
            return STORE_ARTIFACTS_URI
        return self.artifact_root.resolve().as_uri()

    @property
    def source_description(self) -> str:
        if self.engine == "duckdb":
            return f"duckdb:{self.duckdb_path}#{self.features_table}"
        return f"databricks:{self.features_table}"


def configure_mlflow(settings: ChurnSettings) -> None:
    """Point MLflow at the configured tracking server and registry (creating local folders)."""
    import mlflow

    if settings.uses_local_store:
        from python_jobs.churn.artifacts import resolve_store_artifacts_locally

        db = sqlite_path(settings.tracking_uri or "")
        if db is not None:
            db.parent.mkdir(parents=True, exist_ok=True)
        if settings.artifact_root is not None:
            settings.artifact_root.mkdir(parents=True, exist_ok=True)
        resolve_store_artifacts_locally()
    mlflow.set_tracking_uri(settings.tracking_uri)
    mlflow.set_registry_uri(settings.registry_uri)


@contextmanager
def limited_threads(n_threads: int) -> Iterator[None]:
    """Cap the OpenMP/BLAS threads of numpy and scikit-learn (0 = leave as they are)."""
    if n_threads <= 0:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=n_threads):
        yield


def local_store_missing(settings: ChurnSettings) -> bool:
    """True when the registry is a local sqlite file that does not exist yet (no models)."""
    db = sqlite_path(settings.registry_uri or "")
    return db is not None and not db.exists()


def ui_command(settings: ChurnSettings) -> str:
    """How to look at the runs and the registry."""
    if settings.uses_local_store:
        command = f"mlflow ui --backend-store-uri {settings.tracking_uri}"
        if settings.artifact_location == STORE_ARTIFACTS_URI:
            # the UI serves mlflow-artifacts:/ from here
            command += f" --artifacts-destination {settings.artifact_root}"
        return command
    return "open the experiment in the Databricks workspace (Experiments / Models in Catalog)"
