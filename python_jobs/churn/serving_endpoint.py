"""The Databricks serving endpoint of the churn model (resources/churn_serving.yml): which
versions it serves and how it splits the requests.

The endpoint serves two versions of the Unity Catalog model side by side, "champion" and
"challenger", and routes ``churn_serving_challenger_percent`` of the requests to the challenger.
A bundle's variables cannot compute and cannot ask the registry, so at deploy time:

- ``serving_variables`` reads the resolved bundle (``databricks bundle validate -t <target>
  --output json``) for the served model and the challenger's share, asks the registry which
  versions the aliases ``@champion`` and ``@challenger`` point to, and returns the bundle
  variables to deploy with: both versions and the champion's share, 100 minus the
  challenger's (``python -m python_jobs serving-vars`` prints them as ``BUNDLE_VAR_<name>=``
  lines, for ``$GITHUB_ENV`` or ``set -a; . file``);
- ``check_endpoint`` refuses a resolved endpoint whose versions are not set, whose two served
  entities are not the same model, or whose routes do not name them once each with whole
  percents adding up to 100 (``python -m python_jobs serving-check``).

The versions are those of the deploy: a champion promoted by a later training reaches the
endpoint with the next deploy (docs/serving.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlflow import MlflowClient

ENDPOINT = "customer360_churn"  # the resource's key in the bundle
CHAMPION, CHALLENGER = "champion", "challenger"  # served entity names = registry aliases
CHALLENGER_PERCENT = "churn_serving_challenger_percent"
CHAMPION_PERCENT = "churn_serving_champion_percent"
VERSION_VARIABLE = {
    CHAMPION: "churn_serving_champion_version",
    CHALLENGER: "churn_serving_challenger_version",
}
SERVING_VARS = "python -m python_jobs serving-vars"


class ServingConfigError(Exception):
    """A serving endpoint that must not be deployed; the message says why and what to do."""


@dataclass(frozen=True)
class Split:
    """The served model, each entity's version and share of the requests."""

    model: str
    versions: dict[str, str]
    percents: dict[str, int]

    def describe(self) -> str:
        return ", ".join(
            f"{entity} v{self.versions[entity] or '?'} {self.percents[entity]} %"
            for entity in (CHAMPION, CHALLENGER)
        )


def endpoint_config(bundle: Mapping[str, Any]) -> Mapping[str, Any]:
    """The churn endpoint of a resolved bundle."""
    target = bundle.get("bundle", {}).get("target", "?")
    endpoints = bundle.get("resources", {}).get("model_serving_endpoints", {})
    if ENDPOINT not in endpoints:
        raise ServingConfigError(
            f"The bundle (target {target}) has no serving endpoint {ENDPOINT!r}: it is "
            "deployed on the staging and prod targets (resources/churn_serving.yml)."
        )
    return endpoints[ENDPOINT]


def percent(value: Any, what: str) -> int:
    """A whole percent from 0 to 100 (the bundle gives numbers, or strings of digits)."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) > 100:
        raise ServingConfigError(
            f"The {what} must be a whole percent from 0 to 100, not {value!r}."
        )
    return int(text)


def read_split(endpoint: Mapping[str, Any]) -> Split:
    """The endpoint's served model, versions and shares, checked for shape (not for the sum)."""
    config = endpoint.get("config") or {}
    entities = {entity.get("name"): entity for entity in config.get("served_entities") or []}
    if set(entities) != {CHAMPION, CHALLENGER} or len(config["served_entities"]) != 2:
        raise ServingConfigError(
            f"The endpoint must serve exactly two entities named {CHAMPION!r} and "
            f"{CHALLENGER!r}; it serves {sorted(map(str, entities))}."
        )
    models = {entity.get("entity_name") for entity in entities.values()}
    if len(models) != 1 or None in models:
        raise ServingConfigError(
            f"The {CHAMPION} and the {CHALLENGER} must be versions of one registered model; "
            f"they name {sorted(map(str, models))}."
        )
    routes = (config.get("traffic_config") or {}).get("routes") or []
    routed = [route.get("served_model_name") or route.get("served_entity_name") for route in routes]
    if sorted(map(str, routed)) != [CHALLENGER, CHAMPION]:
        raise ServingConfigError(
            f"The traffic config must route to {CHAMPION!r} and {CHALLENGER!r} once each; it "
            f"routes to {routed}."
        )
    percents = {
        name: percent(route.get("traffic_percentage"), f"traffic percentage of {name!r}")
        for name, route in zip(routed, routes, strict=True)
    }
    versions = {name: str(entities[name].get("entity_version") or "").strip() for name in entities}
    return Split(model=models.pop(), versions=versions, percents=percents)


def check_endpoint(bundle: Mapping[str, Any]) -> Split:
    """The split a resolved bundle would deploy; ``ServingConfigError`` if it must not."""
    split = read_split(endpoint_config(bundle))
    unset = [name for name, version in split.versions.items() if not version.isdigit()]
    if unset:
        raise ServingConfigError(
            f"The served version of {' and '.join(unset)} is not set "
            f"({', '.join(repr(split.versions[name]) for name in unset)}): deploy with the "
            f"variables `{SERVING_VARS}` writes from the registry's aliases."
        )
    total = sum(split.percents.values())
    if total != 100:
        raise ServingConfigError(
            f"The traffic split adds up to {total} %, not 100 % ({split.describe()}): set only "
            f"{CHALLENGER_PERCENT} and let `{SERVING_VARS}` write {CHAMPION_PERCENT}."
        )
    return split


def serving_variables(bundle: Mapping[str, Any], client: MlflowClient) -> dict[str, str]:
    """The bundle variables that serve the registry's @champion and @challenger now, with the
    bundle's challenger share and the champion's share making 100."""
    from python_jobs.churn.registry import alias_version

    split = read_split(endpoint_config(bundle))
    challenger_percent = split.percents[CHALLENGER]
    versions = {
        alias: alias_version(client, split.model, alias) for alias in (CHAMPION, CHALLENGER)
    }
    if versions[CHAMPION] is None:
        raise ServingConfigError(
            f"{split.model} has no @{CHAMPION} in the registry, so there is no version to serve: "
            "train once before the first deploy of the endpoint (docs/serving.md, first deploy)."
        )
    return {
        VERSION_VARIABLE[CHAMPION]: versions[CHAMPION],
        # every trained version is @challenger; without one, the champion serves both slots
        VERSION_VARIABLE[CHALLENGER]: versions[CHALLENGER] or versions[CHAMPION],
        CHAMPION_PERCENT: str(100 - challenger_percent),
        CHALLENGER_PERCENT: str(challenger_percent),
    }


def env_lines(variables: Mapping[str, str]) -> str:
    """``BUNDLE_VAR_<name>=<value>`` lines: the Databricks CLI reads them from the environment."""
    return "".join(f"BUNDLE_VAR_{name}={value}\n" for name, value in variables.items())
