"""Offline checks of the dbt-project-evaluator harness (evaluator/).

The evaluator itself is not run here (it needs checkouts of dbt-project-evaluator and dbt-utils,
which CI does not have: `make evaluate`). These tests cover what the harness does around it:
the sentence for a missing checkout, the copy's configuration, the exceptions seed, the
mapping of the layers, and the detection of exceptions that match no finding.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import duckdb
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
EVALUATOR = REPO / "evaluator"

spec = importlib.util.spec_from_file_location("evaluate_project", EVALUATOR / "evaluate_project.py")
harness = importlib.util.module_from_spec(spec)
spec.loader.exec_module(harness)


def fake_checkout(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "dbt_project.yml").write_text(yaml.safe_dump({"name": name}))
    (folder / "packages.yml").write_text("packages:\n  - package: dbt-labs/dbt_utils\n")
    return folder


def exceptions() -> list[dict]:
    with open(EVALUATOR / "dbt_project_evaluator_exceptions.csv", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(
    ("evaluator_dir", "sentence"),
    [
        ("", "No dbt-project-evaluator checkout given: pass a clone of"),
        ("/nonexistent/evaluator", "No dbt-project-evaluator checkout at /nonexistent/evaluator"),
    ],
)
def test_a_missing_checkout_is_one_sentence(monkeypatch, capsys, evaluator_dir, sentence):
    monkeypatch.setattr("sys.argv", ["evaluate_project.py", evaluator_dir, "/nonexistent/utils"])
    assert harness.main() == 2
    err = capsys.readouterr().err
    assert err.startswith(sentence)
    assert err.count("\n") == 1


def test_a_checkout_of_another_project_is_refused(tmp_path):
    folder = fake_checkout(tmp_path / "other", "not_the_evaluator")
    with pytest.raises(harness.HarnessError, match="holds the dbt project 'not_the_evaluator'"):
        harness.checkout(str(folder), "dbt-project-evaluator", "dbt_project_evaluator")


def test_the_copy_gets_local_packages_the_vars_and_the_exceptions_seed(tmp_path):
    evaluator = fake_checkout(tmp_path / "evaluator", "dbt_project_evaluator")
    dbt_utils = fake_checkout(tmp_path / "utils", "dbt_utils")
    copy = harness.copy_project(tmp_path)
    local = harness.local_evaluator(evaluator, dbt_utils, tmp_path)
    harness.configure(copy, local, dbt_utils)

    assert yaml.safe_load((local / "packages.yml").read_text()) == {
        "packages": [{"local": str(dbt_utils)}]
    }
    assert yaml.safe_load((evaluator / "packages.yml").read_text())["packages"][0]["package"]
    assert yaml.safe_load((copy / "packages.yml").read_text()) == {
        "packages": [{"local": str(local)}, {"local": str(dbt_utils)}]
    }
    project = yaml.safe_load((copy / "dbt_project.yml").read_text())
    original = yaml.safe_load((REPO / "dbt_project.yml").read_text())
    assert project["vars"]["dbt_project_evaluator"] == yaml.safe_load(
        (EVALUATOR / "vars.yml").read_text()
    )
    assert project["seeds"]["dbt_project_evaluator"] == {
        "dbt_project_evaluator_exceptions": {"+enabled": False}
    }
    assert project["seed-paths"] == [*original["seed-paths"], harness.SEED_FOLDER]
    seed = copy / harness.SEED_FOLDER / "dbt_project_evaluator_exceptions.csv"
    assert seed.read_text() == (EVALUATOR / "dbt_project_evaluator_exceptions.csv").read_text()
    # the product's own configuration is untouched
    assert project["models"] == original["models"]
    assert {k: v for k, v in project["vars"].items() if k != "dbt_project_evaluator"} == original[
        "vars"
    ]
    assert (copy / "models" / "gold" / "customers" / "customer_360.sql").is_file()


def test_the_project_keeps_its_own_packages(tmp_path):
    copy = tmp_path / "project"
    copy.mkdir()
    (copy / "packages.yml").write_text("packages:\n  - local: ../shared_macros\n")
    (copy / "dbt_project.yml").write_text(yaml.safe_dump({"name": "customer360"}))
    harness.configure(copy, tmp_path / "evaluator", tmp_path / "utils")
    assert yaml.safe_load((copy / "packages.yml").read_text())["packages"] == [
        {"local": "../shared_macros"},
        {"local": str(tmp_path / "evaluator")},
        {"local": str(tmp_path / "utils")},
    ]


def test_every_exception_names_a_rule_and_gives_a_reason():
    rows = exceptions()
    assert rows
    for row in rows:
        assert row["fct_name"].startswith("fct_"), row
        assert row["column_name"] and row["id_to_exclude"], row
        assert len(row["comment"].split()) >= 5, row
    keys = [(r["fct_name"], r["column_name"], r["id_to_exclude"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_every_model_is_named_for_its_layer_or_excepted():
    evaluator_vars = yaml.safe_load((EVALUATOR / "vars.yml").read_text())
    prefixes = {
        prefix
        for model_type in evaluator_vars["model_types"]
        for prefix in evaluator_vars.get(f"{model_type}_prefixes", [])
    }
    excepted = {
        r["id_to_exclude"] for r in exceptions() if r["fct_name"] == "fct_model_naming_conventions"
    }
    models = [p.stem for p in (REPO / "models").rglob("*") if p.suffix in (".sql", ".py")]
    assert models
    unnamed = [m for m in models if m.split("_")[0] + "_" not in prefixes and m not in excepted]
    assert unnamed == []


def test_an_exception_that_matches_no_finding_is_named(tmp_path):
    compiled = tmp_path / "target" / "compiled" / "dbt_project_evaluator" / "models" / "dag"
    compiled.mkdir(parents=True)
    (compiled / "fct_model_fanout.sql").write_text(
        "select * from main.fanout\nwhere 1 = 1\n  and parent not like 'fct_orders'\n"
    )
    with duckdb.connect(str(tmp_path / "evaluator.duckdb")) as con:
        con.execute("create table main.fanout as select 'fct_orders' as parent")
        con.execute("create schema reference")
        con.execute(
            "create table reference.dbt_project_evaluator_exceptions as select * from (values"
            " ('fct_model_fanout', 'parent', 'fct_orders', 'used'),"
            " ('fct_model_fanout', 'parent', 'fct_gone', 'stale'),"
            " ('fct_no_such_rule', 'parent', 'x', 'unknown rule'))"
            " as t(fct_name, column_name, id_to_exclude, comment)"
        )
    assert harness.unused_exceptions(tmp_path) == [
        ("fct_model_fanout", "parent", "fct_gone"),
        ("fct_no_such_rule", "parent", "x"),
    ]
