"""The artifacts of a local MLflow store, addressed relative to the store.

MLflow records absolute artifact URIs in its database (the experiment's location, every
run's and logged model's, every model version's storage location), so a store created at
``/a/clone/data/mlflow`` only loads its models while that folder exists. The experiments of a
local store therefore record ``mlflow-artifacts:/`` (``ChurnSettings.artifact_location``):
MLflow's own scheme for "the artifact root the tracking server serves". In the jobs'
process, with a ``sqlite:///`` tracking URI, that root is ``<folder of the sqlite file>/
artifacts``, looked up when an artifact is read or written; ``mlflow ui --backend-store-uri
sqlite:///<db> --artifacts-destination <folder of the db>/artifacts`` serves the same files.
With any other tracking URI the scheme keeps MLflow's meaning (a tracking server's proxy).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from python_jobs.churn.config import STORE_ARTIFACTS_URI, store_artifact_root

SCHEME = urlparse(STORE_ARTIFACTS_URI).scheme  # mlflow-artifacts


def store_artifact_repository(
    artifact_uri: str, tracking_uri: str | None = None, registry_uri: str | None = None
) -> Any:
    """The artifact repository of an ``mlflow-artifacts:/<path>`` URI.

    A local store: the folder ``<path>`` under the store's artifact root. A tracking server:
    MLflow's proxy repository, as without this module.
    """
    import mlflow
    from mlflow.store.artifact.local_artifact_repo import LocalArtifactRepository
    from mlflow.store.artifact.mlflow_artifacts_repo import MlflowArtifactsRepository

    root = store_artifact_root(tracking_uri or mlflow.get_tracking_uri())
    if root is None:
        return MlflowArtifactsRepository(
            artifact_uri, tracking_uri=tracking_uri, registry_uri=registry_uri
        )
    folder = root.resolve() / urlparse(artifact_uri).path.lstrip("/")
    return LocalArtifactRepository(
        folder.as_uri(), tracking_uri=tracking_uri, registry_uri=registry_uri
    )


def resolve_store_artifacts_locally() -> None:
    """Route ``mlflow-artifacts:`` URIs of this process through ``store_artifact_repository``.

    MLflow's artifact repository registry maps URI schemes to repositories; packages add
    schemes through the ``mlflow.artifact_repository`` entry point, which reaches the same
    registry. Idempotent.
    """
    from mlflow.store.artifact.artifact_repository_registry import (
        _artifact_repository_registry as registry,
    )

    registry.register(SCHEME, store_artifact_repository)
