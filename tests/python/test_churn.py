"""Churn model jobs (python_jobs.churn) on synthetic churn_features with a planted signal.

Every MLflow store lives in tmp_path; nothing is written under the repo's data/ folder.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path
from types import SimpleNamespace

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from python_jobs.churn.cli import app
from python_jobs.churn.config import ChurnJobError, ChurnSettings
from python_jobs.churn.data import (
    NON_NEGATIVE_FEATURES,
    ORDER_FEATURES,
    label_horizon_days,
    load_churn_features,
    model_input,
    normalize_features,
)
from python_jobs.churn.registry import champion_info, register_and_promote
from python_jobs.churn.score import load_champion, risk_band, score_frame
from python_jobs.churn.train import (
    MIN_CLASS_ROWS,
    MIN_TRAIN_ROWS,
    assert_no_leakage,
    time_split,
    train_churn_model,
)
from python_jobs.churn.validation import feature_row_problems

REPO = Path(__file__).resolve().parents[2]
CHURN_SCORES = REPO / "models" / "gold" / "ml" / "churn_scores.py"
FIRST_AS_OF = dt.date(2024, 1, 31)


def month_end(k: int) -> dt.date:
    """The k-th as-of date of the calendar after FIRST_AS_OF: month ends, as churn_features has."""
    return (pd.Timestamp(FIRST_AS_OF) + pd.offsets.MonthEnd(k)).date()


# --------------------------------------------------------------------------- synthetic data


def make_churn_features(
    n_customers: int = 1500, n_dates: int = 5, seed: int = 7, unlabelled_last: bool = True
) -> pd.DataFrame:
    """churn_features rows: churn rises with recency and tickets, falls with sessions."""
    rng = np.random.default_rng(seed)
    signup = rng.integers(60, 700, n_customers)
    frames = []
    for k in range(n_dates):
        n = n_customers
        dslo = np.minimum(rng.exponential(45, n), 400).astype(int)
        sessions_30 = rng.poisson(np.where(dslo < 30, 6, 2))
        tickets = rng.poisson(0.7, n)
        open_tickets = rng.binomial(tickets, 0.3)
        orders_30 = rng.poisson(np.where(dslo < 30, 1.5, 0.1))
        orders_90 = orders_30 + rng.poisson(np.where(dslo < 90, 1.5, 0.1))
        orders_total = orders_90 + rng.poisson(4, n)
        aov = np.round(rng.gamma(4, 15, n), 2)
        no_session = rng.random(n) < 0.08
        logit = (
            -1.0
            + 0.035 * (dslo - 45)
            + 0.7 * tickets
            + 0.5 * open_tickets
            - 0.35 * (sessions_30 - 3)
        )
        churned = rng.random(n) < 1 / (1 + np.exp(-logit))
        labelled = not (unlabelled_last and k == n_dates - 1)
        frames.append(
            pd.DataFrame(
                {
                    "customer_id": [f"C{i:05d}" for i in range(n)],
                    "as_of_date": month_end(k),
                    "tenure_days": signup + (month_end(k) - FIRST_AS_OF).days,
                    "days_since_last_order": dslo,
                    "orders_last_30d": orders_30,
                    "orders_last_90d": orders_90,
                    "orders_total": orders_total,
                    "revenue_last_90d": np.round(orders_90 * aov, 2),
                    "revenue_total": np.round(orders_total * aov, 2),
                    "avg_order_value": aov,
                    "sessions_last_30d": sessions_30,
                    "sessions_last_90d": sessions_30 + rng.poisson(5, n),
                    "days_since_last_session": pd.Series(
                        rng.integers(0, 120, n), dtype="Int64"
                    ).mask(no_session),
                    "tickets_last_90d": tickets,
                    "open_tickets": open_tickets,
                    "avg_satisfaction_last_180d": np.where(
                        rng.random(n) < 0.4, np.nan, np.round(rng.uniform(1, 5, n), 1)
                    ),
                    "tier": rng.choice(np.array(["bronze", "silver", "gold", None]), n),
                    "country_code": rng.choice(np.array(["DE", "FR", "NL", "ES", None]), n),
                    "has_marketing_consent": pd.array(
                        rng.choice(np.array([True, False, None]), n), dtype="boolean"
                    ),
                    "is_churned": pd.array(churned if labelled else [None] * n, dtype="boolean"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def write_duckdb(path: Path, frame: pd.DataFrame | None) -> Path:
    """gold.churn_features as dbt builds it (dates, decimals); None = no table at all."""
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists gold")
    if frame is not None:
        con.register("frame", frame)
        con.execute(
            """
            create or replace table gold.churn_features as
            select * replace (
                cast(revenue_last_90d as decimal(18, 2)) as revenue_last_90d,
                cast(revenue_total as decimal(18, 2)) as revenue_total,
                cast(avg_order_value as decimal(18, 2)) as avg_order_value
            )
            from frame
            """
        )
    con.close()
    return path


def local_settings(tmp: Path, duckdb_path: Path | None = None, **overrides) -> ChurnSettings:
    return ChurnSettings.from_env(
        env={},
        duckdb_path=duckdb_path or tmp / "missing.duckdb",
        tracking_uri=f"sqlite:///{tmp / 'mlflow' / 'mlflow.db'}",
        **overrides,
    )


def shuffled_train_labels(frame: pd.DataFrame, eval_date: dt.date, seed: int = 1) -> pd.DataFrame:
    """Labels shuffled on the training dates only: the evaluation rows stay real."""
    out = frame.copy()
    rows = (pd.to_datetime(out["as_of_date"]) < pd.Timestamp(eval_date)) & out["is_churned"].notna()
    rng = np.random.default_rng(seed)
    out.loc[rows, "is_churned"] = rng.permutation(out.loc[rows, "is_churned"].to_numpy())
    return out


def without_signal(frame: pd.DataFrame, eval_date: dt.date, columns: list[str]) -> pd.DataFrame:
    """Training rows whose ``columns`` are shuffled: a weaker, still useful model."""
    out = frame.copy()
    rows = pd.to_datetime(out["as_of_date"]) < pd.Timestamp(eval_date)
    rng = np.random.default_rng(3)
    for column in columns:
        out.loc[rows, column] = rng.permutation(out.loc[rows, column].to_numpy())
    return out


NON_FEATURES = ["customer_id", "as_of_date", "is_churned"]
CRM_ATTRIBUTES = ["tier", "country_code", "has_marketing_consent"]


def without_crm_attributes(frame: pd.DataFrame) -> pd.DataFrame:
    """A CRM export that fills no tier, country or marketing consent."""
    n = len(frame)
    return frame.assign(
        tier=pd.Series([None] * n, dtype="string"),
        country_code=pd.Series([None] * n, dtype="string"),
        has_marketing_consent=pd.array([None] * n, dtype="boolean"),
    )


def champion_run(settings: ChurnSettings, run_id: str):
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=settings.tracking_uri).get_run(run_id)


EVAL_DATE = month_end(3)  # 5 month ends, the last unlabelled


@pytest.fixture(autouse=True)
def restore_mlflow_environment():
    """mlflow.set_tracking_uri / set_registry_uri write MLFLOW_TRACKING_URI and
    MLFLOW_REGISTRY_URI into os.environ, where ChurnSettings.from_env reads them: each test
    leaves them as it found them, so no test reads the store of the one before."""
    names = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")
    saved = {name: os.environ.get(name) for name in names}
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="module")
def features() -> pd.DataFrame:
    return make_churn_features()


@pytest.fixture(scope="module")
def registry_run(tmp_path_factory, features):
    """Three trainings into one store: weak (first), shuffled labels, full signal."""
    tmp = tmp_path_factory.mktemp("registry")
    db = write_duckdb(tmp / "warehouse.duckdb", features)
    settings = local_settings(tmp, db)
    frame = load_churn_features(settings)
    quiet = {"show_progress": False}
    weak = train_churn_model(
        settings,
        without_signal(frame, EVAL_DATE, ["days_since_last_order", "tickets_last_90d"]),
        **quiet,
    )
    weak_decision = register_and_promote(weak, settings)
    noise = train_churn_model(settings, shuffled_train_labels(frame, EVAL_DATE), **quiet)
    noise_decision = register_and_promote(noise, settings)
    full = train_churn_model(settings, frame, **quiet)
    full_decision = register_and_promote(full, settings)
    return SimpleNamespace(
        tmp=tmp,
        settings=settings,
        frame=frame,
        results=(weak, noise, full),
        decisions=(weak_decision, noise_decision, full_decision),
    )


# --------------------------------------------------------------------------- config


def test_settings_are_chosen_by_engine(tmp_path):
    local = ChurnSettings.from_env(env={})
    assert local.engine == "duckdb"
    assert local.tracking_uri == f"sqlite:///{REPO / 'data' / 'mlflow' / 'mlflow.db'}"
    assert local.registry_uri == local.tracking_uri
    assert local.artifact_root == REPO / "data" / "mlflow" / "artifacts"
    assert local.model_name == "customer360_churn"
    assert local.features_table == "gold.churn_features"

    remote = ChurnSettings.from_env(env={"C360_ENGINE": "databricks", "DATABRICKS_CATALOG": "prod"})
    assert (remote.tracking_uri, remote.registry_uri) == ("databricks", "databricks-uc")
    assert remote.model_name == "prod.gold.customer360_churn"
    assert remote.features_table == "prod.gold.churn_features"
    assert remote.artifact_root is None

    custom = local_settings(tmp_path)
    assert custom.artifact_root == tmp_path / "mlflow" / "artifacts"
    # The store's own artifacts folder is recorded relative to the store; another is absolute.
    assert custom.artifact_location == "mlflow-artifacts:/"
    elsewhere = local_settings(tmp_path, artifact_root=tmp_path / "elsewhere")
    assert elsewhere.artifact_location == (tmp_path / "elsewhere").as_uri()
    assert remote.artifact_location is None

    assert local.promotion_margin == 0.005
    assert ChurnSettings.from_env(env={"C360_CHURN_PROMOTION_MARGIN": "0.02"}).promotion_margin == (
        0.02
    )


# --------------------------------------------------------------------------- split


def test_time_split_has_no_leakage(features):
    split = time_split(normalize_features(features), purge_days=60)
    assert split.eval_date == pd.Timestamp(EVAL_DATE)
    # 60 days of purge: the month end before the evaluation date is left out.
    assert split.train_dates == [pd.Timestamp(FIRST_AS_OF), pd.Timestamp(month_end(1))]
    assert split.purged_dates == [pd.Timestamp(month_end(2))]
    assert split.train["as_of_date"].max() < split.eval["as_of_date"].min()
    assert split.train["is_churned"].notna().all() and split.eval["is_churned"].notna().all()
    assert split.eval["as_of_date"].nunique() == 1
    assert_no_leakage(split)

    no_purge = time_split(normalize_features(features), purge_days=0)
    assert len(no_purge.train_dates) == 3
    assert no_purge.train["as_of_date"].max() < no_purge.eval["as_of_date"].min()


def test_the_gap_is_the_labels_window(tmp_path, features):
    """Without --purge-days the gap before the evaluation date is the labels' window
    (churn_horizon_days, stored by churn_features; 60 when the table lacks it); labels of two
    windows stop the training with a sentence."""
    assert label_horizon_days(normalize_features(features)) == 60
    frame = normalize_features(features.assign(churn_horizon_days=30))
    assert label_horizon_days(frame) == 30
    # the horizon of rows still unlabelled does not matter: they are never trained on
    unlabelled = frame["is_churned"].isna()
    assert (
        label_horizon_days(
            frame.assign(churn_horizon_days=frame["churn_horizon_days"].mask(unlabelled, 90))
        )
        == 30
    )
    mixed = frame.copy()
    mixed.loc[mixed.index[:10], "churn_horizon_days"] = 60
    with pytest.raises(ChurnJobError, match=r"several churn windows \(30, 60 days\).*full-refresh"):
        label_horizon_days(mixed)

    settings = local_settings(tmp_path, write_duckdb(tmp_path / "warehouse.duckdb", None))
    result = train_churn_model(settings, frame, show_progress=False)
    # 30 days: the month end 30 days before the evaluation date trains, where 60 purge it
    assert result.data_info["purge_days"] == 30
    assert result.split.train_dates[-1] == pd.Timestamp(month_end(2))
    assert result.split.purged_dates == []


def test_leakage_is_detected(features):
    split = time_split(normalize_features(features), purge_days=0)
    leaky = SimpleNamespace(train=pd.concat([split.train, split.eval]), eval=split.eval)
    with pytest.raises(RuntimeError, match="leaks"):
        assert_no_leakage(leaky)


# --------------------------------------------------------------------------- training


def test_training_logs_metrics_and_artifacts(registry_run):
    from mlflow import MlflowClient

    full = registry_run.results[2]
    assert full.metrics["roc_auc"] > 0.85
    assert 0 < full.metrics["brier"] < 0.2
    assert full.metrics["lift_top_decile"] > 1.8
    assert full.metrics["pr_auc"] > full.metrics["eval_base_rate"]

    client = MlflowClient(tracking_uri=registry_run.settings.tracking_uri)
    run = client.get_run(full.run_id)
    for metric in ("roc_auc", "pr_auc", "brier", "lift_top_decile"):
        assert run.data.metrics[metric] == pytest.approx(full.metrics[metric])
    params = run.data.params
    assert params["eval_as_of_date"] == EVAL_DATE.isoformat()
    assert params["train_as_of_max"] < params["eval_as_of_date"]
    assert int(params["train_rows"]) == 3000 and int(params["eval_rows"]) == 1500
    assert run.data.tags["data.max_as_of_date"] == month_end(4).isoformat()  # 2024-05-31
    artifacts = {f.path for f in client.list_artifacts(full.run_id, "plots")}
    assert artifacts == {
        "plots/roc_curve.png",
        "plots/precision_recall_curve.png",
        "plots/feature_importance.png",
    }
    contexts = {d.tags[0].value for d in run.inputs.dataset_inputs}
    assert contexts == {"training", "evaluation"}
    assert (
        f"gold.churn_features@as_of<={month_end(4)}" in run.inputs.dataset_inputs[0].dataset.source
    )
    # The artifacts are in the tmp store, not in the repo.
    assert any((registry_run.tmp / "mlflow" / "artifacts").rglob("roc_curve.png"))
    # Permutation importance finds the planted drivers.
    top = set(full.importance["feature"].head(4))
    assert {"days_since_last_order", "tickets_last_90d"} <= top


def test_shuffled_labels_give_chance_level_auc(registry_run):
    noise = registry_run.results[1]
    assert 0.42 <= noise.metrics["roc_auc"] <= 0.58


# --------------------------------------------------------------------------- registry


def test_registry_promotes_only_better_models(registry_run):
    from mlflow import MlflowClient

    weak, noise, full = registry_run.decisions
    assert weak.promoted and weak.champion_version is None
    assert not noise.promoted and noise.champion_version == weak.version
    assert full.promoted and full.champion_version == weak.version  # noise never was champion
    assert full.challenger_score > full.champion_score

    settings = registry_run.settings
    client = MlflowClient(tracking_uri=settings.tracking_uri, registry_uri=settings.registry_uri)
    name = settings.model_name
    model = client.get_registered_model(name)
    aliases = {alias: str(version) for alias, version in model.aliases.items()}
    assert aliases == {"champion": full.version, "challenger": full.version}

    rejected = client.get_model_version(name, noise.version)
    assert rejected.tags["promotion.decision"] == "not_promoted"
    assert float(rejected.tags["promotion.challenger_score"]) == pytest.approx(
        noise.challenger_score, abs=1e-6
    )
    champion_score = float(rejected.tags["promotion.champion_score"])
    # The champion was re-scored on the same evaluation rows as the challenger.
    assert champion_score == pytest.approx(registry_run.results[0].metrics["roc_auc"], abs=1e-6)
    assert champion_score > float(rejected.tags["promotion.challenger_score"])
    assert "Not promoted" in rejected.description
    first = client.get_model_version(name, weak.version)
    assert first.tags["promotion.champion_score"] == "none"
    assert first.tags["promotion.superseded_by_version"] == full.version

    info = champion_info(settings)
    assert info.version == full.version
    assert info.metrics["roc_auc"] == pytest.approx(full.challenger_score)


# --------------------------------------------------------------------------- scoring


def test_score_frame_outputs_probabilities_and_bands(registry_run):
    champion = load_champion(settings=registry_run.settings)
    assert champion.version == registry_run.decisions[2].version
    latest = registry_run.frame[
        registry_run.frame["as_of_date"] == registry_run.frame["as_of_date"].max()
    ]
    scored = score_frame(latest, champion)
    assert len(scored) == len(latest)
    assert scored["churn_probability"].between(0, 1).all()
    assert set(scored["risk_band"]) <= {"low", "medium", "high"}
    assert set(scored["model_version"]) == {champion.version}
    expected = np.where(
        scored["churn_probability"] < 0.3,
        "low",
        np.where(scored["churn_probability"] < 0.6, "medium", "high"),
    )
    assert (scored["risk_band"].to_numpy() == expected).all()
    assert list(risk_band([0.0, 0.2999, 0.3, 0.5999, 0.6, 1.0])) == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]
    empty = score_frame(latest.head(0), champion)
    assert empty.empty and "churn_probability" in empty.columns


# A Python in which python_jobs cannot be imported (as on Databricks model serving) loads the
# model from a folder and scores the rows of a Parquet file; prints the result or the error.
LOAD_WITHOUT_PYTHON_JOBS = """
import json, sys
import pandas as pd

class NoPythonJobs:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "python_jobs":
            raise ImportError("python_jobs is not installed here")

sys.meta_path.insert(0, NoPythonJobs())
import mlflow
model = mlflow.pyfunc.load_model(sys.argv[1])
rows = pd.read_parquet(sys.argv[2])
try:
    print(json.dumps({"predictions": model.predict(rows).tolist()}))
except mlflow.exceptions.MlflowException as error:
    print(json.dumps({"error_code": error.error_code, "message": error.message}))
"""


def test_the_model_refuses_rows_that_are_not_churn_features_rows(registry_run, tmp_path):
    """The logged pipeline checks its input: negative days or counts, a missing order
    feature and a consent that is no boolean are refused with one sentence naming each row;
    valid rows score. The check is inside the pickle: the model loads and checks where
    python_jobs cannot be imported (model serving)."""
    import mlflow

    from python_jobs.churn.registry import client_for

    settings = registry_run.settings
    client_for(settings)  # the store's artifacts, found next to it
    version = registry_run.decisions[2].version
    folder = mlflow.artifacts.download_artifacts(
        artifact_uri=f"models:/{settings.model_name}/{version}", dst_path=str(tmp_path / "m")
    )
    good = model_input(registry_run.frame.head(3).reset_index(drop=True))
    bad = good.copy()
    bad.loc[0, "tenure_days"] = -5000
    bad.loc[1, "orders_total"] = np.nan
    bad.loc[2, "has_marketing_consent"] = "maybe"

    def score(rows: pd.DataFrame) -> dict:
        path = tmp_path / "rows.parquet"
        rows.to_parquet(path, index=False)
        done = subprocess.run(
            [sys.executable, "-c", LOAD_WITHOUT_PYTHON_JOBS, folder, str(path)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    # amounts and satisfaction may be negative or out of range in the table (silver warns)
    good.loc[0, "revenue_total"] = -10.0
    good.loc[1, "avg_satisfaction_last_180d"] = 7.0
    scored = score(good)
    assert len(scored.get("predictions", [])) == 3, scored
    refused = score(bad)
    assert refused["error_code"] == "INVALID_PARAMETER_VALUE"
    assert refused["message"] == (
        "3 of 3 rows are not rows of gold.churn_features, so none was scored: "
        "row 0: tenure_days is -5000.0, below 0; row 1: orders_total is missing; "
        "row 2: has_marketing_consent is 'maybe', not true, false or null. "
        "Send the feature values as the table holds them."
    )
    # every row valid for the check as the warehouse writes them (JSON booleans, nulls)
    assert (
        feature_row_problems(
            registry_run.frame,
            non_negative=NON_NEGATIVE_FEATURES,
            required=ORDER_FEATURES,
            booleans=("has_marketing_consent",),
        )
        == []
    )


# --------------------------------------------------------------------------- CLI


def run_cli(args, env):
    return CliRunner().invoke(app, args, env=env)


def cli_env(tmp: Path, db: Path) -> dict[str, str]:
    return {
        "C360_ENGINE": "duckdb",
        "C360_DUCKDB_PATH": str(db),
        "MLFLOW_TRACKING_URI": f"sqlite:///{tmp / 'cli-mlflow' / 'mlflow.db'}",
        "MLFLOW_REGISTRY_URI": "",
        "C360_CHURN_MODEL_NAME": "",
        "COLUMNS": "200",
    }


def test_cli_help_and_champion(registry_run):
    result = run_cli(["--help"], {})
    assert result.exit_code == 0 and "train" in result.output and "champion" in result.output
    env = {"MLFLOW_TRACKING_URI": registry_run.settings.tracking_uri, "COLUMNS": "200"}
    result = run_cli(["champion"], env)
    assert result.exit_code == 0, result.output
    assert f"version {registry_run.decisions[2].version}" in result.output
    assert "promotion.decision" in result.output and "promotion.champion_score" in result.output


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_file", "run dbt build first"),
        ("no_table", "run dbt build first"),
        ("empty", "is empty"),
        ("single_class", "single-class"),
        ("one_date", "Cannot time-split"),
        ("too_few_rows", "Too few training rows to train the churn model: 120 rows"),
        ("no_usable_feature", "No feature column of churn_features has anything to learn from"),
    ],
)
def test_cli_train_bad_input_exits_2(tmp_path, case, message):
    db = tmp_path / "warehouse.duckdb"
    small = make_churn_features(n_customers=60, n_dates=3, seed=2)
    if case == "too_few_rows":
        # 5 as-of dates of 60 customers: 2 training dates, 120 rows.
        write_duckdb(db, make_churn_features(n_customers=60, n_dates=5, seed=2))
    elif case == "no_usable_feature":
        # Enough rows, but every feature is a constant or null: nothing to learn from.
        frame = make_churn_features(n_customers=300, n_dates=5, seed=2)
        numeric = [c for c in frame.columns if c not in NON_FEATURES + CRM_ATTRIBUTES]
        write_duckdb(db, without_crm_attributes(frame.assign(**dict.fromkeys(numeric, 0))))
    elif case == "no_table":
        write_duckdb(db, None)
    elif case == "empty":
        write_duckdb(db, small.head(0))
    elif case == "single_class":
        write_duckdb(db, small.assign(is_churned=pd.array([False] * len(small), dtype="boolean")))
    elif case == "one_date":
        # Labelled month ends only (30 or 31 days apart): none is 60 days before the latest.
        write_duckdb(db, small[small["as_of_date"] > FIRST_AS_OF])
    result = run_cli(["train", "--no-progress"], cli_env(tmp_path, db))
    assert result.exit_code == 2, result.output
    assert message in result.output.replace("\n", " ")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "cli-mlflow").exists()  # failed before touching MLflow


def test_too_few_rows_of_a_class_ends_in_the_sentence(features):
    # Keep only 5 churned rows on the evaluation date: the ROC AUC would be noise.
    frame = normalize_features(features)
    on_eval = pd.to_datetime(frame["as_of_date"]) == pd.Timestamp(EVAL_DATE)
    churned = frame.index[on_eval & frame["is_churned"].fillna(False).to_numpy()]
    frame = frame.drop(churned[MIN_CLASS_ROWS // 2 :])
    with pytest.raises(ChurnJobError, match=r"^Too few evaluation rows to evaluate") as raised:
        time_split(frame, purge_days=60)
    message = str(raised.value)
    assert f"({MIN_CLASS_ROWS // 2} churned," in message
    assert f"{MIN_CLASS_ROWS} of each class are needed" in message
    assert message.count(". ") == 0 and message.endswith("again.")  # one sentence
    assert MIN_TRAIN_ROWS > 2 * MIN_CLASS_ROWS


def test_cli_train_leaves_out_all_null_crm_attributes(registry_run, tmp_path):
    """A real CRM export with no tier, country or consent: the model trains without them."""
    frame = without_crm_attributes(make_churn_features(600, 4, seed=11))
    db = write_duckdb(tmp_path / "warehouse.duckdb", frame)
    env = {**cli_env(tmp_path, db), "MLFLOW_TRACKING_URI": registry_run.settings.tracking_uri}
    args = ["train", "--no-progress", "--model-name", "crm_empty", "--experiment", "crm_empty"]
    result = run_cli(args, env)
    assert result.exit_code == 0, result.output
    output = result.output.replace("\n", " ")
    assert (
        "Note: Left 3 of 17 feature columns out of the model (null in every training row: "
        "tier, country_code, has_marketing_consent)." in output
    )
    assert "v1 is the new champion of crm_empty" in output

    settings = registry_run.settings.model_copy(update={"model_name": "crm_empty"})
    champion = load_champion(settings=settings)
    run = champion_run(settings, champion.run_id)
    assert run.data.params["dropped_features"] == "tier,country_code,has_marketing_consent"
    assert run.data.params["categorical_features"] == "0"
    assert run.data.params["numeric_features"] == "14"
    assert run.data.metrics["roc_auc"] > 0.8  # the behavioural signal is still there
    latest = load_churn_features(local_settings(tmp_path, db))
    scored = score_frame(latest[latest["is_churned"].isna()], champion)
    assert len(scored) == 600 and scored["churn_probability"].between(0, 1).all()


def test_an_empty_features_table_says_why(tmp_path, features):
    """A new shop's history is shorter than churn_min_history_days: churn_features has no
    as-of date yet, and training says so, and what to do, rather than only to load data."""
    db = write_duckdb(tmp_path / "empty.duckdb", features.head(0))
    with pytest.raises(ChurnJobError, match="is empty: there is nothing to train on") as raised:
        load_churn_features(local_settings(tmp_path, db))
    assert "begin churn_min_history_days (a dbt var, default 60) after the" in str(raised.value)
    assert "train once it is longer, or lower the var" in str(raised.value)


def test_same_rows_in_another_storage_order_train_the_same_model(tmp_path, features):
    """Two builds of the same landing data store churn_features in different row orders."""
    ordered = write_duckdb(tmp_path / "ordered.duckdb", features)
    shuffled = write_duckdb(tmp_path / "shuffled.duckdb", features.sample(frac=1, random_state=5))
    with duckdb.connect(str(shuffled), read_only=True) as con:
        stored = con.sql("select customer_id from gold.churn_features limit 5").df()
    assert list(stored["customer_id"]) != list(features["customer_id"].head(5))

    frames = [load_churn_features(local_settings(tmp_path, db)) for db in (ordered, shuffled)]
    pd.testing.assert_frame_equal(frames[0], frames[1])
    keys = frames[0][["as_of_date", "customer_id"]]
    assert keys.equals(keys.sort_values(["as_of_date", "customer_id"], ignore_index=True))

    results = [
        train_churn_model(local_settings(tmp_path, db), show_progress=False)
        for db in (ordered, shuffled)
    ]
    assert results[0].metrics == results[1].metrics  # exactly, not approximately
    iterations = [r.pipeline.named_steps["classifier"].n_iter_ for r in results]
    assert iterations[0] == iterations[1]
    pd.testing.assert_frame_equal(results[0].importance, results[1].importance)


def test_promotion_needs_a_gain_above_the_margin(registry_run):
    from mlflow import MlflowClient

    weak, _, full = registry_run.results
    gain = full.metrics["roc_auc"] - weak.metrics["roc_auc"]
    assert gain > 0.005  # a real improvement, so the margin alone decides below
    base = registry_run.settings.model_copy(update={"model_name": "margin_churn"})
    first = register_and_promote(weak, base)
    assert first.promoted

    above = base.model_copy(update={"promotion_margin": round(gain + 0.001, 3)})
    kept = register_and_promote(full, above)
    assert not kept.promoted and kept.champion_version == first.version
    assert "not more than the promotion margin" in kept.reason

    again = register_and_promote(weak, base)  # the champion's own model: a gain of 0
    assert not again.promoted and again.gain == 0

    below = base.model_copy(update={"promotion_margin": round(gain - 0.001, 3)})
    promoted = register_and_promote(full, below)
    assert promoted.promoted and promoted.champion_version == first.version

    client = MlflowClient(tracking_uri=base.tracking_uri, registry_uri=base.registry_uri)
    tags = client.get_model_version("margin_churn", kept.version).tags
    assert tags["promotion.decision"] == "not_promoted"
    assert float(tags["promotion.margin"]) == pytest.approx(above.promotion_margin)
    assert float(tags["promotion.challenger_score"]) == pytest.approx(full.metrics["roc_auc"])
    assert float(tags["promotion.champion_score"]) == pytest.approx(weak.metrics["roc_auc"])
    assert float(tags["promotion.gain"]) == pytest.approx(gain, abs=1e-6)
    first_tags = client.get_model_version("margin_churn", first.version).tags
    assert first_tags["promotion.gain"] == "none"
    assert float(first_tags["promotion.margin"]) == 0.005
    aliases = client.get_registered_model("margin_churn").aliases
    assert str(aliases["champion"]) == promoted.version


def test_moved_store_still_loads_the_champion(tmp_path):
    """Train with the store in clone A, move the whole data folder to B: B loads @champion."""
    from mlflow import MlflowClient

    db = write_duckdb(tmp_path / "warehouse.duckdb", make_churn_features(400, 4, seed=5))
    a, b = tmp_path / "clone_a", tmp_path / "clone_b"

    def settings_in(clone: Path) -> ChurnSettings:
        return ChurnSettings.from_env(
            env={}, duckdb_path=db, tracking_uri=f"sqlite:///{clone / 'data' / 'mlflow.db'}"
        )

    trained = train_churn_model(settings_in(a), show_progress=False)
    register_and_promote(trained, settings_in(a))
    client = MlflowClient(tracking_uri=settings_in(a).tracking_uri)
    experiment = client.get_experiment(trained.experiment_id)
    assert experiment.artifact_location == "mlflow-artifacts:/"
    assert str(a) not in client.get_run(trained.run_id).info.artifact_uri

    shutil.move(a, b)
    assert not a.exists()
    champion = load_champion(settings=settings_in(b))
    assert champion.version == "1"
    np.testing.assert_array_equal(
        champion.predict_proba(trained.eval_input),
        trained.pipeline.predict_proba(trained.eval_input),
    )
    # Training again in B writes under B and re-scores the moved champion.
    again = train_churn_model(settings_in(b), show_progress=False)
    decision = register_and_promote(again, settings_in(b))
    assert decision.champion_score == pytest.approx(trained.metrics["roc_auc"])
    assert (b / "data" / "artifacts" / again.run_id / "artifacts" / "plots").is_dir()
    assert not a.exists()


def test_cli_champion_without_champion_exits_2(tmp_path):
    result = run_cli(["champion"], cli_env(tmp_path, tmp_path / "x.duckdb"))
    assert result.exit_code == 2
    assert "run `python -m python_jobs train` first" in result.output


def test_load_champion_without_champion_says_train_first(tmp_path):
    with pytest.raises(ChurnJobError, match=r"run `python -m python_jobs train` first"):
        load_champion(settings=local_settings(tmp_path))


def test_cli_train_end_to_end(registry_run, tmp_path):
    # Reuses the module's MLflow store (creating one costs seconds) under another model name.
    db = write_duckdb(tmp_path / "warehouse.duckdb", make_churn_features(600, 4, seed=11))
    env = {**cli_env(tmp_path, db), "MLFLOW_TRACKING_URI": registry_run.settings.tracking_uri}
    args = ["train", "--no-progress", "--model-name", "cli_churn", "--experiment", "cli"]
    result = run_cli(args, env)
    assert result.exit_code == 0, result.output
    output = result.output.replace("\n", "")
    assert "MLflow run id:" in output and "roc_auc" in output
    assert "v1 is the new champion of cli_churn" in output
    assert f"mlflow ui --backend-store-uri {registry_run.settings.tracking_uri}" in output


# --------------------------------------------------------------------------- Databricks path


class FakeCursor:
    def __init__(self, table: pa.Table | None, error: Exception | None, log: list):
        self.table, self.error, self.log = table, error, log

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql):
        self.log.append(sql)
        if self.error is not None:
            raise self.error

    def fetchall_arrow(self):
        return self.table


class FakeConnection:
    def __init__(self, cursor: FakeCursor):
        self._cursor = cursor

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def cursor(self):
        return self._cursor


def test_databricks_path_with_fake_connection(features):
    sample = features.head(50)
    log: list = []
    calls: list = []

    def connect(**kwargs):
        calls.append(kwargs)
        return FakeConnection(FakeCursor(pa.Table.from_pandas(sample), None, log))

    env = {
        "C360_ENGINE": "databricks",
        "DATABRICKS_HOST": "https://adb-1.azuredatabricks.net/",
        "DATABRICKS_HTTP_PATH": "/sql/1.0/warehouses/abc",
        "DATABRICKS_TOKEN": "dapi-test",
        "DATABRICKS_CATALOG": "c360_prod",
    }
    settings = ChurnSettings.from_env(env=env)
    frame = load_churn_features(settings, connect=connect)
    assert log == ["SELECT * FROM c360_prod.gold.churn_features ORDER BY as_of_date, customer_id"]
    assert calls[0]["server_hostname"] == "adb-1.azuredatabricks.net"
    assert calls[0]["access_token"] == "dapi-test"
    assert len(frame) == 50 and frame["as_of_date"].dtype == "datetime64[ns]"

    def missing(**kwargs):
        error = RuntimeError("[TABLE_OR_VIEW_NOT_FOUND] The table cannot be found.")
        return FakeConnection(FakeCursor(None, error, log))

    with pytest.raises(ChurnJobError, match="run dbt build first"):
        load_churn_features(settings, connect=missing)
    no_credentials = ChurnSettings.from_env(env={**env, "DATABRICKS_TOKEN": ""})
    with pytest.raises(ChurnJobError, match="DATABRICKS_CLIENT_ID"):
        load_churn_features(no_credentials, connect=connect)
    oauth = ChurnSettings.from_env(
        env={
            **env,
            "DATABRICKS_TOKEN": "",
            "DATABRICKS_CLIENT_ID": "sp",
            "DATABRICKS_CLIENT_SECRET": "s",
        }
    )
    load_churn_features(oauth, connect=connect)
    assert callable(calls[-1]["credentials_provider"]) and "access_token" not in calls[-1]


# --------------------------------------------------------------------------- dbt Python model


def load_dbt_model():
    spec = importlib.util.spec_from_file_location("churn_scores_model", CHURN_SCORES)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeConfig:
    """dbt.config in a Python model: callable, with get() and meta_get()."""

    def __init__(self, meta: dict[str, str]):
        self._meta = meta

    def __call__(self, **kwargs):
        return None

    def get(self, key, default=None):
        return default

    def meta_get(self, key, default=None):
        return self._meta.get(key, default)


class FakeDbt:
    """The bits of dbt's Python model API that churn_scores uses."""

    def __init__(self, relation, settings: ChurnSettings):
        self._relation = relation
        self.refs: list[str] = []
        self.config = FakeConfig(
            {
                "churn_model_name": settings.model_name,
                "churn_tracking_uri": settings.tracking_uri,
                "churn_registry_uri": "",
            }
        )

    def ref(self, name):
        self.refs.append(name)
        return self._relation


def check_scores(scores: pd.DataFrame, registry_run) -> None:
    assert list(scores.columns) == [
        "customer_id",
        "as_of_date",
        "churn_probability",
        "risk_band",
        "model_name",
        "model_version",
        "scored_at",
    ]
    assert len(scores) == 1500 and scores["customer_id"].is_unique
    assert set(scores["as_of_date"]) == {month_end(4)}  # the latest month end
    assert scores["churn_probability"].between(0, 1).all()
    assert set(scores["model_version"]) == {registry_run.decisions[2].version}
    assert set(scores["model_name"]) == {"customer360_churn"}


def test_churn_scores_model_on_duckdb_relation(registry_run):
    module = load_dbt_model()
    db = registry_run.tmp / "warehouse.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    try:
        dbt = FakeDbt(con.sql("select * from gold.churn_features"), registry_run.settings)
        scores = module.model(dbt, con)
    finally:
        con.close()
    assert dbt.refs == ["churn_features"]
    check_scores(scores, registry_run)


def test_churn_scores_model_without_champion_reports_one_sentence(
    registry_run, tmp_path, monkeypatch
):
    """dbt-duckdb reports a failed Python model as traceback.format_exception(error)."""
    from python_jobs.churn.score import ScoringStopped

    # A fresh process: no URIs left in the environment by the module's registry_run.
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    module = load_dbt_model()
    empty = local_settings(tmp_path)
    con = duckdb.connect(str(registry_run.tmp / "warehouse.duckdb"), read_only=True)
    try:
        with pytest.raises(ScoringStopped) as raised:
            module.model(FakeDbt(con.sql("select * from gold.churn_features"), empty), con)
    finally:
        con.close()
    report = "".join(traceback.format_exception(raised.value))
    assert report == (
        "python_jobs.churn.score.ScoringStopped: No champion model to score with: "
        f"customer360_churn has no @champion in {empty.registry_uri}; "
        "run `python -m python_jobs train` first.\n"
    )
    assert raised.tb is not None  # the real traceback is still there for a debugger


@pytest.mark.slow
def test_dbt_build_of_churn_scores_without_champion_says_train_first(tmp_path, features):
    db = write_duckdb(tmp_path / "customer360.duckdb", features)
    env = {
        # not the MLFLOW_* URIs that mlflow.set_*_uri left in this process's environment
        **{k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")},
        "DBT_PROFILES_DIR": str(REPO),
        "DO_NOT_TRACK": "1",
        "C360_DUCKDB_PATH": str(db),
        "C360_LANDING_ROOT": str(tmp_path / "landing"),
        "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow' / 'mlflow.db'}",
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    dbt = str(Path(sys.executable).parent / "dbt")
    done = subprocess.run(
        [dbt, "run", "--target", "local", "--select", "churn_scores"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stdout[-3000:]
    assert "Python model failed:\n  python_jobs.churn.score.ScoringStopped: No champion" in (
        done.stdout
    )
    assert "run `python -m python_jobs train` first." in done.stdout
    assert "Traceback" not in done.stdout


@pytest.fixture(scope="module")
def spark():
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("test_churn")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.spark
def test_churn_scores_model_on_spark_dataframe(registry_run, spark):
    module = load_dbt_model()
    parquet = registry_run.tmp / "churn_features.parquet"
    con = duckdb.connect(str(registry_run.tmp / "warehouse.duckdb"), read_only=True)
    con.execute(f"copy gold.churn_features to '{parquet}' (format parquet)")
    con.close()
    frame = spark.read.parquet(str(parquet))  # DATE and DECIMAL columns, as on Databricks
    assert dict(frame.dtypes)["as_of_date"] == "date"
    dbt = FakeDbt(frame, registry_run.settings)
    scores = module.model(dbt, spark)
    check_scores(scores, registry_run)
