"""Tests of python_jobs.spark_match_pairs, the Splink step of make spark-check: the settings it
takes from profiles.yml and dbt_project.yml. The step itself (a SparkSession on the spark
target's warehouse, Splink, the saved table) is proven by make spark-check, whose parity step
compares the accepted pairs made of the scores it writes with DuckDB's."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from python_jobs.identity.match_pairs import kept_probability
from python_jobs.spark_match_pairs import SparkMatchPairsError, match_vars, spark_output
from python_jobs.warehouse import REPO_ROOT


def test_the_spark_output_is_the_profile_rendered_with_this_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("C360_SPARK_DIR", str(tmp_path / "spark"))
    output = spark_output(REPO_ROOT)
    parameters = output["server_side_parameters"]
    assert (output["type"], output["method"], output["schema"]) == ("spark", "session", "c360")
    assert parameters["spark.sql.warehouse.dir"] == f"{tmp_path}/spark/warehouse"
    assert parameters["spark.hadoop.javax.jdo.option.ConnectionURL"] == (
        f"jdbc:derby:;databaseName={tmp_path}/spark/metastore_db;create=true"
    )


def test_the_thresholds_are_the_vars_of_dbt_project() -> None:
    project = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    values = match_vars()
    assert values == {
        "identity_match_threshold": project["vars"]["identity_match_threshold"],
        "identity_ambiguity_probability": project["vars"]["identity_ambiguity_probability"],
    }
    assert 0.0 < kept_probability(*values.values()) <= 1.0


def test_a_missing_profile_or_var_is_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(SparkMatchPairsError, match="Cannot read the spark output"):
        spark_output(tmp_path)
    (tmp_path / "dbt_project.yml").write_text("name: x\nvars: {}\n", encoding="utf-8")
    with pytest.raises(SparkMatchPairsError, match="sets no var identity_match_threshold"):
        match_vars(tmp_path)
