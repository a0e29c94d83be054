"""Monitoring by trend (docs/monitoring.md) on generated landing data: 35 normal days of the
sample raise no anomaly; half of the last day's orders taken out of their landing file makes
the build warn about that table and day, and dq_delivery_anomalies holds that one volume drop;
a table whose last three days of files are missing is a freshness anomaly, and a daily table
without the newest day's file, or without one day's file in its history, is named as missing
that day.

Each case builds only bronze and the monitoring models (`+dq_delivery_anomalies`) on its own
copy of one generated sample, at the default vars."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from test_pipeline import END_DATE, dbt, generate

pytestmark = pytest.mark.slow

DAYS = 35
LAST_DAY = dt.date.fromisoformat(END_DATE)
ANOMALY_TESTS = ("volume_anomalies", "freshness_anomalies")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The landing root of 35 generated days (the scale of `make run`)."""
    workdir = tmp_path_factory.mktemp("monitoring_sample")
    generate(
        workdir, "--scale", "0.02", "--days", str(DAYS), "--seed", "42", "--end-date", END_DATE
    )
    return workdir / "landing"


def build(workdir: Path, sample: Path, change: Callable[[Path], None] | None = None) -> dict:
    """Copy the sample to workdir/landing, apply `change` to it, build bronze and the monitoring
    models, and return the build's output, the anomaly tests' results and the findings."""
    landing = workdir / "landing"
    shutil.copytree(sample, landing)
    if change is not None:
        change(landing)
    done = dbt(workdir, "warehouse", "build", "--select", "+dq_delivery_anomalies")
    results = json.loads((workdir / "target_warehouse" / "run_results.json").read_text())
    tests = {
        name: result
        for result in results["results"]
        for name in ANOMALY_TESTS
        if result["unique_id"].startswith(f"test.customer360.{name}_dq_delivery_anomalies")
    }
    assert tests.keys() == set(ANOMALY_TESTS)
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        findings = con.execute(
            "select source_table, delivery_date, anomaly_type, anomaly_direction, records,"
            " days_late, reason from silver.dq_delivery_anomalies order by all"
        ).fetchall()
        scored = con.execute(
            "select count(*) from silver.dq_delivery_volumes where z_score is not null"
        ).fetchone()[0]
    return {"output": done.stdout, "tests": tests, "findings": findings, "scored": scored}


def the_one_finding(built: dict, warned_by: str) -> tuple[tuple, str]:
    """The build's one finding (table, day, kind, direction, records, days_late) and its
    sentence, after checking that the test `warned_by` warned with it, alone, and that the
    build's log gives the sentence."""
    [(table, day, kind, direction, records, days_late, reason)] = built["findings"]
    warned = built["tests"][warned_by]
    assert (warned["status"], warned["failures"]) == ("warn", 1)
    [other] = set(ANOMALY_TESTS) - {warned_by}
    assert built["tests"][other]["status"] == "pass"
    assert f"Delivery anomaly: {reason}" in " ".join(built["output"].split())
    return (table, day, kind, direction, records, days_late), reason


def test_normal_days_raise_no_anomaly(tmp_path: Path, sample: Path) -> None:
    built = build(tmp_path, sample)
    assert built["findings"] == []
    assert {name: result["status"] for name, result in built["tests"].items()} == dict.fromkeys(
        ANOMALY_TESTS, "pass"
    )
    assert "Delivery anomaly" not in built["output"]
    # not vacuous: the daily tables' later days were scored (the first 14 of each train)
    assert built["scored"] >= 6 * (DAYS - 15)


def test_half_a_days_orders_missing_warns(tmp_path: Path, sample: Path) -> None:
    kept: list[int] = []

    def remove_half_the_orders(landing: Path) -> None:
        path = landing / "ecommerce" / "orders" / f"orders_{LAST_DAY}.csv"
        header, *lines = path.read_text().splitlines()
        kept.append(len(lines) - len(lines) // 2)
        path.write_text("\n".join([header, *lines[::2]]) + "\n")

    finding, reason = the_one_finding(
        build(tmp_path, sample, remove_half_the_orders), "volume_anomalies"
    )
    assert finding == ("ecommerce.orders", LAST_DAY, "volume", "drop", kept[0], None)
    assert reason.startswith(f"ecommerce.orders delivered {kept[0]} records on {LAST_DAY}, a drop")


def test_a_late_table_is_a_freshness_anomaly(tmp_path: Path, sample: Path) -> None:
    def drop_the_last_three_days(landing: Path) -> None:
        for days_back in range(3):
            day = LAST_DAY - dt.timedelta(days=days_back)
            (landing / "support" / "ticket_changes" / f"ticket_changes_{day}.parquet").unlink()

    finding, reason = the_one_finding(
        build(tmp_path, sample, drop_the_last_three_days), "freshness_anomalies"
    )
    # delivered daily until 3 days before the others' last delivery: 1 day of gap allowed
    assert finding == ("support.ticket_changes", LAST_DAY, "freshness", None, None, 2)
    last_delivery = LAST_DAY - dt.timedelta(days=3)
    assert reason.startswith(f"support.ticket_changes has delivered nothing since {last_delivery}")


def test_a_daily_table_without_the_newest_days_file_is_named(tmp_path: Path, sample: Path) -> None:
    """One day behind is not late for a daily table, but gold as of the newest delivery day has
    none of its records of that day: a `missing` finding and its warning say so."""

    def drop_the_last_orders(landing: Path) -> None:
        (landing / "ecommerce" / "orders" / f"orders_{LAST_DAY}.csv").unlink()

    finding, reason = the_one_finding(
        build(tmp_path, sample, drop_the_last_orders), "freshness_anomalies"
    )
    assert finding == ("ecommerce.orders", LAST_DAY, "missing", None, None, 0)
    previous_day = LAST_DAY - dt.timedelta(days=1)
    assert (
        reason.startswith(f"ecommerce.orders delivers every day but has no delivery for {LAST_DAY}")
        and f"(its last: {previous_day})" in reason
    )


def test_a_daily_file_lost_from_the_history_is_named(tmp_path: Path, sample: Path) -> None:
    """An order-lines file missing between two deliveries (not the newest day): without a
    finding, revenue by product would lack that day's lines for good, with no word."""
    lost_day = LAST_DAY - dt.timedelta(days=10)

    def lose_one_days_lines(landing: Path) -> None:
        (landing / "ecommerce" / "order_items" / f"order_items_{lost_day}.csv").unlink()

    finding, reason = the_one_finding(
        build(tmp_path, sample, lose_one_days_lines), "freshness_anomalies"
    )
    assert finding == ("ecommerce.order_items", lost_day, "missing", None, 0, 1)
    next_day = lost_day + dt.timedelta(days=1)
    assert reason.startswith(
        f"ecommerce.order_items delivers every day but delivered nothing from {lost_day} to"
        f" {lost_day}, between its deliveries of {lost_day - dt.timedelta(days=1)} and {next_day}"
    )
