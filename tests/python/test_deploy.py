"""Offline checks of the deployment: the asset bundle (databricks.yml, resources/) and the
GitHub Actions workflows (.github/workflows/).

No workspace and no network. The Databricks CLI (which would run `bundle validate`) is not
installable from PyPI, so `resolve_bundle` does the part of it these checks need: it merges
the included resource files and a target, and substitutes `${var.*}`, `${bundle.*}` and
`${workspace.current_user.*}` (with a sample user), failing on any other reference. The
resolved jobs then load into the typed classes of the `databricks-bundles` package, and
every task is followed to what it runs: the wheel's entry point to the typer command and the
settings it builds, the dbt commands to the profile target they render and the nodes their
selectors pick (`dbt ls` in-process, no connection).
"""

from __future__ import annotations

import copy
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from databricks.bundles.jobs import Job, JobPermission
from typer.testing import CliRunner

from python_jobs import deploy
from python_jobs.churn.config import ChurnJobError, ChurnSettings
from python_jobs.churn.data import load_churn_features

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
JOB = "customer360_daily"
TARGETS = ("dev", "staging", "prod")
SAMPLE_USER = {"userName": "jane.doe@example.com", "short_name": "jane_doe"}
WAREHOUSE_ID = "1234567890abcdef"
# What has to be given for each target (--var or BUNDLE_VAR_*), because databricks.yml has no
# value for it there. The README's "what to set" and ci.yml's deploy step say the same.
GIVEN: dict[str, dict[str, str]] = {
    "dev": {"warehouse_id": WAREHOUSE_ID},
    "staging": {
        "warehouse_id": WAREHOUSE_ID,
        "notification_email": "data-alerts@example.com",
        "service_principal": "8d1e4a52-0000-4000-8000-000000000001",
    },
    "prod": {
        "warehouse_id": WAREHOUSE_ID,
        "notification_email": "data-alerts@example.com",
        "service_principal": "8d1e4a52-0000-4000-8000-000000000002",
    },
}
CATALOGS = {"dev": "customer360_dev", "staging": "customer360_staging", "prod": "customer360_prod"}
REFERENCE = re.compile(r"\$\{([^}]+)\}")


# --------------------------------------------------------------------------- bundle resolution


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def deep_merge(base: Any, override: Any) -> Any:
    """Mappings merge key by key; anything else is replaced (the CLI's target override)."""
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base.get(key), value) if key in base else value
        return merged
    return copy.deepcopy(override)


def substitute(value: Any, lookup: Mapping[str, Any]) -> Any:
    """Replace ${...} references until none is left; an unknown one is an error."""
    if isinstance(value, Mapping):
        return {key: substitute(item, lookup) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, lookup) for item in value]
    if not isinstance(value, str):
        return value
    for _ in range(10):
        names = REFERENCE.findall(value)
        if not names:
            return value
        unknown = [name for name in names if name not in lookup]
        assert not unknown, f"unresolvable reference(s) {unknown} in {value!r}"
        value = REFERENCE.sub(lambda m: str(lookup[m.group(1)]), value)
    raise AssertionError(f"references do not resolve (a cycle?): {value!r}")


def bundle_files() -> tuple[dict[str, Any], list[tuple[Path, dict[str, Any]]]]:
    root = read_yaml(REPO / "databricks.yml")
    included = [
        (Path(path), read_yaml(Path(path)))
        for pattern in root.get("include", [])
        for path in sorted(glob.glob(str(REPO / pattern)))
    ]
    return root, included


def required_variables(target: str) -> set[str]:
    """Variables with neither a default nor a value in the target."""
    root, _ = bundle_files()
    target_values = root["targets"][target].get("variables", {})
    return {
        name
        for name, spec in root["variables"].items()
        if "default" not in spec and name not in target_values
    }


def resolve_bundle(target: str, given: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The bundle as `databricks bundle validate -t <target> --output json` would show it
    (for the parts checked here): resources merged, target applied, references substituted.
    Resource paths stay relative to the file that declares them (`_source` says which)."""
    given = GIVEN[target] if given is None else given
    root, included = bundle_files()
    assert target in root["targets"], f"no target {target!r} in databricks.yml"
    target_config = root["targets"][target]

    resources: dict[str, Any] = {}
    for path, document in included:
        for kind, items in (document or {}).get("resources", {}).items():
            for name, item in items.items():
                assert name not in resources.get(kind, {}), f"{kind}.{name} defined twice"
                resources.setdefault(kind, {})[name] = {**item, "_source": str(path)}
    resources = deep_merge(resources, target_config.get("resources", {}))

    missing = required_variables(target) - set(given)
    assert not missing, f"target {target} needs the variables {missing}"
    extra = set(given) - required_variables(target)
    assert not extra, f"{extra} already have a value in databricks.yml for {target}"
    variables = {
        name: target_config.get("variables", {}).get(name, spec.get("default"))
        for name, spec in root["variables"].items()
    }
    variables.update(given)

    lookup: dict[str, Any] = {
        "bundle.name": root["bundle"]["name"],
        "bundle.target": target,
        "workspace.current_user.userName": SAMPLE_USER["userName"],
        "workspace.current_user.short_name": SAMPLE_USER["short_name"],
    }
    lookup.update({f"var.{name}": value for name, value in variables.items()})
    resolved = {
        "bundle": {"name": root["bundle"]["name"], "target": target},
        "mode": target_config.get("mode"),
        "variables": variables,
        "resources": resources,
        **{
            key: target_config.get(key, root.get(key))
            for key in ("run_as", "permissions", "presets", "workspace")
        },
    }
    # Substitute until the variables' own references (e.g. ${workspace...}) are resolved too.
    lookup = substitute(lookup, lookup)
    return substitute(resolved, lookup)


def job_settings(bundle: Mapping[str, Any]) -> dict[str, Any]:
    job = dict(bundle["resources"]["jobs"][JOB])
    job.pop("_source")
    return job


def job_source_dir(bundle: Mapping[str, Any]) -> Path:
    return Path(bundle["resources"]["jobs"][JOB]["_source"]).parent


@pytest.fixture(scope="module", params=TARGETS)
def bundle(request) -> dict[str, Any]:
    return resolve_bundle(request.param)


# --------------------------------------------------------------------------- targets


def test_targets_dev_staging_prod():
    root, _ = bundle_files()
    assert set(root["targets"]) == set(TARGETS)
    dev, staging, prod = (resolve_bundle(target) for target in TARGETS)
    assert root["targets"]["dev"].get("default") is True
    assert dev["mode"] == "development" and dev["run_as"] is None
    for shared in (staging, prod):
        assert shared["mode"] == "production"
        target = shared["bundle"]["target"]
        # Shared environments run as the service principal given for them, never as a person.
        assert shared["run_as"] == {"service_principal_name": GIVEN[target]["service_principal"]}
        for permission in shared["permissions"]:
            JobPermission.from_dict(permission)
    assert {b["bundle"]["target"]: b["variables"]["catalog"] for b in (dev, staging, prod)} == (
        CATALOGS
    )
    # Development mode writes per-user schemas; shared targets write the layer schemas.
    assert dev["variables"]["schema"] == SAMPLE_USER["short_name"]
    assert staging["variables"]["gold_schema"] == prod["variables"]["gold_schema"] == "gold"


def test_required_variables_are_what_ci_and_the_readme_give():
    assert {target: required_variables(target) for target in TARGETS} == {
        target: set(values) for target, values in GIVEN.items()
    }
    deploy_env = workflow("ci.yml")["jobs"]["deploy"]["env"]
    assert {f"BUNDLE_VAR_{name}" for name in required_variables("prod")} <= set(deploy_env)
    readme = (REPO / "databricks" / "README.md").read_text()
    for name in required_variables("prod"):
        assert f"BUNDLE_VAR_{name}" in readme


def test_a_missing_variable_or_a_misspelt_reference_is_caught():
    """The resolver is strict, so the checks below cannot pass on an unresolved bundle."""
    with pytest.raises(AssertionError, match="needs the variables"):
        resolve_bundle("prod", given={"warehouse_id": WAREHOUSE_ID})
    with pytest.raises(AssertionError, match="unresolvable"):
        substitute("${var.catalgo}", {"var.catalog": "x"})


# --------------------------------------------------------------------------- the job


def test_job_loads_into_the_typed_job_class(bundle):
    settings = job_settings(bundle)
    job = Job.from_dict(settings)  # rejects unknown keys and bad enum values
    # Nothing was dropped or coerced on the way in.
    assert job.as_dict() == settings
    assert not REFERENCE.search(json.dumps(settings))


def test_job_is_scheduled_guarded_and_alerting(bundle):
    job = Job.from_dict(job_settings(bundle))
    target = bundle["bundle"]["target"]
    assert job.max_concurrent_runs == 1
    assert len(job.schedule.quartz_cron_expression.split()) in (6, 7)
    assert job.schedule.timezone_id
    assert isinstance(job.timeout_seconds, int) and job.timeout_seconds > 0
    expected_email = (
        SAMPLE_USER["userName"] if target == "dev" else GIVEN[target]["notification_email"]
    )
    assert job.email_notifications.on_failure == [expected_email]
    for task in job.tasks:
        assert isinstance(task.timeout_seconds, int) and task.timeout_seconds > 0
        assert task.timeout_seconds <= job.timeout_seconds
        assert isinstance(task.max_retries, int) and task.max_retries >= 1
        assert task.environment_key in {env.environment_key for env in job.environments}


def test_tasks_check_freshness_then_run_dbt_then_train_then_score(bundle):
    job = Job.from_dict(job_settings(bundle))
    keys = [task.task_key for task in job.tasks]
    order = {task.task_key: [d.task_key for d in task.depends_on] for task in job.tasks}
    assert order == {
        "source_freshness": [],
        "dbt_build": ["source_freshness"],
        "train_churn_model": ["dbt_build"],
        "score_churn": ["train_churn_model"],
    }
    assert len(set(keys)) == len(keys)
    kinds = [
        "dbt" if task.dbt_task else "wheel" if task.python_wheel_task else "?" for task in job.tasks
    ]
    assert kinds == ["dbt", "dbt", "wheel", "dbt"]
    # stale landing data fails the run (and alerts), but the build still runs on what landed
    [build] = [task for task in job.tasks if task.task_key == "dbt_build"]
    assert build.run_if.value == "ALL_DONE"
    [freshness] = [task for task in job.tasks if task.task_key == "source_freshness"]
    [command] = freshness.dbt_task.commands
    assert shlex.split(command)[:3] == ["dbt", "source", "freshness"]
    assert deploy.connection_args(command) == deploy.connection_args(build.dbt_task.commands[0])


def test_serverless_environments_pin_the_lock_and_install_the_built_wheel(bundle):
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    locked = {package["name"]: package["version"] for package in lock["package"]}
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    root, _ = bundle_files()
    job = Job.from_dict(job_settings(bundle))
    environments = {env.environment_key: env.spec for env in job.environments}
    wheels = []
    for spec in environments.values():
        # Version 2 is Python 3.11: the version pyproject allows (>=3.11,<3.12).
        assert spec.environment_version == "2"
        assert pyproject["project"]["requires-python"] == ">=3.11,<3.12"
        for dependency in spec.dependencies:
            if dependency.endswith(".whl"):
                wheels.append(dependency)
                continue
            name, _, version = dependency.partition("==")
            assert version, f"{dependency} is not pinned"
            assert locked[name] == version, f"{name}: job {version}, uv.lock {locked[name]}"
    assert {"dbt-core", "dbt-databricks"} <= {
        dependency.partition("==")[0] for dependency in environments["dbt"].dependencies
    }
    # The wheel is the one the bundle builds: `uv build --wheel` in the bundle root writes
    # dist/<name>-<version>-py3-none-any.whl, and the path is relative to the job's file.
    assert wheels == ["../dist/*.whl"]
    artifact = root["artifacts"]["python_jobs"]
    assert artifact["type"] == "whl" and artifact["build"] == "uv build --wheel"
    assert (REPO / artifact["path"]).resolve() == REPO
    assert (job_source_dir(bundle) / "../dist").resolve() == REPO / "dist"
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["python_jobs"]


# --------------------------------------------------------------------------- the wheel task


def wheel_task(bundle: Mapping[str, Any]):
    job = Job.from_dict(job_settings(bundle))
    return next(task.python_wheel_task for task in job.tasks if task.python_wheel_task)


def test_wheel_entry_point_is_the_typer_app():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    task = wheel_task(resolve_bundle("prod"))
    # Databricks finds the entry point in the installed distribution's metadata.
    assert task.package_name == pyproject["project"]["name"]
    target = pyproject["project"]["scripts"][task.entry_point]
    assert target == "python_jobs.cli:app"
    installed = {ep.name: ep for ep in entry_points(group="console_scripts") if ep.value == target}
    assert installed[task.entry_point].load().__class__ is typer.Typer


@pytest.fixture
def job_environment(monkeypatch):
    """The environment of a wheel task: none of the project's variables are set there."""
    for name in list(os.environ):
        if name.startswith(("C360_", "DATABRICKS_", "MLFLOW_")):
            monkeypatch.delenv(name)


def run_wheel_task(bundle, monkeypatch) -> ChurnSettings:
    """Invoke the entry point with the task's parameters; stop at training, keep the settings."""
    from python_jobs.churn import train as train_module
    from python_jobs.cli import app

    seen: list[ChurnSettings] = []

    def fake_train(settings, **_):
        seen.append(settings)
        raise typer.Exit(0)

    monkeypatch.setattr(train_module, "train_churn_model", fake_train)
    task = wheel_task(bundle)
    result = CliRunner().invoke(app, list(task.parameters))
    assert result.exit_code == 0, result.output
    assert len(seen) == 1
    return seen[0]


def test_wheel_task_parameters_make_the_databricks_training_settings(
    bundle, monkeypatch, job_environment
):
    settings = run_wheel_task(bundle, monkeypatch)
    variables = bundle["variables"]
    assert settings.engine == "databricks"
    assert settings.databricks_http_path == f"/sql/1.0/warehouses/{WAREHOUSE_ID}"
    assert (settings.tracking_uri, settings.registry_uri) == ("databricks", "databricks-uc")
    assert settings.features_table == f"{variables['catalog']}.{variables['gold_schema']}" + (
        ".churn_features"
    )
    assert settings.experiment_name == variables["experiment"]


def test_training_inside_a_job_uses_the_jobs_identity(monkeypatch, job_environment):
    """No token in a wheel task: databricks-sdk's runtime auth gives host and credentials."""
    import databricks.sdk.core

    class RuntimeConfig:
        def __init__(self, host=None):
            self.host = host or "https://adb-42.azuredatabricks.net"

        def authenticate(self):
            return {"Authorization": "Bearer from-the-runtime"}

    calls: list[dict] = []

    def connect(**kwargs):
        calls.append(kwargs)
        raise RuntimeError("stop after connecting")

    monkeypatch.setattr(databricks.sdk.core, "Config", RuntimeConfig)
    settings = ChurnSettings(engine="databricks", databricks_http_path="/sql/1.0/warehouses/x")
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "client.2.0")
    with pytest.raises(RuntimeError, match="stop after connecting"):
        load_churn_features(settings, connect=connect)
    assert calls[0]["server_hostname"] == "adb-42.azuredatabricks.net"
    assert calls[0]["http_path"] == "/sql/1.0/warehouses/x"
    assert calls[0]["credentials_provider"]()() == {"Authorization": "Bearer from-the-runtime"}
    with pytest.raises(ChurnJobError, match="--http-path"):
        load_churn_features(ChurnSettings(engine="databricks"), connect=connect)
    # Outside Databricks, no credentials is still a clear error, not a guess.
    monkeypatch.delenv("DATABRICKS_RUNTIME_VERSION")
    with pytest.raises(ChurnJobError, match="DATABRICKS_TOKEN"):
        load_churn_features(settings, connect=connect)


def test_a_bad_engine_parameter_is_a_clear_error(job_environment):
    from python_jobs.cli import app

    result = CliRunner().invoke(app, ["train", "--engine=spark", "--no-progress"])
    assert result.exit_code == 2
    assert "invalid churn settings (engine" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- the dbt tasks


def dbt_tasks(bundle: Mapping[str, Any]):
    job = Job.from_dict(job_settings(bundle))
    return [task for task in job.tasks if task.dbt_task]


def test_dbt_tasks_point_at_the_project_and_an_existing_profile_target(bundle):
    dbt_project = read_yaml(REPO / "dbt_project.yml")
    for task in dbt_tasks(bundle):
        project_dir = (job_source_dir(bundle) / task.dbt_task.project_directory).resolve()
        assert project_dir == REPO and (project_dir / "dbt_project.yml").is_file()
        profiles = read_yaml(project_dir / task.dbt_task.profiles_directory / "profiles.yml")
        profile = profiles[dbt_project["profile"]]
        assert task.dbt_task.warehouse_id is None  # the job profile names the warehouse
        for command in task.dbt_task.commands:
            words = shlex.split(command)
            assert words[0] == "dbt"
            target = words[words.index("--target") + 1]
            assert target == bundle["bundle"]["target"]
            output = profile["outputs"][target]
            assert output["type"] == "databricks"
            assert "DBT_ACCESS_TOKEN" in output["token"]  # injected by the dbt task, not stored


def test_job_profile_holds_no_secret():
    text = (REPO / "databricks" / "job_profiles" / "profiles.yml").read_text()
    values = re.findall(r"^\s*(?:token|client_secret|password):\s*(.+)$", text, re.M)
    assert values and all(value.strip().startswith('"{{ env_var(') for value in values)


def dbt_ls(args: list[str], target_path: Path) -> list[dict[str, Any]]:
    from dbt.cli.main import dbtRunner

    keys = "unique_id resource_type name database schema tags config"
    result = dbtRunner().invoke(
        [
            *args,
            "--output",
            "json",
            "--output-keys",
            keys,
            "--target-path",
            str(target_path),
            "--log-path",
            str(target_path),
            "--log-level",
            "none",
        ]
    )
    assert result.success, result.exception
    return [json.loads(line) for line in result.result]


def ls_args(command: str, project_dir: Path, profiles_dir: Path) -> list[str]:
    """A job's `dbt build ...` command as `dbt ls ...`, the same selection and connection."""
    words = shlex.split(command)
    assert words[:2] == ["dbt", "build"]
    return [
        "ls",
        *words[2:],
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(profiles_dir),
    ]


@pytest.fixture(scope="module")
def dbt_target_paths(tmp_path_factory) -> dict[str, Path]:
    """One dbt target path per bundle target, shared by the tests of that target, so that
    dbt parses the project once per target and partially after that."""
    return {target: tmp_path_factory.mktemp(f"dbt-{target}") for target in TARGETS}


@pytest.fixture(scope="module")
def dbt_selections(bundle, dbt_target_paths) -> dict[str, Any]:
    """For one target: what each dbt command of the job selects, and every node."""
    target_path = dbt_target_paths[bundle["bundle"]["target"]]
    with pytest.MonkeyPatch.context() as patch:
        # DBT_HOST and DBT_ACCESS_TOKEN are injected by Databricks into dbt tasks; here the
        # placeholders of dbt-state (`dbt ls` renders the profile, never connects).
        patch.delenv("DBT_HOST", raising=False)
        patch.delenv("DBT_ACCESS_TOKEN", raising=False)
        patch.delenv("DATABRICKS_HOST", raising=False)
        selections = {}
        for task in dbt_tasks(bundle):
            profiles_dir = REPO / task.dbt_task.profiles_directory
            for command in task.dbt_task.commands:
                if shlex.split(command)[:2] != ["dbt", "build"]:
                    continue  # source freshness: every source, no selection
                with deploy.parse_only_credentials():
                    selections[command] = dbt_ls(ls_args(command, REPO, profiles_dir), target_path)
        words = shlex.split(next(iter(selections)))
        connection = words[words.index("--target") :]
        everything_args = ["ls", *connection, "--project-dir", str(REPO)]
        with deploy.parse_only_credentials():
            everything = dbt_ls(
                [*everything_args, "--profiles-dir", str(profiles_dir)], target_path
            )
    return {"commands": selections, "all": everything}


def models(nodes):
    return {node["name"]: node for node in nodes if node["resource_type"] == "model"}


def node_tags(node) -> set[str]:
    # unit tests carry their tags only in their config
    return set(node.get("tags", [])) | set(node["config"].get("tags", []))


def test_dbt_selectors_select_existing_nodes(bundle, dbt_selections):
    [build, score] = dbt_selections["commands"].values()
    # The scoring task builds churn_scores and its tests, nothing else.
    assert models(score).keys() == {"churn_scores"}
    assert {node["resource_type"] for node in score} == {"model", "test"}
    # The first task builds every table, seed and snapshot but those excluded on purpose,
    # and nothing excluded.
    excluded_tags = {"churn_scoring"}
    assert not [node["unique_id"] for node in build if node_tags(node) & excluded_tags]
    data_nodes = {
        node["unique_id"]
        for node in dbt_selections["all"]
        if node["resource_type"] in {"model", "seed", "snapshot"}
        and not node_tags(node) & excluded_tags
    }
    assert data_nodes <= {node["unique_id"] for node in build}
    assert any(node["resource_type"] == "test" for node in build)
    # Unit tests run in CI only (their inputs are fixed): none in the daily run, while the
    # project has them.
    assert not [node["unique_id"] for node in build if node["resource_type"] == "unit_test"]
    assert any(node["resource_type"] == "unit_test" for node in dbt_selections["all"])
    # Each excluded tag exists (an exclusion of a misspelt tag would silently do nothing).
    tags = set().union(*map(node_tags, dbt_selections["all"]))
    assert excluded_tags <= tags


def test_dbt_writes_where_the_training_task_reads(
    bundle, dbt_selections, monkeypatch, job_environment
):
    """The features the wheel task reads and the model it registers are the ones dbt builds
    and scores with, in every target."""
    settings = run_wheel_task(bundle, monkeypatch)
    built = models(dbt_selections["all"])
    features = built["churn_features"]
    assert settings.features_table == f"{features['database']}.{features['schema']}" + (
        ".churn_features"
    )
    assert features["database"] == CATALOGS[bundle["bundle"]["target"]]
    scores = built["churn_scores"]
    assert scores["config"]["meta"]["churn_model_name"] == settings.model_name
    assert settings.model_name.startswith(f"{features['database']}.{features['schema']}.")
    expected_gold = "gold" if bundle["bundle"]["target"] != "dev" else "jane_doe_gold"
    assert features["schema"] == expected_gold


# --------------------------------------------------------------------------- slim CI state


def test_dbt_state_parses_the_project_as_the_prod_job_runs_it(dbt_target_paths, monkeypatch):
    prod = resolve_bundle("prod")
    for name in ("DBT_HOST", "DBT_ACCESS_TOKEN", "DATABRICKS_HOST"):
        monkeypatch.delenv(name, raising=False)
    out = dbt_target_paths["prod"]
    manifest_path = deploy.write_dbt_state(
        prod, out, project_dir=REPO, extra_args=["--log-path", str(out), "--log-level", "none"]
    )
    manifest = json.loads(manifest_path.read_text())
    nodes = {node["name"]: node for node in manifest["nodes"].values()}
    assert (nodes["churn_features"]["database"], nodes["churn_features"]["schema"]) == (
        "customer360_prod",
        "gold",
    )
    assert nodes["brz_crm__customers"]["schema"] == "bronze"
    assert "DBT_HOST" not in os.environ  # the placeholders were taken back


def test_dbt_state_says_what_is_wrong_with_a_bundle(tmp_path):
    with pytest.raises(deploy.DeployError, match="no job 'nightly'"):
        deploy.dbt_tasks(resolve_bundle("prod"), job="nightly")
    with pytest.raises(deploy.DeployError, match="lacks --vars"):
        deploy.connection_args("dbt build --target prod")
    bundle = resolve_bundle("prod")
    tasks = bundle["resources"]["jobs"][JOB]["tasks"]
    tasks[-1]["dbt_task"]["commands"] = ["dbt build --target dev --vars '{}'"]
    with pytest.raises(deploy.DeployError, match="connect in different ways"):
        deploy.dbt_parse_args(bundle, REPO)
    with pytest.raises(deploy.DeployError, match="does not exist"):
        deploy.read_bundle(tmp_path / "missing.json")


# --------------------------------------------------------------------------- workflows


def workflow(name: str) -> dict[str, Any]:
    # PyYAML reads the key `on` as True (YAML 1.1); give it its name back.
    document = read_yaml(WORKFLOWS / name)
    if True in document:
        document["on"] = document.pop(True)
    return document


def check_jsonschema(*paths: Path) -> subprocess.CompletedProcess:
    """The GitHub workflow schema vendored in check-jsonschema; any download attempt would
    fail (every proxy points at a closed port), so the check is offline."""
    closed = "http://127.0.0.1:9"
    env = {"HTTP_PROXY": closed, "HTTPS_PROXY": closed, "NO_PROXY": "", "PATH": "/usr/bin"}
    executable = Path(sys.executable).with_name("check-jsonschema")
    return subprocess.run(
        [str(executable), "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_workflows_pass_the_github_actions_schema():
    paths = sorted(WORKFLOWS.glob("*.yml"))
    assert {path.name for path in paths} >= {"ci.yml", "pr-cleanup.yml"}
    result = check_jsonschema(*paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = workflow("ci.yml")
    broken["jobs"]["test"]["runs-on"] = None
    broken["jobs"]["test"]["timeout-minutes"] = "an hour"
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(broken))
    result = check_jsonschema(path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "timeout-minutes" in result.stdout or "runs-on" in result.stdout


def job_runs(job: Mapping[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def all_ifs(document: Any) -> Iterator[str]:
    if isinstance(document, Mapping):
        for key, value in document.items():
            if key == "if":
                yield str(value)
            else:
                yield from all_ifs(value)
    elif isinstance(document, list):
        for item in document:
            yield from all_ifs(item)


def test_ci_lints_and_tests_every_pull_request():
    ci = workflow("ci.yml")
    assert "pull_request" in ci["on"] and ci["on"]["push"]["branches"] == ["main"]
    test = ci["jobs"]["test"]
    assert "if" not in test and "bash .ci/run" in job_runs(test)
    assert "make test" in (REPO / ".ci" / "run").read_text()
    # make test builds, runs pytest and lints.
    makefile = (REPO / "Makefile").read_text()
    [prerequisites] = re.findall(r"^test:([^#\n]*)", makefile, re.M)
    assert {"build", "pytest", "lint"} <= set(prerequisites.split())


def test_databricks_jobs_run_only_when_the_workspace_is_configured():
    ci = workflow("ci.yml")
    jobs = ci["jobs"]
    for document in (ci, workflow("pr-cleanup.yml")):
        # GitHub does not allow the secrets context in `if:`: it is read through env.
        assert not [condition for condition in all_ifs(document) if "secrets." in condition]
    gate = "needs.databricks-config.outputs.configured == 'true'"
    for name in ("slim-ci", "deploy"):
        assert "databricks-config" in jobs[name]["needs"]
        assert gate in jobs[name]["if"]
    check_env = jobs["databricks-config"]["steps"][0]["env"]
    assert {"DATABRICKS_HOST", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"} <= set(check_env)
    for name, job in jobs.items():
        for needed in job.get("needs", []):
            assert needed in jobs, f"{name} needs an unknown job {needed}"


def test_slim_ci_defers_to_the_manifest_the_prod_deploy_keeps():
    jobs = workflow("ci.yml")["jobs"]
    slim, deploy_job = jobs["slim-ci"], jobs["deploy"]
    assert "github.event_name == 'pull_request'" in slim["if"]
    assert slim["env"]["DATABRICKS_SCHEMA"] == "pr_${{ github.event.pull_request.number }}"
    assert slim["env"]["DBT_TARGET"] == "databricks"
    assert "databricks" in read_yaml(REPO / "profiles.yml")["customer360"]["outputs"]
    [build] = [run for run in job_runs(slim) if "state:modified+" in run]
    words = build.split()
    state_dir = words[words.index("--state") + 1]
    assert "--defer" in words and words[words.index("--select") + 1] == "state:modified+"
    uploads = [step for step in deploy_job["steps"] if "upload-artifact" in step.get("uses", "")]
    [upload] = uploads
    [download] = [run for run in job_runs(slim) if "gh run download" in run]
    assert f"--name {upload['with']['name']}" in download
    assert f"--dir {state_dir}" in download
    assert upload["with"]["path"] == f"{state_dir}/manifest.json"
    writes = "\n".join(job_runs(deploy_job))
    assert "python -m python_jobs dbt-state" in writes and f"--out {state_dir}" in writes


def test_main_deploys_the_bundle_to_prod_after_the_tests():
    deploy_job = workflow("ci.yml")["jobs"]["deploy"]
    assert "github.event_name == 'push'" in deploy_job["if"]
    assert "github.ref == 'refs/heads/main'" in deploy_job["if"]
    assert "test" in deploy_job["needs"]
    assert "databricks bundle deploy -t prod" in job_runs(deploy_job)
    assert any("databricks/setup-cli@" in step.get("uses", "") for step in deploy_job["steps"])
