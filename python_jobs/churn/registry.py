"""Register trained churn models and decide which one is the champion.

Every trained model becomes a new version of the registered model with the alias
``challenger``. It also gets the alias ``champion`` when there is no champion yet, or when it
beats the current champion on the *same* evaluation rows by more than the promotion margin
(``C360_CHURN_PROMOTION_MARGIN``, default 0.005 ROC AUC): the champion is loaded and re-scored
on this run's evaluation set, and the challenger's ROC AUC must exceed the champion's plus the
margin, so that noise (another row order, another thread count) does not pick the champion.
The decision, both scores, their difference, the margin and the champion's version are written
as tags (``promotion.*``) and as the description of the new version, and as tags on the run.

The same code serves the local sqlite registry (name ``customer360_churn``) and Unity
Catalog on Databricks (registry URI ``databricks-uc``, 3-level name
``<catalog>.gold.customer360_churn``); only the settings differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from python_jobs.churn.config import (
    ChurnJobError,
    ChurnSettings,
    configure_mlflow,
    limited_threads,
    local_store_missing,
)

if TYPE_CHECKING:
    from mlflow import MlflowClient
    from mlflow.entities.model_registry import ModelVersion

    from python_jobs.churn.train import TrainResult

CHAMPION = "champion"
CHALLENGER = "challenger"
COMPARE_METRIC = "roc_auc"
TAG_PREFIX = "promotion."
TRAIN_FIRST = "run `python -m python_jobs train` first"


@dataclass
class PromotionDecision:
    model_name: str
    version: str
    promoted: bool
    reason: str
    challenger_score: float
    champion_score: float | None = None
    champion_version: str | None = None
    margin: float = 0.0
    metric: str = COMPARE_METRIC
    eval_as_of_date: str = ""
    eval_rows: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    def tags(self) -> dict[str, str]:
        tags = {
            "decision": "promoted" if self.promoted else "not_promoted",
            "reason": self.reason,
            "metric": self.metric,
            "challenger_score": f"{self.challenger_score:.6f}",
            "champion_score": "none"
            if self.champion_score is None
            else f"{self.champion_score:.6f}",
            "champion_version": self.champion_version or "none",
            "gain": "none" if self.gain is None else f"{self.gain:.6f}",
            "margin": f"{self.margin:.6f}",
            "eval_as_of_date": self.eval_as_of_date,
            "eval_rows": str(self.eval_rows),
        }
        tags.update({k: f"{v:.6f}" for k, v in self.extra.items()})
        return {TAG_PREFIX + k: v for k, v in tags.items()}

    @property
    def gain(self) -> float | None:
        """Challenger score minus champion score (None without a scored champion)."""
        return None if self.champion_score is None else self.challenger_score - self.champion_score

    def description(self) -> str:
        champion = (
            "no champion before"
            if self.champion_version is None
            else f"champion v{self.champion_version}: "
            + ("not scored" if self.champion_score is None else f"{self.champion_score:.4f}")
        )
        verdict = "Promoted to @champion" if self.promoted else "Not promoted (stays @challenger)"
        return (
            f"Churn model evaluated on as-of date {self.eval_as_of_date} ({self.eval_rows} rows): "
            f"{self.metric} {self.challenger_score:.4f} ({champion}). {verdict}: {self.reason}."
        )

    def summary(self) -> str:
        head = (
            f"[bold green]v{self.version} is the new champion[/bold green]"
            if self.promoted
            else f"[bold yellow]v{self.version} is not promoted to champion[/bold yellow]"
        )
        return f"{head} of {self.model_name}: {self.reason}."


def client_for(settings: ChurnSettings) -> MlflowClient:
    from mlflow import MlflowClient

    configure_mlflow(settings)
    return MlflowClient(tracking_uri=settings.tracking_uri, registry_uri=settings.registry_uri)


def alias_version(client: MlflowClient, name: str, alias: str) -> str | None:
    """The version an alias points to; None when the model or the alias does not exist."""
    from mlflow.exceptions import MlflowException

    try:
        model = client.get_registered_model(name)
    except MlflowException as exc:
        if exc.error_code in {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"}:
            return None
        raise
    version = (model.aliases or {}).get(alias)
    return None if version is None else str(version)


def _score_version(
    name: str, version: str, x: Any, y: np.ndarray, n_threads: int
) -> tuple[float, float]:
    import mlflow

    model = mlflow.sklearn.load_model(f"models:/{name}/{version}")
    with limited_threads(n_threads):
        proba = model.predict_proba(x)[:, 1]
    return float(roc_auc_score(y, proba)), float(average_precision_score(y, proba))


def register_and_promote(
    result: TrainResult, settings: ChurnSettings, *, client: MlflowClient | None = None
) -> PromotionDecision:
    """Register ``result``'s model, alias it challenger, and promote it if it wins."""
    import mlflow

    client = client or client_for(settings)
    name = settings.model_name or ""
    champion_version = alias_version(client, name, CHAMPION)

    new = mlflow.register_model(result.model_uri, name)
    version = str(new.version)
    client.set_registered_model_alias(name, CHALLENGER, version)

    challenger_score = float(result.metrics[COMPARE_METRIC])
    extra = {"challenger_pr_auc": float(result.metrics["pr_auc"])}
    champion_score: float | None = None
    if champion_version is None:
        promoted, reason = True, "first model: there was no champion"
    else:
        try:
            champion_score, champion_pr = _score_version(
                name, champion_version, result.eval_input, result.eval_labels, settings.n_threads
            )
        except Exception as exc:  # the champion cannot score the current features
            promoted = False
            reason = (
                f"the champion v{champion_version} could not be re-scored on this evaluation "
                f"set ({type(exc).__name__}: {str(exc)[:200]}); promote by hand if intended"
            )
        else:
            extra["champion_pr_auc"] = champion_pr
            gain = challenger_score - champion_score
            promoted = gain > settings.promotion_margin
            relation = "more" if promoted else "not more"
            reason = (
                f"{COMPARE_METRIC} {challenger_score:.4f} against champion v{champion_version}'s "
                f"{champion_score:.4f} on the same evaluation rows: a gain of {gain:+.4f}, "
                f"{relation} than the promotion margin {settings.promotion_margin:.4f}"
            )

    decision = PromotionDecision(
        model_name=name,
        version=version,
        promoted=promoted,
        reason=reason,
        challenger_score=challenger_score,
        champion_score=champion_score,
        champion_version=champion_version,
        margin=settings.promotion_margin,
        eval_as_of_date=result.split.eval_date.strftime("%Y-%m-%d"),
        eval_rows=len(result.eval_labels),
        extra=extra,
    )
    for key, value in decision.tags().items():
        client.set_model_version_tag(name, version, key, value)
        client.set_tag(result.run_id, key, value)
    client.update_model_version(name, version, description=decision.description())
    if promoted:
        client.set_registered_model_alias(name, CHAMPION, version)
        if champion_version is not None:
            client.set_model_version_tag(
                name, champion_version, TAG_PREFIX + "superseded_by_version", version
            )
    return decision


@dataclass
class ChampionInfo:
    model_name: str
    version: str
    run_id: str | None
    metrics: dict[str, float]
    tags: dict[str, str]
    description: str
    aliases: list[str]


def champion_version(
    settings: ChurnSettings, *, name: str | None = None, client: MlflowClient | None = None
) -> tuple[MlflowClient, str] | None:
    """The registry client and the version ``@champion`` of the model points to.

    The model is ``name``, else the settings' model. None when there is no champion, or no
    local store yet (which is not created just to look).
    """
    if client is None and local_store_missing(settings):
        return None
    client = client or client_for(settings)
    version = alias_version(client, name or settings.model_name or "", CHAMPION)
    return None if version is None else (client, version)


def champion_info(settings: ChurnSettings, *, client: MlflowClient | None = None) -> ChampionInfo:
    """The current champion's version, its run's metrics and its promotion tags."""
    name = settings.model_name or ""
    champion = champion_version(settings, client=client)
    if champion is None:
        raise ChurnJobError(
            f"The registered model {name} has no @{CHAMPION} in {settings.registry_uri}: "
            f"{TRAIN_FIRST}."
        )
    client, version = champion
    mv: ModelVersion = client.get_model_version(name, version)
    metrics: dict[str, float] = {}
    if mv.run_id:
        metrics = dict(client.get_run(mv.run_id).data.metrics)
    return ChampionInfo(
        model_name=name,
        version=version,
        run_id=mv.run_id,
        metrics=metrics,
        tags=dict(mv.tags or {}),
        description=mv.description or "",
        aliases=list(getattr(mv, "aliases", []) or []),
    )
