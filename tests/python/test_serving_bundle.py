"""Offline checks of the churn serving endpoint in the asset bundle (resources/churn_serving.yml)
and of the deploy step that fills in its versions (python_jobs.churn.serving_endpoint).

No workspace and no network: the bundle is resolved as tests/python/test_deploy.py resolves it
(its helpers, imported), plus what resources/churn_serving.yml adds for a target (its variables
and its target-level resources, which test_deploy's resolver does not read); the endpoint then
loads into the typed class of the `databricks-bundles` package. The registry of the deploy step
is a local MLflow store holding a model under the Unity Catalog name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from databricks.bundles.jobs import Job
from databricks.bundles.model_serving_endpoints import ModelServingEndpoint
from test_deploy import (
    REFERENCE,
    REPO,
    SAMPLE_USER,
    TARGETS,
    bundle_files,
    deep_merge,
    job_settings,
    read_yaml,
    resolve_bundle,
    substitute,
    workflow,
)
from typer.testing import CliRunner

from python_jobs.churn.serving_endpoint import (
    CHALLENGER_PERCENT,
    CHAMPION_PERCENT,
    ENDPOINT,
    VERSION_VARIABLE,
    ServingConfigError,
    check_endpoint,
    env_lines,
    serving_variables,
)
from python_jobs.cli import app

SERVING_FILE = REPO / "resources" / "churn_serving.yml"
SHARED = ("staging", "prod")
VERSIONS = {
    VERSION_VARIABLE["champion"]: "7",
    VERSION_VARIABLE["challenger"]: "8",
}


def serving_bundle(target: str, **given: Any) -> dict[str, Any]:
    """The bundle of `target` as `databricks bundle validate -t <target> --output json` would
    show the parts checked here, with `given` as --var / BUNDLE_VAR_* values (strings, as the
    CLI reads them) of the variables resources/churn_serving.yml declares."""
    bundle = resolve_bundle(target)
    document = read_yaml(SERVING_FILE)
    declared = document["variables"]
    assert not set(declared) & set(bundle["variables"]), "a serving variable is declared twice"
    assert not set(given) - set(declared), f"undeclared {set(given) - set(declared)}"
    root, _ = bundle_files()
    in_target = root["targets"][target].get("variables", {})
    own = {name: in_target.get(name, spec["default"]) for name, spec in declared.items()}
    own.update({name: str(value) for name, value in given.items()})
    lookup = {
        "bundle.name": bundle["bundle"]["name"],
        "bundle.target": target,
        "workspace.current_user.userName": SAMPLE_USER["userName"],
        "workspace.current_user.short_name": SAMPLE_USER["short_name"],
        **{f"var.{name}": value for name, value in {**bundle["variables"], **own}.items()},
    }
    resources = ((document.get("targets") or {}).get(target) or {}).get("resources", {})
    return {
        **bundle,
        "variables": {**bundle["variables"], **own},
        "resources": deep_merge(bundle["resources"], substitute(resources, lookup)),
    }


def endpoint(bundle: dict[str, Any]) -> dict[str, Any]:
    return bundle["resources"]["model_serving_endpoints"][ENDPOINT]


def training_model_name(bundle: dict[str, Any]) -> str:
    """The --model-name the daily job's training task registers the model under."""
    job = Job.from_dict(job_settings(bundle))
    [train] = [task for task in job.tasks if task.python_wheel_task]
    [name] = [p.split("=", 1)[1] for p in train.python_wheel_task.parameters if "--model-name" in p]
    return name


# --------------------------------------------------------------------------- the resource


def test_the_endpoint_is_deployed_on_the_shared_targets_only():
    assert "model_serving_endpoints" not in serving_bundle("dev")["resources"]
    for target in SHARED:
        assert endpoint(serving_bundle(target))["name"] == f"customer360-churn-{target}"
    # the file only adds variables and target resources: test_deploy's checks see the rest
    assert set(read_yaml(SERVING_FILE)) == {"variables", "targets"}
    assert set(read_yaml(SERVING_FILE)["targets"]) == set(SHARED) < set(TARGETS)


@pytest.mark.parametrize("target", SHARED)
def test_the_endpoint_loads_into_the_typed_class(target):
    config = endpoint(serving_bundle(target, **VERSIONS))
    typed = ModelServingEndpoint.from_dict(config)  # rejects unknown keys
    # Nothing was dropped on the way in; a percent read from a variable is a string, which the
    # typed class (as the CLI) makes the integer the API takes.
    routes = config["config"]["traffic_config"]["routes"]
    assert [route["traffic_percentage"] for route in routes] == ["90", "10"]
    for route in routes:
        route["traffic_percentage"] = int(route["traffic_percentage"])
    assert typed.as_dict() == config
    assert not REFERENCE.search(json.dumps(config))


@pytest.mark.parametrize("target", SHARED)
def test_champion_and_challenger_of_the_model_the_daily_job_registers(target):
    bundle = serving_bundle(target, **VERSIONS)
    config = endpoint(bundle)["config"]
    served = {entity["name"]: entity for entity in config["served_entities"]}
    assert set(served) == {"champion", "challenger"}
    variables = bundle["variables"]
    model = f"{variables['catalog']}.{variables['gold_schema']}.customer360_churn"
    assert model == training_model_name(bundle)
    assert {entity["entity_name"] for entity in served.values()} == {model}
    assert (served["champion"]["entity_version"], served["challenger"]["entity_version"]) == (
        "7",
        "8",
    )
    for entity in served.values():
        assert entity["scale_to_zero_enabled"] is True and entity["workload_size"] == "Small"
    routes = {route["served_model_name"]: route for route in config["traffic_config"]["routes"]}
    assert set(routes) == set(served)


@pytest.mark.parametrize("target", SHARED)
def test_every_request_is_logged_to_an_inference_table_in_the_gold_schema(target):
    bundle = serving_bundle(target, **VERSIONS)
    config = endpoint(bundle)
    assert config["ai_gateway"]["inference_table_config"] == {
        "enabled": True,
        "catalog_name": bundle["variables"]["catalog"],
        "schema_name": bundle["variables"]["gold_schema"],
        "table_name_prefix": "customer360_churn_serving",
    }
    # the legacy (deprecated) inference table is not configured besides it
    assert "auto_capture_config" not in config["config"]


# --------------------------------------------------------------------------- the split


@pytest.mark.parametrize("target", SHARED)
def test_the_default_split_is_90_10_once_the_versions_are_given(target):
    with pytest.raises(ServingConfigError, match=r"not set .*serving-vars"):
        check_endpoint(serving_bundle(target))  # the versions are the deploy step's
    split = check_endpoint(serving_bundle(target, **VERSIONS))
    assert split.percents == {"champion": 90, "challenger": 10}
    assert split.versions == {"champion": "7", "challenger": "8"}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({CHAMPION_PERCENT: 95}, "adds up to 105 %, not 100 %"),
        ({CHALLENGER_PERCENT: 50}, "adds up to 140 %"),
        ({CHALLENGER_PERCENT: 101, CHAMPION_PERCENT: 0}, "whole percent from 0 to 100"),
        ({CHALLENGER_PERCENT: "-5"}, "whole percent from 0 to 100"),
        ({CHALLENGER_PERCENT: "12.5"}, "whole percent from 0 to 100"),
        ({VERSION_VARIABLE["challenger"]: ""}, "challenger is not set"),
        ({VERSION_VARIABLE["champion"]: "latest"}, "champion is not set"),
    ],
)
def test_a_split_that_does_not_add_up_or_a_missing_version_is_refused(given, message):
    with pytest.raises(ServingConfigError, match=message):
        check_endpoint(serving_bundle("prod", **{**VERSIONS, **given}))


def test_the_check_reads_routes_and_entities_not_their_order():
    bundle = serving_bundle("prod", **VERSIONS)
    config = endpoint(bundle)["config"]
    config["traffic_config"]["routes"].reverse()
    assert check_endpoint(bundle).percents == {"champion": 90, "challenger": 10}
    config["served_entities"][1]["entity_name"] = "customer360_prod.gold.another_model"
    with pytest.raises(ServingConfigError, match="versions of one registered model"):
        check_endpoint(bundle)
    with pytest.raises(ServingConfigError, match="has no serving endpoint"):
        check_endpoint(serving_bundle("dev"))


# --------------------------------------------------------------------------- the deploy step


@pytest.fixture
def registry(tmp_path, monkeypatch):
    """A local MLflow store with the prod model's Unity Catalog name: versions 1-3,
    @champion = 2, @challenger = 3 (as after a training that was not promoted)."""
    from mlflow import MlflowClient

    for name in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI"):
        monkeypatch.delenv(name, raising=False)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    model = training_model_name(resolve_bundle("prod"))
    client.create_registered_model(model)
    for _ in range(3):
        client.create_model_version(model, source=str(tmp_path / "model"))
    client.set_registered_model_alias(model, "champion", "2")
    client.set_registered_model_alias(model, "challenger", "3")
    return client, uri, model


def test_serving_vars_serve_the_aliases_with_a_split_of_100(registry):
    client, _, _ = registry
    variables = serving_variables(serving_bundle("prod", **{CHALLENGER_PERCENT: 25}), client)
    assert variables == {
        VERSION_VARIABLE["champion"]: "2",
        VERSION_VARIABLE["challenger"]: "3",
        CHAMPION_PERCENT: "75",
        CHALLENGER_PERCENT: "25",
    }
    # deployed with these values (BUNDLE_VAR_*), the endpoint passes the check
    split = check_endpoint(serving_bundle("prod", **variables))
    assert split.versions == {"champion": "2", "challenger": "3"}
    assert split.percents == {"champion": 75, "challenger": 25}
    assert env_lines(variables).splitlines()[0] == "BUNDLE_VAR_churn_serving_champion_version=2"


def test_without_a_champion_there_is_nothing_to_serve(registry):
    client, _, model = registry
    client.delete_registered_model_alias(model, "champion")
    with pytest.raises(ServingConfigError, match=r"no @champion .* train once before the first"):
        serving_variables(serving_bundle("prod"), client)
    client.set_registered_model_alias(model, "champion", "2")
    client.delete_registered_model_alias(model, "challenger")
    variables = serving_variables(serving_bundle("prod"), client)
    assert variables[VERSION_VARIABLE["challenger"]] == "2"  # the champion fills both slots


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document))
    return path


def test_the_commands_of_the_deploy_step(registry, tmp_path):
    _, uri, _ = registry
    resolved = write_json(tmp_path / "bundle.json", serving_bundle("prod"))
    args = ["serving-vars", str(resolved), "--tracking-uri", uri, "--registry-uri", uri]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    # stdout holds the variables only (it is appended to $GITHUB_ENV); the summary is stderr's
    lines = result.stdout.splitlines()
    assert all(line.startswith("BUNDLE_VAR_") for line in lines), result.stdout
    assert "champion v2 (90 %) and challenger v3 (10 %)" in result.stderr
    given = dict(line.removeprefix("BUNDLE_VAR_").split("=", 1) for line in lines)
    assert given == {
        VERSION_VARIABLE["champion"]: "2",
        VERSION_VARIABLE["challenger"]: "3",
        CHAMPION_PERCENT: "90",
        CHALLENGER_PERCENT: "10",
    }
    deployed = write_json(tmp_path / "deployed.json", serving_bundle("prod", **given))
    result = CliRunner().invoke(app, ["serving-check", str(deployed)])
    assert result.exit_code == 0, result.output
    assert "champion v2 90 %, challenger v3 10 %" in result.output
    bad = write_json(
        tmp_path / "bad.json", serving_bundle("prod", **{**given, CHAMPION_PERCENT: 80})
    )
    result = CliRunner().invoke(app, ["serving-check", str(bad)])
    assert result.exit_code == 2
    assert "adds up to 90 %, not 100 %" in result.output and "Traceback" not in result.output
    dev = write_json(tmp_path / "dev.json", serving_bundle("dev"))
    result = CliRunner().invoke(app, ["serving-vars", str(dev), "--tracking-uri", uri])
    assert result.exit_code == 2 and "has no serving endpoint" in result.output


def test_ci_deploys_prod_with_the_registry_versions_and_a_checked_split():
    steps = workflow("ci.yml")["jobs"]["deploy"]["steps"]
    runs = [step.get("run", "") for step in steps]
    position = {
        name: next(k for k, run in enumerate(runs) if needle in run)
        for name, needle in {
            "vars": "python -m python_jobs serving-vars",
            "check": "python -m python_jobs serving-check",
            "deploy": "databricks bundle deploy -t prod",
        }.items()
    }
    assert position["vars"] < position["check"] < position["deploy"]
    assert '>> "$GITHUB_ENV"' in runs[position["vars"]]  # later steps read BUNDLE_VAR_*
