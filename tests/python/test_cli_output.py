"""Output that can be pasted (issue 12): at 40 columns as at 200, the CLI prints every command,
path, option name and environment variable name whole, on one line; and `make run`'s summary
lists the landing files no contract reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from python_jobs.churn.config import ChurnSettings, ui_command
from python_jobs.churn.train import print_training_summary
from python_jobs.cli import app
from python_jobs.summary import print_summary, unmatched_landing_files

REPO = Path(__file__).resolve().parents[2]
WIDTHS = ["40", "200"]
TRAIN_ENV_VARS = [
    "C360_ENGINE",
    "DATABRICKS_HTTP_PATH",
    "C360_CHURN_FEATURES_TABLE",
    "MLFLOW_TRACKING_URI",
    "C360_CHURN_MODEL_NAME",
    "C360_CHURN_PROMOTION_MARGIN",
]


def words_of(output: str) -> set[str]:
    return {word.strip("(),.;:") for line in output.splitlines() for word in line.split()}


@pytest.mark.parametrize("columns", WIDTHS)
def test_train_help_names_every_environment_variable_whole(columns: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "python_jobs", "train", "--help"],
        cwd=REPO,
        env={**os.environ, "COLUMNS": columns},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert "Usage: python -m python_jobs train [OPTIONS]" in lines
    words = words_of(done.stdout)
    assert set(TRAIN_ENV_VARS) <= words
    assert {"--promotion-margin", "--features-table", "--no-progress"} <= words
    assert "…" not in done.stdout


def all_commands() -> list[str]:
    from typer.main import get_command

    return sorted(get_command(app).commands)


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("command", all_commands())
def test_every_option_name_is_whole_in_the_help(command: str, columns: str) -> None:
    from typer.main import get_command

    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    options = {
        name
        for param in get_command(app).commands[command].params
        for name in [*param.opts, *param.secondary_opts]
        if name.startswith("-")
    }
    assert options <= words_of(result.output)
    assert "…" not in result.output
    assert f"Usage: root {command} " in result.output.splitlines()[0]


@pytest.mark.parametrize("columns", WIDTHS)
def test_the_command_list_gives_each_first_sentence_whole(columns: str) -> None:
    from typer.main import get_command

    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    flowing = " ".join(result.output.split())
    for name, command in get_command(app).commands.items():
        first_sentence = " ".join(command.help.split()).split(". ")[0].rstrip(".")
        assert f"{name} {first_sentence}" in flowing, name
    assert "..." not in result.output.split("Commands:")[1]


def test_a_command_in_a_help_text_is_not_wrapped() -> None:
    result = CliRunner().invoke(app, ["dbt-state", "--help"], env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    assert any(
        line.strip() == "`databricks bundle validate -t prod --output json`."
        for line in result.output.splitlines()
    )


@pytest.mark.parametrize("columns", [40, 200])
def test_the_training_summary_prints_the_mlflow_ui_command_on_one_line(
    tmp_path: Path, columns: int
) -> None:
    settings = ChurnSettings.from_env(
        env={}, tracking_uri=f"sqlite:///{tmp_path / 'a long folder name' / 'mlflow.db'}"
    )
    result = SimpleNamespace(
        split=SimpleNamespace(eval_date=pd.Timestamp("2026-10-03")),
        metrics={"roc_auc": 0.9, "pr_auc": 0.8},
        data_info={"train_rows": 8424, "train_as_of_dates": 7, "eval_rows": 2005},
        run_id="d283d2ed684b4b2b9c76ddd829c83748",
    )
    out = StringIO()
    print_training_summary(result, settings, Console(file=out, width=columns))
    lines = out.getvalue().splitlines()
    command = ui_command(settings)
    assert command.startswith("mlflow ui --backend-store-uri sqlite:///")
    assert "--artifacts-destination" in command
    assert f"Open the UI: {command}" in lines
    assert ["roc_auc", "0.9000"] in [line.split() for line in lines]


# --------------------------------------------------------------------------- make run's summary


def write_manifest(target: Path, landing_paths: dict[str, str]) -> None:
    """A manifest with a bronze model per source, each source with its meta.landing_path, and
    a source no bronze model reads."""
    sources = {
        f"source.customer360.{name}": {"meta": {"landing_path": path}}
        for name, path in landing_paths.items()
    }
    sources["source.customer360.unread.table"] = {"meta": {"landing_path": "unread/*.csv"}}
    nodes = {
        f"model.customer360.brz_{name}": {
            "resource_type": "model",
            "tags": ["bronze"],
            "depends_on": {"nodes": [f"source.customer360.{name}"]},
        }
        for name in landing_paths
    }
    target.mkdir(parents=True)
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes, "sources": sources}))


def touch(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x\n")


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A landing root with read and unread files, the manifest of its contracts, an empty
    warehouse; the environment of `python -m python_jobs summary` pointed at them."""
    root = tmp_path / "landing"
    touch(
        root,
        "_manifest.json",
        ".hidden.csv",
        "ecommerce/orders/orders_2026-07-01.csv",
        "ecommerce/orders/.orders_2026-07-02.csv.swp",
        "ecommerce/orders/Orders_2026-07-03.csv",
        "web/events/events_2026-07-01.parquet",
        "web/events/late/events_2026-07-02.parquet",
        "unread/stray.csv",
        "notes.txt",
    )
    write_manifest(
        tmp_path / "target",
        {"ecommerce.orders": "ecommerce/orders/orders_*.csv", "web.events": "web/events/*.parquet"},
    )
    db = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema gold")
        con.execute("create table gold.fct_orders as select 1 as order_id")
    monkeypatch.setenv("C360_LANDING_ROOT", str(root))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("C360_DUCKDB_PATH", str(db))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow' / 'mlflow.db'}")
    return root


UNMATCHED = [
    "ecommerce/orders/Orders_2026-07-03.csv",  # another case
    "notes.txt",
    "unread/stray.csv",  # no bronze model reads its source
    "web/events/late/events_2026-07-02.parquet",  # a subfolder
]


def test_unmatched_landing_files_are_the_files_no_bronze_contract_globs(landing: Path) -> None:
    patterns = ["ecommerce/orders/orders_*.csv", "web/events/*.parquet"]
    assert unmatched_landing_files(landing, patterns) == [str(landing / f) for f in UNMATCHED]


@pytest.mark.parametrize("columns", [40, 200])
def test_the_summary_lists_the_unmatched_files_and_commands_whole(
    landing: Path, columns: int
) -> None:
    out = StringIO()
    print_summary(Console(file=out, width=columns))
    lines = out.getvalue().splitlines()
    assert (
        f"4 file(s) under the landing root {landing} match no landing contract and are not read "
        "(check their folder, name and case against docs/landing_contract.md):"
    ) in lines
    listed = [line for line in lines if line.startswith(f"  {landing}/")]
    assert listed == [f"  {landing / f}" for f in UNMATCHED]
    assert "  gold.fct_orders     1" in lines
    assert (
        "  .venv/bin/dbt docs generate && .venv/bin/dbt docs serve   # lineage and column docs"
    ) in lines
    ui = ui_command(ChurnSettings.from_env())
    assert f"  .venv/bin/{ui}   # churn model runs" in lines


def test_the_summary_says_when_every_landing_file_is_read(landing: Path) -> None:
    for name in UNMATCHED:
        (landing / name).unlink()
    out = StringIO()
    print_summary(Console(file=out, width=40))
    assert (
        f"Every file under the landing root {landing} matches a landing contract."
        in out.getvalue().splitlines()
    )


def test_the_summary_command_at_40_columns(landing: Path) -> None:
    result = CliRunner().invoke(app, ["summary"], env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"  {landing / 'ecommerce/orders/Orders_2026-07-03.csv'}" in lines
    assert any(line.startswith("  .venv/bin/mlflow ui --backend-store-uri ") for line in lines)


def test_the_summary_says_when_there_is_no_landing_root(
    landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = landing.parent / "missing"
    monkeypatch.setenv("C360_LANDING_ROOT", str(missing))
    out = StringIO()
    print_summary(Console(file=out, width=40))
    assert (
        f"No landing root at {missing} (C360_LANDING_ROOT): no landing file to check."
        in out.getvalue().splitlines()
    )
