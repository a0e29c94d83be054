"""Score churn_features rows with the champion model.

``load_champion(name)`` loads ``models:/<name>@champion``; ``score_frame(features, model)``
adds ``churn_probability``, ``risk_band`` and ``model_version``. The dbt Python model
``models/gold/ml/churn_scores.py`` uses both, and reports their ``ChurnJobError`` (no champion,
features that do not fit) as a ``ScoringStopped``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from python_jobs.churn.config import (
    ChurnJobError,
    ChurnSettings,
    limited_threads,
)
from python_jobs.churn.data import model_input

# risk_band: low below 0.3, medium below 0.6, high from 0.6.
BAND_EDGES = (0.3, 0.6)
BANDS = ("low", "medium", "high")


class ScoringStopped(Exception):
    """A ``ChurnJobError`` leaving the dbt Python model churn_scores: reported as its sentence.

    dbt-duckdb reports a failed Python model as ``traceback.format_exception(error)``, which
    reads ``error.__traceback__``: this error answers None there, so the report is the sentence
    alone. The interpreter and ``sys.exc_info()`` still see the real traceback. Raised only
    from churn_scores, where nothing but dbt formats it (a test that lets it escape trips
    pytest's own check that a failure has a traceback: catch it with ``pytest.raises``).
    """

    @property
    def __traceback__(self) -> None:  # type: ignore[override]
        return None

    @__traceback__.setter
    def __traceback__(self, value: object) -> None:
        pass  # the interpreter records the real traceback directly, not through this


@dataclass
class ChampionModel:
    """A loaded registered model version and where it came from."""

    name: str
    version: str
    model: Any  # a fitted sklearn Pipeline with predict_proba
    run_id: str | None = None
    alias: str = "champion"
    n_threads: int = 1

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(x)


def load_champion(
    name: str | None = None,
    *,
    settings: ChurnSettings | None = None,
    tracking_uri: str | None = None,
    registry_uri: str | None = None,
) -> ChampionModel:
    """Load the version behind ``models:/<name>@champion`` (defaults from the settings)."""
    import mlflow
    from mlflow.exceptions import MlflowException

    from python_jobs.churn.registry import CHAMPION, TRAIN_FIRST, champion_version

    settings = settings or ChurnSettings.from_env(
        model_name=name, tracking_uri=tracking_uri, registry_uri=registry_uri
    )
    name = name or settings.model_name or ""
    champion = champion_version(settings, name=name)
    if champion is None:
        raise ChurnJobError(
            f"No champion model to score with: {name} has no @{CHAMPION} in "
            f"{settings.registry_uri}; {TRAIN_FIRST}."
        )
    client, version = champion
    # Load the version the alias resolved to, so name, version and model always agree.
    try:
        model = mlflow.sklearn.load_model(f"models:/{name}/{version}")
    except (OSError, MlflowException) as exc:
        raise ChurnJobError(
            f"The champion {name} v{version} cannot be loaded from its artifacts "
            f"({type(exc).__name__}: {str(exc).splitlines()[0][:300]}); restore the store's "
            "artifacts folder, or run `python -m python_jobs train` to register a new champion."
        ) from exc
    run_id = client.get_model_version(name, version).run_id
    return ChampionModel(
        name=name, version=version, model=model, run_id=run_id, n_threads=settings.n_threads
    )


def risk_band(probability: Any) -> np.ndarray:
    """'low' below 0.3, 'medium' below 0.6, 'high' otherwise."""
    p = np.asarray(probability, dtype="float64")
    index = np.digitize(p, BAND_EDGES, right=False)
    return np.asarray(BANDS, dtype=object)[index]


def score_frame(
    features: pd.DataFrame, model: Any, *, model_version: str | None = None
) -> pd.DataFrame:
    """``features`` plus churn_probability, risk_band and model_version.

    ``model`` is a ``ChampionModel`` (its version is used) or any fitted estimator with
    ``predict_proba`` (pass ``model_version`` then, or it stays null).
    """
    out = features.copy()
    n_threads = 1
    if isinstance(model, ChampionModel):
        model_version = model_version or model.version
        n_threads = model.n_threads
    if out.empty:
        out["churn_probability"] = pd.Series(dtype="float64")
        out["risk_band"] = pd.Series(dtype=object)
        out["model_version"] = pd.Series(dtype=object)
        return out
    with limited_threads(n_threads):
        proba = np.asarray(model.predict_proba(model_input(out)))[:, 1].astype("float64")
    out["churn_probability"] = proba
    out["risk_band"] = risk_band(proba)
    out["model_version"] = None if model_version is None else str(model_version)
    return out
