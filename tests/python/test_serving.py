"""`make serve` (python -m python_jobs serve): MLflow's scoring server for the churn champion.

One champion is trained into a store under tmp_path (the synthetic churn_features of
test_churn.py); the server runs as a subprocess on a free port of 127.0.0.1 and is stopped
whatever happens. A caller posts feature rows of churn_features as JSON (booleans and nulls as
the table holds them) and gets what the registered model and the warehouse's scoring give.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from test_churn import local_settings, make_churn_features, write_duckdb
from typer.testing import CliRunner

from python_jobs.churn.config import ChurnJobError
from python_jobs.churn.data import FEATURES, load_churn_features
from python_jobs.churn.registry import client_for, register_and_promote
from python_jobs.churn.score import load_champion, score_frame
from python_jobs.churn.serve import champion_to_serve, check_port_free, serve_environment
from python_jobs.churn.train import train_churn_model
from python_jobs.cli import app

REPO = Path(__file__).resolve().parents[2]
# Loading Python, MLflow and the model twice (the CLI, then uvicorn) takes about 30 s on a
# shared two-core machine.
STARTUP_TIMEOUT_S = 180
MLFLOW_VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[SimpleNamespace]:
    """A local store whose customer360_churn has a @champion, and the rows it was trained on."""
    tmp = tmp_path_factory.mktemp("serving")
    db = write_duckdb(tmp / "warehouse.duckdb", make_churn_features(600, 4, seed=11))
    settings = local_settings(tmp, db)
    # mlflow.set_tracking_uri writes MLFLOW_* into os.environ: give them back afterwards
    with pytest.MonkeyPatch.context() as patch:
        for name in MLFLOW_VARIABLES:
            patch.delenv(name, raising=False)
        trained = train_churn_model(settings, show_progress=False)
        decision = register_and_promote(trained, settings)
        features = load_churn_features(settings)
        yield SimpleNamespace(
            tmp=tmp, settings=settings, version=decision.version, features=features
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


def post_json(url: str, payload: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def serve_env(store: SimpleNamespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "C360_"))}
    return {**env, "MLFLOW_TRACKING_URI": store.settings.tracking_uri, "COLUMNS": "200"}


@pytest.fixture(scope="module")
def server(store) -> Iterator[SimpleNamespace]:
    """`python -m python_jobs serve --port <free port>`, until /ping answers; always stopped."""
    port = free_port()
    log_path = store.tmp / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "python_jobs", "serve", "--port", str(port)],
            cwd=REPO,
            env=serve_env(store),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the server and uvicorn stop together
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while get(f"{base}/ping") != 200:
            if process.poll() is not None:
                pytest.fail(
                    f"The scoring server exited with code {process.returncode} before answering "
                    f"/ping; its output:\n{log_path.read_text()[-4000:]}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"The scoring server did not answer {base}/ping within {STARTUP_TIMEOUT_S} s; "
                    f"its output:\n{log_path.read_text()[-4000:]}"
                )
            time.sleep(0.5)
        yield SimpleNamespace(base=base, port=port, log=log_path, process=process)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def caller_rows(features: pd.DataFrame) -> pd.DataFrame:
    """Rows of churn_features with a null in each nullable column and both consent values."""
    picks = [
        features["tier"].isna(),
        features["country_code"].isna(),
        features["has_marketing_consent"].isna(),
        features["has_marketing_consent"].eq(True).fillna(False),
        features["has_marketing_consent"].eq(False).fillna(False),
        features["days_since_last_session"].isna(),
        features["avg_satisfaction_last_180d"].isna(),
    ]
    index = [features.index[mask.to_numpy(dtype=bool)][0] for mask in picks]
    return features.loc[index].reset_index(drop=True)


def dataframe_split(rows: pd.DataFrame) -> dict:
    """The request body a caller writes from rows of churn_features: JSON numbers, strings,
    true/false and null, as the table holds them."""
    return {"dataframe_split": json.loads(rows.to_json(orient="split", index=False))}


def test_the_server_scores_feature_rows_as_the_registered_model_and_the_warehouse(store, server):
    import mlflow

    rows = caller_rows(store.features)[list(FEATURES)]
    body = dataframe_split(rows)
    assert body["dataframe_split"]["data"][3][-1] is True  # consent as a JSON boolean
    assert any(value is None for row in body["dataframe_split"]["data"] for value in row)

    status, answer = post_json(f"{server.base}/invocations", body)
    assert status == 200, answer
    served = np.asarray(answer["predictions"], dtype="float64")
    assert served.shape == (len(rows), 2)  # [P(not churned), P(churned)] per row
    assert ((served >= 0) & (served <= 1)).all()
    np.testing.assert_allclose(served.sum(axis=1), 1.0)

    # what MLflow's own loader of the champion's version gives on the same rows
    client_for(store.settings)  # the store's artifacts, found next to it
    model = mlflow.pyfunc.load_model(f"models:/{store.settings.model_name}/{store.version}")
    expected = model.predict(pd.DataFrame(**body["dataframe_split"]))
    np.testing.assert_allclose(served, np.asarray(expected), rtol=0, atol=1e-12)

    # and what dbt's churn_scores writes for these customers (python_jobs.churn.score)
    champion = load_champion(settings=store.settings)
    scores = score_frame(caller_rows(store.features), champion)
    np.testing.assert_allclose(served[:, 1], scores["churn_probability"], rtol=0, atol=1e-12)


def test_the_server_says_which_version_it_serves_and_how_to_call_it(store, server):
    output = server.log.read_text()
    assert f"Serving customer360_churn version {store.version} (@champion now" in output
    assert f"POST {server.base}/invocations" in output
    # the printed curl example is a request the server answers
    [curl] = [line.strip() for line in output.splitlines() if line.strip().startswith("curl ")]
    example = Path(curl.rsplit("--data @", 1)[1].strip("'"))
    status, answer = post_json(f"{server.base}/invocations", json.loads(example.read_text()))
    assert status == 200 and len(answer["predictions"]) == 5
    assert "--env-manager local --host 127.0.0.1" in output


def test_a_whole_churn_features_row_is_accepted_and_a_missing_feature_is_a_400(store, server):
    rows = (
        caller_rows(store.features)
        .head(2)
        .assign(as_of_date=lambda frame: frame["as_of_date"].dt.strftime("%Y-%m-%d"))
    )
    status, whole = post_json(f"{server.base}/invocations", dataframe_split(rows))
    assert status == 200, whole  # customer_id, as_of_date, is_churned are ignored
    status, only_features = post_json(
        f"{server.base}/invocations", dataframe_split(rows[list(FEATURES)])
    )
    assert whole == only_features
    status, error = post_json(
        f"{server.base}/invocations", dataframe_split(rows[list(FEATURES)].drop(columns="tier"))
    )
    # refused by the signature (a required column) or by the model (an optional one)
    assert status == 400, error
    assert error["error_code"] in {"INVALID_PARAMETER_VALUE", "BAD_REQUEST"}, error
    # values no churn_features row has: refused by the model's input check, in one sentence
    status, error = post_json(
        f"{server.base}/invocations",
        dataframe_split(rows[list(FEATURES)].assign(tenure_days=-5000)),
    )
    assert status == 400, error
    assert error["error_code"] == "INVALID_PARAMETER_VALUE", error
    assert re.search(
        r"2 of 2 rows are not rows of gold\.churn_features, so none was scored: "
        r"row 0: tenure_days is -5000(\.0)?, below 0; row 1: tenure_days is -5000(\.0)?",
        error["message"],
    ), error


def test_a_taken_port_is_one_sentence(store, server):
    result = CliRunner().invoke(app, ["serve", "--port", str(server.port)], env=serve_env(store))
    assert result.exit_code == 2
    assert f"Port {server.port} on 127.0.0.1 is not free" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(ChurnJobError, match="SERVE_PORT"):
        check_port_free(server.port)


def test_no_champion_yet_says_run_make_run_first(tmp_path, monkeypatch):
    for name in MLFLOW_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    settings = local_settings(tmp_path)
    with pytest.raises(ChurnJobError, match=r"no @champion .* run `make run` first"):
        champion_to_serve(settings)
    assert not (tmp_path / "mlflow").exists()  # looking did not create a store
    env = {"MLFLOW_TRACKING_URI": settings.tracking_uri, "COLUMNS": "200"}
    result = CliRunner().invoke(app, ["serve"], env=env)
    assert result.exit_code == 2
    assert "There is no champion to serve" in result.output
    assert "run `make run` first" in result.output and "Traceback" not in result.output


def test_the_server_finds_uvicorn_without_an_activated_venv():
    env = serve_environment({"PATH": "/usr/bin:/bin"})
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert (Path(sys.executable).parent / "uvicorn").exists()
    assert env["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] == "false"
