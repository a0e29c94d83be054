"""`dbt source freshness` on DuckDB, as `make run` and the daily job run it: the newest record
of each source's landing files against the thresholds of its sources yml. Fresh landing data
passes; data whose last extract is a few days old warns; a week old is an error (and the
command exits non-zero); an empty landing root is an error too, not a pass."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).parent / "dbt")
# warn after 2 days, error after 7 for every source but the product catalog (warn after 7 days:
# later catalog files carry only the products that changed) and the optional CRM crosswalk
# crm.account_links (warn after 7 days: links are exported when the CRM makes them)
DAILY_SOURCES = [
    "crm.customers",
    "ecommerce.order_items",
    "ecommerce.orders",
    "support.ticket_changes",
    "web.events",
]

pytestmark = pytest.mark.slow


def freshness(workdir: Path, end_date: dt.date | None) -> tuple[int, dict[str, str]]:
    """Generate landing data whose last extract day is end_date (none: an empty landing root),
    run `dbt source freshness` on it and return its exit code and each source's status."""
    landing = workdir / "landing"
    landing.mkdir(parents=True)
    if end_date is not None:
        subprocess.run(
            [
                *(sys.executable, "-m", "python_jobs", "generate", "--out", str(landing)),
                *("--scale", "0.02", "--days", "20", "--seed", "5", "--quiet"),
                *("--end-date", end_date.isoformat()),
            ],
            check=True,
            cwd=REPO,
        )
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(REPO),
        "DO_NOT_TRACK": "1",
        "C360_LANDING_ROOT": str(landing),
        "C360_DUCKDB_PATH": str(workdir / "warehouse.duckdb"),
        "DBT_LOG_PATH": str(workdir / "logs"),
    }
    target = workdir / "target"
    done = subprocess.run(
        [DBT, "source", "freshness", "--target", "local", "--target-path", str(target)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    results = json.loads((target / "sources.json").read_text())["results"]
    statuses = {
        result["unique_id"].removeprefix("source.customer360."): result["status"]
        for result in results
    }
    return done.returncode, statuses


def days_ago(days: int) -> dt.date:
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days)


def test_fresh_landing_data_passes(tmp_path: Path) -> None:
    code, statuses = freshness(tmp_path, days_ago(1))
    assert statuses == dict.fromkeys(
        [*DAILY_SOURCES, "ecommerce.products", "crm.account_links"], "pass"
    )
    assert code == 0


def test_landing_data_four_days_old_warns(tmp_path: Path) -> None:
    code, statuses = freshness(tmp_path, days_ago(4))
    assert {source: statuses[source] for source in DAILY_SOURCES} == dict.fromkeys(
        DAILY_SOURCES, "warn"
    )
    assert statuses["ecommerce.products"] in {"pass", "warn"}
    assert statuses["crm.account_links"] == "pass"
    assert code == 0  # a warning does not stop a job


def test_landing_data_ten_days_old_is_an_error(tmp_path: Path) -> None:
    code, statuses = freshness(tmp_path, days_ago(10))
    assert {source: statuses[source] for source in DAILY_SOURCES} == dict.fromkeys(
        DAILY_SOURCES, "error"
    )
    assert statuses["ecommerce.products"] == "warn"
    assert statuses["crm.account_links"] == "warn"
    assert code != 0


def test_an_empty_landing_root_is_not_fresh(tmp_path: Path) -> None:
    code, statuses = freshness(tmp_path, None)
    # no record: no time, as old as can be (the catalog and the crosswalk have a warning
    # threshold only)
    assert statuses == {
        **dict.fromkeys(DAILY_SOURCES, "error"),
        **dict.fromkeys(["ecommerce.products", "crm.account_links"], "warn"),
    }
    assert code != 0
