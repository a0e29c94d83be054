"""Serve the churn champion over REST with MLflow's own scoring server (``make serve``).

``mlflow models serve -m models:/customer360_churn@champion`` cannot load a model of this
project's local store on its own: the store records its artifacts as ``mlflow-artifacts:/``
(``python_jobs.churn.artifacts``), which a plain ``mlflow`` process resolves only through a
tracking server, and fails on with a ``sqlite:///`` tracking URI. So ``champion_to_serve``
resolves the alias here, with the store's artifacts found next to it: the version ``@champion``
points to now, and that version's model folder. ``serve_command`` hands the folder to
``mlflow models serve`` with ``--env-manager local`` (this environment: no conda or
virtualenv is created, nothing is downloaded) on 127.0.0.1.

The server's ``POST /invocations`` takes feature rows of ``gold.churn_features`` (the 17
columns of ``data.FEATURES``; other columns are ignored) and answers with the model's
``predict_proba``: per row ``[P(not churned), P(churned)]``. ``/ping`` answers 200 once the
model is loaded. docs/serving.md has the request format.
"""

from __future__ import annotations

import os
import shlex
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from python_jobs.churn.config import ChurnJobError, ChurnSettings

HOST = "127.0.0.1"
DEFAULT_PORT = 5001
RUN_FIRST = "run `make run` first (it builds churn_features, trains and registers a champion)"
# written by MLflow next to every model logged with an input example (train._log_model)
EXAMPLE_FILE = "serving_input_example.json"


@dataclass(frozen=True)
class ServedModel:
    """The registered version behind ``@champion`` when it was resolved, and its folder."""

    name: str
    version: str
    run_id: str | None
    folder: Path  # holds MLmodel, the pickled pipeline and the input example

    @property
    def example(self) -> Path | None:
        path = self.folder / EXAMPLE_FILE
        return path if path.is_file() else None


def champion_to_serve(settings: ChurnSettings) -> ServedModel:
    """The champion's version and its model folder; a ``ChurnJobError`` saying what to do when
    there is no champion or its artifacts are gone."""
    import mlflow
    from mlflow.exceptions import MlflowException

    from python_jobs.churn.registry import CHAMPION, champion_version

    name = settings.model_name or ""
    champion = champion_version(settings)
    if champion is None:
        raise ChurnJobError(
            f"There is no champion to serve: the model {name} has no @{CHAMPION} in "
            f"{settings.registry_uri}; {RUN_FIRST}."
        )
    client, version = champion
    try:
        # a local store's own folder (nothing is copied); a remote store's copy in a temp dir
        folder = Path(mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{name}/{version}"))
    except (OSError, MlflowException) as exc:
        folder = None
        problem = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    else:
        problem = "no MLmodel file in its folder"
    if folder is None or not (folder / "MLmodel").is_file():
        raise ChurnJobError(
            f"The champion {name} v{version} cannot be served from its artifacts ({problem}); "
            f"restore the store's artifacts folder, or {RUN_FIRST}."
        )
    return ServedModel(
        name=name,
        version=version,
        run_id=client.get_model_version(name, version).run_id,
        folder=folder,
    )


def check_port_free(port: int, host: str = HOST) -> None:
    """A ``ChurnJobError`` when ``host:port`` is taken (the server would fail after loading).

    Binds as uvicorn does (SO_REUSEADDR), so a port left in TIME_WAIT counts as free.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ChurnJobError(
                f"Port {port} on {host} is not free ({exc.strerror}): stop what listens there "
                f"(another `make serve`?) or pick another port, e.g. `make serve "
                f"SERVE_PORT={port + 1}`."
            ) from None


def serve_command(model: ServedModel, port: int, host: str = HOST) -> list[str]:
    """``mlflow models serve`` of the model's folder, in this Python environment."""
    return [
        sys.executable,
        "-m",
        "mlflow",
        "models",
        "serve",
        "--model-uri",
        str(model.folder),
        "--env-manager",
        "local",
        "--host",
        host,
        "--port",
        str(port),
    ]


def serve_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's environment: ``environ`` (default ``os.environ``) with this Python's
    scripts folder first on PATH (MLflow starts ``uvicorn`` by name, and ``make`` runs the
    venv's Python without activating the venv), and no progress bar for a local folder."""
    env = dict(os.environ if environ is None else environ)
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([scripts, *filter(None, [env.get("PATH")])])
    env["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    return env


def url(port: int, host: str = HOST) -> str:
    return f"http://{host}:{port}"


def curl_example(model: ServedModel, port: int, host: str = HOST) -> str:
    """A request that works against the served model: its own logged input example."""
    data = f"@{model.example}" if model.example else "<request.json, see docs/serving.md>"
    return (
        f"curl -s -X POST {url(port, host)}/invocations -H 'Content-Type: application/json' "
        f"--data {shlex.quote(data)}"
    )
