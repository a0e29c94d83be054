"""The dbt vars, as outside input: a model puts a numeric one into SQL only through the macro
number_var, so a value that is not a number in its range stops the compile with a sentence
naming the var, and a valid one is rendered as the number; an id format is a quoted literal."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_pipeline import DBT, REPO, dbt_env

pytestmark = pytest.mark.slow


def compile_model(workdir: Path, model: str, variables: str) -> subprocess.CompletedProcess:
    (workdir / "landing").mkdir(exist_ok=True)
    return subprocess.run(
        [DBT, "compile", "--select", model, "--vars", variables],
        cwd=REPO,
        env=dbt_env(workdir, "vars"),
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("model", "variables", "sentence"),
    [
        (
            "int_web_sessions",
            '{session_timeout_minutes: "30 minutes"}',
            'var session_timeout_minutes must be a whole number at least 1, not "30 minutes".',
        ),
        (
            "dq_delivery_volumes",
            '{anomaly_z_threshold: "4) or (1 = 1"}',
            'var anomaly_z_threshold must be a number at least 0, not "4) or (1 = 1".',
        ),
        (
            "int_identity_rule_components",
            "{identity_label_rounds: true}",
            "var identity_label_rounds must be a whole number at least 1, not true.",
        ),
        (
            "churn_features",
            "{churn_late_data_days: -1}",
            "var churn_late_data_days must be a whole number at least 0, not -1.",
        ),
        (
            "dq_warning_rate__crm_customers",
            '{warning_rate_thresholds: {crm.customers: "20%"}}',
            "var warning_rate_thresholds must give crm.customers a share from 0 to 1 (0.05 for"
            ' 5 %), not "20%".',
        ),
        (
            "dq_quarantine_rate__crm_customers",
            "{quarantine_rate_thresholds: 0.2}",
            "var quarantine_rate_thresholds must map landing tables (and `default`) to shares,"
            " such as {default: 0.05, crm.customers: 0.2}, not 0.2.",
        ),
    ],
)
def test_a_numeric_var_that_is_not_a_number_in_range_is_refused(
    tmp_path: Path, model: str, variables: str, sentence: str
) -> None:
    done = compile_model(tmp_path, model, variables)
    assert done.returncode != 0
    assert sentence in done.stdout, done.stdout[-3000:]


def test_a_valid_numeric_var_is_rendered_as_the_number(tmp_path: Path) -> None:
    done = compile_model(tmp_path, "int_web_sessions", "{session_timeout_minutes: 45}")
    assert done.returncode == 0, done.stdout[-3000:]
    compiled = tmp_path / "target_vars" / "compiled" / "customer360" / "models" / "silver"
    sql = (compiled / "intermediate" / "int_web_sessions.sql").read_text()
    assert ">= 2700 as is_session_start" in sql  # 45 minutes in seconds


def test_an_id_format_var_reaches_its_format_test_as_a_quoted_literal(tmp_path: Path) -> None:
    """The id formats are vars (a user's systems have their own); a value is a regular
    expression in a string literal, its quotes escaped, never SQL."""
    name = "stg_ecommerce__orders_order_id_format"
    done = compile_model(tmp_path, name, """{order_id_format: "^[0-9]+') or (1 = 1$"}""")
    assert done.returncode == 0, done.stdout[-3000:]
    compiled = tmp_path / "target_vars" / "compiled" / "customer360" / "models" / "silver"
    [sql] = [path.read_text() for path in compiled.rglob(f"{name}.sql")]
    assert "regexp_matches(order_id, '^[0-9]+'') or (1 = 1$')" in sql
