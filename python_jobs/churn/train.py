"""Train the churn model on ``gold.churn_features`` and log everything to MLflow.

Time split: the evaluation set is the latest *labelled* as-of date; the training set is every
labelled as-of date at least ``purge_days`` before it (default: the labels' window,
``churn_features.churn_horizon_days``). A training label looks that many days past its as-of
date, so without the purge the rows of the as-of date just before the evaluation date would
be labelled with orders placed after the evaluation date (label leakage). Rows whose label is
still NULL are the ones to score and are never used here.

Minimum data: each of the training and evaluation sets needs ``MIN_CLASS_ROWS`` churned and
as many retained rows, and the training set ``MIN_TRAIN_ROWS`` rows; less ends in one sentence
saying what is missing.

Features: a feature column that is null in every training row, or holds one value there,
carries nothing to learn from (real exports often leave CRM attributes such as tier, country or
consent empty). It is left out of the model with a printed note and the MLflow param
``dropped_features``; the model still takes every column of churn_features, and ignores those.
Training stops with one sentence only when no usable column remains.

Model: a scikit-learn Pipeline (median imputation with missing indicators + scaling for the
numerics, constant "missing" imputation + lower-case text + one-hot for the categoricals) in
front of a HistGradientBoostingClassifier. Metrics on the evaluation date: ROC AUC, PR AUC
(average precision), Brier score and lift in the top decile. The same rows give the same model:
they are read in key order, and every random step (early-stopping hold-out, permutation
importance) takes ``random_state``.
"""

from __future__ import annotations

import importlib.metadata
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.inspection import permutation_importance
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from python_jobs.churn import validation
from python_jobs.churn.config import (
    ChurnJobError,
    ChurnSettings,
    configure_mlflow,
    limited_threads,
    ui_command,
)
from python_jobs.churn.data import (
    CATEGORICAL_FEATURES,
    DATE_COLUMN,
    FEATURES,
    LABEL_COLUMN,
    NON_NEGATIVE_FEATURES,
    NUMERIC_FEATURES,
    ORDER_FEATURES,
    label_horizon_days,
    labels,
    load_churn_features,
    model_input,
)
from python_jobs.terminal import print_rows

PRIMARY_METRIC = "roc_auc"
IMPORTANCE_MAX_ROWS = 1000
IMPORTANCE_REPEATS = 3
# Below these, a fit or an evaluation means nothing: the classifier needs min_samples_leaf (40)
# rows on each side of a split after early stopping holds out 15 %, and with fewer than 10 rows
# of a class, one row moves the evaluation's ROC AUC by more than 0.1.
MIN_TRAIN_ROWS = 200
MIN_CLASS_ROWS = 10
# the classifier's settings logged as run params (prefixed clf_)
LOGGED_CLASSIFIER_PARAMS = (
    "learning_rate",
    "max_iter",
    "max_leaf_nodes",
    "min_samples_leaf",
    "l2_regularization",
    "early_stopping",
    "random_state",
)


class LeakageError(RuntimeError):
    """The time split put an evaluation as-of date at or before a training as-of date."""


# --------------------------------------------------------------------------- time split


@dataclass(frozen=True)
class TimeSplit:
    train: pd.DataFrame
    eval: pd.DataFrame
    train_dates: list[pd.Timestamp]
    eval_date: pd.Timestamp
    purged_dates: list[pd.Timestamp]
    unlabelled_dates: list[pd.Timestamp]

    def describe(self) -> dict[str, Any]:
        """Row counts and date ranges, logged as MLflow params."""
        return {
            "train_rows": len(self.train),
            "eval_rows": len(self.eval),
            "train_as_of_dates": len(self.train_dates),
            "train_as_of_min": _day(min(self.train_dates)),
            "train_as_of_max": _day(max(self.train_dates)),
            "eval_as_of_date": _day(self.eval_date),
            "purged_as_of_dates": ",".join(_day(d) for d in self.purged_dates) or "none",
            "unlabelled_as_of_dates": ",".join(_day(d) for d in self.unlabelled_dates) or "none",
            "train_churn_rate": round(float(labels(self.train).mean()), 4),
            "eval_churn_rate": round(float(labels(self.eval).mean()), 4),
        }


def _day(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def time_split(frame: pd.DataFrame, *, purge_days: int = 60) -> TimeSplit:
    """Train on earlier labelled as-of dates, evaluate on the latest labelled one."""
    dates = pd.to_datetime(frame[DATE_COLUMN])
    labelled_mask = frame[LABEL_COLUMN].notna().to_numpy()
    labelled_dates = sorted(pd.unique(dates[labelled_mask]))
    unlabelled_dates = sorted(set(pd.unique(dates[~labelled_mask])) - set(labelled_dates))
    if not labelled_dates:
        raise ChurnJobError(
            "No as-of date of churn_features is labelled yet (is_churned is NULL everywhere: "
            "the churn window after every as-of date is still open). Train once the data "
            "covers the churn horizon after an as-of date, e.g. generate more days of history."
        )
    labelled = frame[labelled_mask]
    classes = set(labels(labelled).tolist())
    if len(classes) < 2:
        value = "true" if classes == {1} else "false"
        raise ChurnJobError(
            f"Every labelled row has is_churned = {value}: a single-class label cannot train "
            "a classifier. Check the churn_features build (churn_horizon_days, the orders "
            "feeding it) or generate a larger sample, then run dbt build again."
        )
    eval_date = pd.Timestamp(labelled_dates[-1])
    cutoff = eval_date - pd.Timedelta(days=purge_days)
    train_dates = [pd.Timestamp(d) for d in labelled_dates[:-1] if pd.Timestamp(d) <= cutoff]
    purged = [pd.Timestamp(d) for d in labelled_dates[:-1] if pd.Timestamp(d) > cutoff]
    if not train_dates:
        raise ChurnJobError(
            f"Cannot time-split: the latest labelled as-of date is {_day(eval_date)} and no "
            f"labelled as-of date lies at least {purge_days} days before it "
            f"(labelled: {', '.join(_day(d) for d in labelled_dates)}). Generate a longer "
            "history (e.g. `make run DAYS=365`) or lower C360_CHURN_PURGE_DAYS / --purge-days."
        )
    labelled_dates_col = dates[labelled_mask]
    split = TimeSplit(
        train=labelled[labelled_dates_col.isin(train_dates).to_numpy()].reset_index(drop=True),
        eval=labelled[(labelled_dates_col == eval_date).to_numpy()].reset_index(drop=True),
        train_dates=train_dates,
        eval_date=eval_date,
        purged_dates=purged,
        unlabelled_dates=[pd.Timestamp(d) for d in unlabelled_dates],
    )
    assert_no_leakage(split)
    for name, part, min_rows in (
        ("training", split.train, MIN_TRAIN_ROWS),
        ("evaluation", split.eval, 2 * MIN_CLASS_ROWS),
    ):
        churned = int(labels(part).sum())
        retained = len(part) - churned
        if len(part) < min_rows or min(churned, retained) < MIN_CLASS_ROWS:
            raise ChurnJobError(
                f"Too few {name} rows to {'train' if name == 'training' else 'evaluate'} the "
                f"churn model: {len(part)} rows ({churned} churned, {retained} retained) where "
                f"at least {min_rows} with {MIN_CLASS_ROWS} of each class are needed; load more "
                "customers or a longer history and run dbt build again."
            )
    return split


@dataclass(frozen=True)
class FeatureSelection:
    """The feature columns the model learns from, and those left out with the reason."""

    numeric: list[str]
    categorical: list[str]
    all_null: list[str]
    single_value: list[str]

    @property
    def dropped(self) -> list[str]:
        return [c for c in FEATURES if c in self.all_null or c in self.single_value]

    def reasons(self) -> str:
        """Which columns were left out and why, e.g. ``null in every training row: tier``."""
        parts = []
        if self.all_null:
            parts.append(f"null in every training row: {', '.join(self.all_null)}")
        if self.single_value:
            parts.append(f"a single value in every training row: {', '.join(self.single_value)}")
        return "; ".join(parts)

    def note(self) -> str:
        return (
            f"Left {len(self.dropped)} of {len(FEATURES)} feature columns out of the model "
            f"({self.reasons()})."
        )


def select_features(x_train: pd.DataFrame) -> FeatureSelection:
    """Every feature column with more than one value (null counting as one) in the training
    rows; raises the sentence when none is left."""
    all_null = [c for c in FEATURES if x_train[c].isna().all()]
    single_value = [
        c for c in FEATURES if c not in all_null and x_train[c].nunique(dropna=False) <= 1
    ]
    selection = FeatureSelection(
        numeric=[c for c in NUMERIC_FEATURES if c not in all_null + single_value],
        categorical=[c for c in CATEGORICAL_FEATURES if c not in all_null + single_value],
        all_null=all_null,
        single_value=single_value,
    )
    if not selection.numeric and not selection.categorical:
        raise ChurnJobError(
            f"No feature column of churn_features has anything to learn from: in the "
            f"{len(x_train):,} training rows every one of the {len(FEATURES)} features is null "
            f"or a single value ({selection.reasons()}); check that the "
            "orders, web sessions, support tickets and CRM customers landed and run dbt build "
            "again."
        )
    return selection


def assert_no_leakage(split: TimeSplit) -> None:
    """Every training as-of date is strictly before every evaluation as-of date."""
    train_max = pd.to_datetime(split.train[DATE_COLUMN]).max()
    eval_min = pd.to_datetime(split.eval[DATE_COLUMN]).min()
    if not train_max < eval_min:
        raise LeakageError(
            f"Time split leaks: a training as-of date ({_day(train_max)}) is not before the "
            f"evaluation as-of date ({_day(eval_min)})."
        )


# --------------------------------------------------------------------------- model


def build_pipeline(
    random_state: int = 42,
    numeric_features: list[str] | None = None,
    categorical_features: list[str] | None = None,
) -> Pipeline:
    """The preprocessing and classifier on the given feature columns (default: all of them);
    other columns of the input are ignored."""
    numeric_features = list(NUMERIC_FEATURES if numeric_features is None else numeric_features)
    categorical_features = list(
        CATEGORICAL_FEATURES if categorical_features is None else categorical_features
    )
    numeric = Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", add_indicator=True)),
            ("scale", StandardScaler()),
        ]
    )
    # A category is compared as lower-case text, so that a caller of the served model who
    # sends a churn_features row (JSON true/false/null for has_marketing_consent) gets the
    # category that model_input's "true"/"false" trained. Only numpy and scikit-learn
    # functions: the pickled model loads where python_jobs is not installed (model serving).
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="missing")),
            (
                "impute_none",
                SimpleImputer(missing_values=None, strategy="constant", fill_value="missing"),
            ),
            (
                "text",
                FunctionTransformer(
                    np.asarray, kw_args={"dtype": str}, feature_names_out="one-to-one"
                ),
            ),
            ("lower", FunctionTransformer(np.strings.lower, feature_names_out="one-to-one")),
            (
                "onehot",
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist", min_frequency=20, sparse_output=False
                ),
            ),
        ]
    )
    groups = [
        ("numeric", numeric, numeric_features),
        ("categorical", categorical, categorical_features),
    ]
    preprocess = ColumnTransformer(
        [group for group in groups if group[2]], verbose_feature_names_out=False
    )
    classifier = HistGradientBoostingClassifier(
        learning_rate=0.1,
        max_iter=200,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=True,
        validation_fraction=0.15,
        n_iter_no_change=20,
        random_state=random_state,
    )
    # refuses rows that cannot be churn_features rows (python_jobs/churn/validation.py)
    check = validation.FeatureRowCheck(
        non_negative=NON_NEGATIVE_FEATURES,
        required=ORDER_FEATURES,
        booleans=("has_marketing_consent",),
    )
    return Pipeline([("check", check), ("preprocess", preprocess), ("classifier", classifier)])


def lift_at(y_true: np.ndarray, proba: np.ndarray, fraction: float = 0.1) -> float:
    """Churn rate among the ``fraction`` highest scores divided by the overall churn rate."""
    y_true = np.asarray(y_true)
    base_rate = y_true.mean()
    if base_rate == 0:
        return float("nan")
    k = max(1, math.ceil(len(y_true) * fraction))
    top = np.argsort(-np.asarray(proba), kind="stable")[:k]
    return float(y_true[top].mean() / base_rate)


def evaluate(y_true: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    return {
        "roc_auc": float(roc_auc_score(y_true, proba)),
        "pr_auc": float(average_precision_score(y_true, proba)),
        "brier": float(brier_score_loss(y_true, proba)),
        "lift_top_decile": lift_at(y_true, proba, 0.1),
        "eval_base_rate": float(np.mean(y_true)),
    }


# --------------------------------------------------------------------------- plots


def _figure(width: float = 6.0, height: float = 5.0) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)  # render with Agg: no display, no pyplot state
    return fig


def roc_figure(y_true: np.ndarray, proba: np.ndarray, auc: float) -> Figure:
    fpr, tpr, _ = roc_curve(y_true, proba)
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot(fpr, tpr, label=f"model (AUC = {auc:.3f})")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="random")
    ax.set(xlabel="False positive rate", ylabel="True positive rate", title="ROC curve")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def pr_figure(y_true: np.ndarray, proba: np.ndarray, ap: float) -> Figure:
    precision, recall, _ = precision_recall_curve(y_true, proba)
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot(recall, precision, label=f"model (AP = {ap:.3f})")
    ax.axhline(np.mean(y_true), linestyle="--", color="grey", label="base rate")
    ax.set(xlabel="Recall", ylabel="Precision", title="Precision-recall curve", ylim=(0, 1.02))
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def feature_importance(
    pipeline: Pipeline, x: pd.DataFrame, y: np.ndarray, random_state: int = 42
) -> pd.DataFrame:
    """Permutation importance (drop in ROC AUC) of each input column on the evaluation set."""
    if len(x) > IMPORTANCE_MAX_ROWS:
        rng = np.random.default_rng(random_state)
        keep = np.sort(rng.choice(len(x), IMPORTANCE_MAX_ROWS, replace=False))
        x, y = x.iloc[keep], y[keep]
    result = permutation_importance(
        pipeline,
        x,
        y,
        scoring="roc_auc",
        n_repeats=IMPORTANCE_REPEATS,
        random_state=random_state,
        n_jobs=1,
    )
    return (
        pd.DataFrame(
            {
                "feature": list(x.columns),
                "importance_mean": result.importances_mean,
                "importance_std": result.importances_std,
            }
        )
        .sort_values("importance_mean", ascending=False)
        .reset_index(drop=True)
    )


def importance_figure(importance: pd.DataFrame) -> Figure:
    data = importance.iloc[::-1]
    fig = _figure(7.0, 0.35 * len(data) + 1.5)
    ax = fig.add_subplot()
    ax.barh(data["feature"], data["importance_mean"], xerr=data["importance_std"])
    ax.set(xlabel="Drop in ROC AUC when shuffled", title="Permutation feature importance")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- MLflow


@dataclass
class TrainResult:
    run_id: str
    experiment_id: str
    model_uri: str
    metrics: dict[str, float]
    split: TimeSplit
    eval_input: pd.DataFrame
    eval_labels: np.ndarray
    pipeline: Pipeline
    data_info: dict[str, Any] = field(default_factory=dict)
    importance: pd.DataFrame | None = None


def _warehouse_source(settings: ChurnSettings, max_as_of_date: str) -> Any:
    from mlflow.data.dataset_source import DatasetSource

    class WarehouseTableSource(DatasetSource):
        """The gold table the frame was read from, with the newest as-of date it held."""

        def __init__(self, table: str, engine: str, max_as_of: str, location: str) -> None:
            self.table, self.engine, self.max_as_of, self.location = (
                table,
                engine,
                max_as_of,
                location,
            )

        @staticmethod
        def _get_source_type() -> str:
            return "warehouse_table"

        def load(self, **kwargs: Any) -> Any:
            raise NotImplementedError("read it with python_jobs.churn.data.load_churn_features")

        @staticmethod
        def _can_resolve(raw_source: Any) -> bool:
            return False

        @classmethod
        def _resolve(cls, raw_source: Any) -> DatasetSource:
            raise NotImplementedError

        def to_dict(self) -> dict[str, Any]:
            return {
                "uri": f"{self.table}@as_of<={self.max_as_of}",
                "table": self.table,
                "engine": self.engine,
                "max_as_of_date": self.max_as_of,
                "location": self.location,
            }

        @classmethod
        def from_dict(cls, source_dict: dict[Any, Any]) -> DatasetSource:
            return cls(
                source_dict["table"],
                source_dict["engine"],
                source_dict["max_as_of_date"],
                source_dict.get("location", ""),
            )

    location = str(settings.duckdb_path) if settings.engine == "duckdb" else "sql-warehouse"
    return WarehouseTableSource(
        settings.features_table or "", settings.engine, max_as_of_date, location
    )


def ensure_experiment(settings: ChurnSettings) -> str:
    """The experiment's id; a new one records ``settings.artifact_location`` (for a local
    store's own folder ``mlflow-artifacts:/``, which moves with the store). An experiment
    created by an earlier version keeps the absolute location it recorded."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient()
    name = settings.experiment_name or "customer360_churn"
    experiment = client.get_experiment_by_name(name)
    if experiment is not None:
        if experiment.lifecycle_stage == "deleted":
            client.restore_experiment(experiment.experiment_id)
        return experiment.experiment_id
    try:
        return client.create_experiment(name, artifact_location=settings.artifact_location)
    except MlflowException:
        experiment = client.get_experiment_by_name(name)  # created concurrently
        if experiment is None:
            raise
        return experiment.experiment_id


def _pip_requirements() -> list[str]:
    names = ["scikit-learn", "pandas", "numpy", "scipy", "cloudpickle"]
    return [f"{n}=={importlib.metadata.version(n)}" for n in names]


@contextmanager
def _progress(console: Console, show: bool) -> Iterator[Callable[[str], None]]:
    """A progress bar of the training's 7 steps; yields the function that starts the next."""
    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=console, disable=not show) as progress:
        task = progress.add_task("Loading churn_features", total=7)
        yield lambda description: progress.update(task, advance=1, description=description)


def _data_info(features: pd.DataFrame, split: TimeSplit, purge_days: int) -> dict:
    """The rows and as-of dates trained and evaluated on, logged as MLflow params."""
    as_of = pd.to_datetime(features[DATE_COLUMN])
    return {
        "features_rows": len(features),
        "features_as_of_min": _day(as_of.min()),
        "features_as_of_max": _day(as_of.max()),
        "purge_days": purge_days,
        **split.describe(),
    }


def _run_tags(settings: ChurnSettings, max_as_of: str, split: TimeSplit) -> dict[str, Any]:
    """The run's MLflow tags: the table and as-of dates it was trained on, and the job."""
    return {
        "data.table": settings.features_table,
        "data.max_as_of_date": max_as_of,
        "data.eval_as_of_date": _day(split.eval_date),
        "data.engine": settings.engine,
        "job": "python_jobs.churn.train",
    }


def _run_params(
    pipeline: Pipeline, selection: FeatureSelection, settings: ChurnSettings, data_info: dict
) -> dict[str, Any]:
    """The run's MLflow params: the classifier's settings, the features, the data."""
    classifier = pipeline.named_steps["classifier"].get_params()
    return {
        "model_family": "HistGradientBoostingClassifier",
        **{f"clf_{k}": v for k, v in classifier.items() if k in LOGGED_CLASSIFIER_PARAMS},
        "numeric_features": len(selection.numeric),
        "categorical_features": len(selection.categorical),
        "dropped_features": ",".join(selection.dropped) or "none",
        "source_table": settings.features_table,
        "engine": settings.engine,
        **data_info,
    }


def _log_datasets(
    settings: ChurnSettings,
    max_as_of: str,
    train: tuple[pd.DataFrame, np.ndarray],
    evaluation: tuple[pd.DataFrame, np.ndarray],
) -> Any:
    """Log the training and evaluation rows as the run's inputs; returns the evaluation
    dataset (the metrics are logged against it)."""
    import mlflow

    source = _warehouse_source(settings, max_as_of)
    datasets = []
    for (x, y), name, context in (
        (train, "churn_features_train", "training"),
        (evaluation, "churn_features_eval", "evaluation"),
    ):
        dataset = mlflow.data.from_pandas(
            x.assign(**{LABEL_COLUMN: y.astype(bool)}),
            source=source,
            targets=LABEL_COLUMN,
            name=name,
        )
        datasets.append((dataset, context))
    for dataset, context in datasets:
        mlflow.log_input(dataset, context=context)
    return datasets[1][0]


def _log_plots(
    pipeline: Pipeline,
    x_eval: pd.DataFrame,
    y_eval: np.ndarray,
    proba: np.ndarray,
    metrics: dict[str, float],
    random_state: int,
) -> pd.DataFrame:
    """Log the ROC and precision-recall curves and the permutation importance (plot and
    CSV); returns the importance."""
    import mlflow

    mlflow.log_figure(roc_figure(y_eval, proba, metrics["roc_auc"]), "plots/roc_curve.png")
    mlflow.log_figure(
        pr_figure(y_eval, proba, metrics["pr_auc"]), "plots/precision_recall_curve.png"
    )
    importance = feature_importance(pipeline, x_eval, y_eval, random_state)
    mlflow.log_figure(importance_figure(importance), "plots/feature_importance.png")
    mlflow.log_text(importance.to_csv(index=False), "feature_importance.csv")
    return importance


def _log_model(pipeline: Pipeline, x_eval: pd.DataFrame, split: TimeSplit) -> Any:
    """Log the fitted pipeline as the run's model (predict_proba, with signature and
    example); returns MLflow's model info."""
    import cloudpickle
    import mlflow
    from mlflow.models import infer_signature

    example = x_eval.head(5)
    signature = infer_signature(example, pipeline.predict_proba(example))
    # the input check's code travels inside the pickle: serving needs no python_jobs
    cloudpickle.register_pickle_by_value(validation)
    try:
        return mlflow.sklearn.log_model(
            pipeline,
            name="model",
            signature=signature,
            input_example=example,
            pyfunc_predict_fn="predict_proba",
            serialization_format="cloudpickle",
            pip_requirements=_pip_requirements(),
            metadata={"features": list(FEATURES), "eval_as_of_date": _day(split.eval_date)},
        )
    finally:
        cloudpickle.unregister_pickle_by_value(validation)


def train_churn_model(
    settings: ChurnSettings,
    features: pd.DataFrame | None = None,
    *,
    console: Console | None = None,
    show_progress: bool = True,
) -> TrainResult:
    """Load (unless ``features`` is given), split, fit, evaluate and log one MLflow run."""
    import mlflow

    console = console or Console()
    with limited_threads(settings.n_threads), _progress(console, show_progress) as step:
        if features is None:
            features = load_churn_features(settings)
        if features.empty:
            raise ChurnJobError(
                "The churn_features frame is empty: there is nothing to train on. "
                "Load landing data and run dbt build again (e.g. `make run`)."
            )
        step("Splitting by as-of date")
        horizon = label_horizon_days(features)
        purge_days = horizon if settings.purge_days is None else settings.purge_days
        if purge_days < horizon:
            console.print(
                f"[yellow]Note:[/yellow] a gap of {purge_days} days is shorter than the labels'"
                f" window of {horizon} days: training labels count orders placed after the"
                " evaluation date, so the evaluation flatters the model.",
                highlight=False,
                soft_wrap=True,
            )
        split = time_split(features, purge_days=purge_days)
        data_info = _data_info(features, split, purge_days)
        max_as_of = data_info["features_as_of_max"]
        x_train, y_train = model_input(split.train), labels(split.train)
        x_eval, y_eval = model_input(split.eval), labels(split.eval)
        selection = select_features(x_train)
        if selection.dropped:
            console.print(
                f"[yellow]Note:[/yellow] {selection.note()}", highlight=False, soft_wrap=True
            )

        step("Opening the MLflow experiment")
        configure_mlflow(settings)
        experiment_id = ensure_experiment(settings)
        pipeline = build_pipeline(settings.random_state, selection.numeric, selection.categorical)
        run_name = f"churn-eval-{_day(split.eval_date)}"
        with mlflow.start_run(experiment_id=experiment_id, run_name=run_name) as run:
            mlflow.set_tags(_run_tags(settings, max_as_of, split))
            mlflow.log_params(_run_params(pipeline, selection, settings, data_info))
            eval_ds = _log_datasets(settings, max_as_of, (x_train, y_train), (x_eval, y_eval))

            step(f"Fitting on {len(x_train):,} rows")
            pipeline.fit(x_train, y_train)
            mlflow.log_param("clf_n_iter", int(pipeline.named_steps["classifier"].n_iter_))

            step(f"Evaluating on {len(x_eval):,} rows of {_day(split.eval_date)}")
            proba = pipeline.predict_proba(x_eval)[:, 1]
            metrics = evaluate(y_eval, proba)
            train_auc = float(roc_auc_score(y_train, pipeline.predict_proba(x_train)[:, 1]))

            step("Plotting curves and permutation importance")
            importance = _log_plots(pipeline, x_eval, y_eval, proba, metrics, settings.random_state)

            step("Logging the model")
            model_info = _log_model(pipeline, x_eval, split)
            mlflow.log_metrics(metrics, model_id=model_info.model_id, dataset=eval_ds)
            mlflow.log_metric("train_roc_auc", train_auc)
            step("Done")

    return TrainResult(
        run_id=run.info.run_id,
        experiment_id=experiment_id,
        model_uri=model_info.model_uri,
        metrics={**metrics, "train_roc_auc": train_auc},
        split=split,
        eval_input=x_eval,
        eval_labels=y_eval,
        pipeline=pipeline,
        data_info=data_info,
        importance=importance,
    )


def print_training_summary(
    result: TrainResult,
    settings: ChurnSettings,
    console: Console,
    decision: Any | None = None,
) -> None:
    """Run id, metrics, the registry decision and how to open the MLflow UI (each line whole,
    to paste)."""
    info = result.data_info
    rows = [(name, f"{value:.4f}") for name, value in result.metrics.items()]
    rows += [
        ("train rows / as-of dates", f"{info['train_rows']:,} / {info['train_as_of_dates']}"),
        ("eval rows", f"{info['eval_rows']:,}"),
    ]
    title = f"Churn model, evaluated on {_day(result.split.eval_date)}"
    print_rows(console, ("metric", "value"), rows, title=title, right=(1,))
    console.print(
        f"MLflow run id: [bold]{result.run_id}[/bold] "
        f"(experiment {escape(settings.experiment_name or '')})",
        soft_wrap=True,
    )
    if decision is not None:
        console.print(decision.summary(), soft_wrap=True)
    console.print(f"Open the UI: [bold]{escape(ui_command(settings))}[/bold]", soft_wrap=True)
