"""The dbt state of a deployed bundle job, for slim CI (`dbt build --select state:modified+
--defer --state ...`).

dbt's `--state` wants the manifest of what runs in production: the same project, parsed with
the same profile target and vars as the job's dbt tasks. Those are in the bundle: every dbt
command of resources/customer360_daily.job.yml ends with `--target <t> --vars "{...}"`.
`python -m python_jobs dbt-state BUNDLE_JSON` reads them from the resolved bundle (the output
of `databricks bundle validate -t prod --output json`) and runs `dbt parse` with them, which
writes the manifest without connecting to the warehouse. CI does this on every deploy to
prod and keeps the manifest as an artifact (.github/workflows/ci.yml).
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DEFAULT_JOB = "customer360_daily"
# Options that say where and how dbt connects, as opposed to what it selects.
CONNECTION_OPTIONS = ("--target", "--vars")


class DeployError(Exception):
    """A bundle that does not have what the dbt state needs; the message says what."""


def read_bundle(path: Path) -> dict[str, Any]:
    """The resolved bundle written by `databricks bundle validate --output json`."""
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise DeployError(
            f"{path} does not exist: write it with "
            "`databricks bundle validate -t prod --output json > <file>`."
        ) from None
    except json.JSONDecodeError as exc:
        raise DeployError(
            f"{path} is not JSON ({exc}): is it the output of bundle validate?"
        ) from None


def dbt_tasks(bundle: Mapping[str, Any], job: str = DEFAULT_JOB) -> list[dict[str, Any]]:
    """The job's tasks that run dbt, in order."""
    jobs = bundle.get("resources", {}).get("jobs", {})
    if job not in jobs:
        raise DeployError(f"The bundle has no job {job!r}; it has: {', '.join(jobs) or 'none'}.")
    tasks = [task for task in jobs[job].get("tasks", []) if "dbt_task" in task]
    if not tasks:
        raise DeployError(f"The job {job!r} has no dbt task.")
    return tasks


def connection_args(command: str) -> list[str]:
    """`--target <t> --vars <v>` of one dbt command (shell-split, as the dbt task splits it)."""
    words = shlex.split(command)
    if not words or words[0] != "dbt":
        raise DeployError(f"A dbt task command must start with `dbt`: {command!r}.")
    found: dict[str, str] = {}
    for option in CONNECTION_OPTIONS:
        if option in words[:-1]:
            found[option] = words[words.index(option) + 1]
    missing = [option for option in CONNECTION_OPTIONS if option not in found]
    if missing:
        raise DeployError(f"The dbt command lacks {' and '.join(missing)}: {command!r}.")
    return [word for option in CONNECTION_OPTIONS for word in (option, found[option])]


def dbt_parse_args(
    bundle: Mapping[str, Any], project_dir: Path, job: str = DEFAULT_JOB
) -> list[str]:
    """`dbt parse` arguments that parse the project the way the job's dbt tasks run it.

    Every dbt command of the job must connect the same way (one manifest serves them all).
    """
    tasks = dbt_tasks(bundle, job)
    profiles = {task["dbt_task"].get("profiles_directory", ".") for task in tasks}
    connections = {
        tuple(connection_args(command))
        for task in tasks
        for command in task["dbt_task"].get("commands", [])
    }
    if len(profiles) != 1 or len(connections) != 1:
        raise DeployError(
            f"The dbt tasks of {job!r} connect in different ways "
            f"(profiles directories {sorted(profiles)}, {len(connections)} target/vars "
            "combinations): slim CI needs one."
        )
    profiles_dir = project_dir / profiles.pop()
    return [
        "parse",
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(profiles_dir),
        *connections.pop(),
    ]


@contextmanager
def parse_only_credentials() -> Iterator[None]:
    """The job profile reads DBT_HOST and DBT_ACCESS_TOKEN, which Databricks injects into dbt
    tasks. `dbt parse` renders the profile but never connects, so outside a job any value
    does: the workspace host if known, and a token that says what it is."""
    added = {
        "DBT_HOST": os.environ.get("DATABRICKS_HOST") or "parse-only.invalid",
        "DBT_ACCESS_TOKEN": "parse-only-not-a-token",
    }
    added = {key: value for key, value in added.items() if key not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


def write_dbt_state(
    bundle: Mapping[str, Any],
    out: Path,
    *,
    project_dir: Path,
    job: str = DEFAULT_JOB,
    extra_args: Sequence[str] = (),
) -> Path:
    """Parse the project as the job's dbt tasks do; return the path of the manifest."""
    from dbt.cli.main import dbtRunner

    args = [*dbt_parse_args(bundle, project_dir, job), "--target-path", str(out), *extra_args]
    with parse_only_credentials():
        result = dbtRunner().invoke(args)
    manifest = out / "manifest.json"
    if not result.success or not manifest.exists():
        raise DeployError(f"dbt parse failed ({result.exception or 'see the log above'}).")
    return manifest
