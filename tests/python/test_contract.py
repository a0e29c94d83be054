"""The landing contract as a user meets it: every contract column says whether it is required,
the docs say the same, a minimal export (only the required columns) loads into silver and gold
with the documented defaults, and a delivery with half its records bad stops the build with one
sentence, keeping gold as it was."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).parent / "dbt")
SOURCES_YMLS = sorted(REPO.glob("models/bronze/*/_*__sources.yml"))
CONTRACT_DOC = REPO / "docs" / "landing_contract.md"

# The minimal exports: the required columns only, each table as a shop could export it, and
# for orders the buyer (an order needs shop_account_id or email: rule order_has_buyer)
ORDER_BUYER = "shop_account_id"
MINIMAL_COLUMNS = {
    "orders": ["order_id", ORDER_BUYER, "currency", "order_total", "ordered_at"],
    "order_items": ["order_id", "line_number", "quantity", "unit_price"],
    "products": ["product_id", "updated_at"],
    "customers": ["crm_id", "updated_at"],
}


def contract_tables() -> dict[str, list[dict]]:
    """Every landing table of the sources ymls ('<source>.<table>') with its columns."""
    tables = {}
    for path in SOURCES_YMLS:
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                tables[f"{source['name']}.{table['name']}"] = table["columns"]
    return tables


def column_meta(column: dict) -> dict:
    return column.get("config", {}).get("meta", {})


def required_columns(table: str) -> list[str]:
    return [c["name"] for c in contract_tables()[table] if column_meta(c)["required"]]


# --------------------------------------------------------------------------------------
# The contract and its docs
# --------------------------------------------------------------------------------------
def test_every_contract_column_says_whether_it_is_required() -> None:
    tables = contract_tables()
    assert len(tables) == 7
    for table, columns in tables.items():
        for column in columns:
            meta = column_meta(column)
            where = f"{table}.{column['name']}"
            assert meta.get("required") in (True, False), where
            has_default = "default" in meta or "default_column" in meta
            if meta["required"]:
                assert not has_default, where
                assert "Required" in column["description"], where
            else:
                assert "Optional; when absent or empty," in column["description"], where
            if "default_column" in meta:
                assert meta["default_column"] in {c["name"] for c in columns}, where


def test_the_minimal_exports_hold_exactly_the_required_columns() -> None:
    entity_table = {
        "orders": "ecommerce.orders",
        "order_items": "ecommerce.order_items",
        "products": "ecommerce.products",
        "customers": "crm.customers",
    }
    buyer = {"orders": [ORDER_BUYER]}
    for entity, table in entity_table.items():
        expected = required_columns(table) + buyer.get(entity, [])
        assert sorted(MINIMAL_COLUMNS[entity]) == sorted(expected), table


def test_the_contract_doc_lists_required_columns_and_defaults() -> None:
    """docs/landing_contract.md has a row per landing table: its required columns, then each
    optional column with what an absent one becomes, as the sources ymls say."""
    rows = {}
    for line in CONTRACT_DOC.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"`[a-z]+\.[a-z_]+`", cells[0]):
            rows[cells[0].strip("`")] = cells[1:]
    tables = contract_tables()
    assert set(rows) == set(tables)
    for table, columns in tables.items():
        required_cell, optional_cell = rows[table]
        assert re.findall(r"`(\w+)`", required_cell) == required_columns(table), table
        documented = {}
        for item in optional_cell.split("; "):
            names, becomes = item.split(" → ")
            documented.update(dict.fromkeys(re.findall(r"`(\w+)`", names), becomes))
        optional = [c for c in columns if not column_meta(c)["required"]]
        assert set(documented) == {c["name"] for c in optional}, table
        for column in optional:
            meta, becomes = column_meta(column), documented[column["name"]]
            if "default" in meta:
                assert becomes == f"`{str(meta['default']).lower()}`", column["name"]
            elif "default_column" in meta:
                assert becomes == f"the record's `{meta['default_column']}`", column["name"]
            else:
                assert becomes == "null", column["name"]


# --------------------------------------------------------------------------------------
# End to end: a minimal export loads; a broken delivery stops the build
# --------------------------------------------------------------------------------------
def dbt(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(REPO),
        "DO_NOT_TRACK": "1",
        "C360_LANDING_ROOT": str(workdir / "landing"),
        "C360_DUCKDB_PATH": str(workdir / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
    }
    done = subprocess.run(
        [DBT, "build", *args, "--exclude", "tag:churn_scoring"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    if check and done.returncode != 0:
        pytest.fail(f"dbt build failed:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}")
    return done


def query(workdir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def is_decimal(text: str | None) -> bool:
    try:
        Decimal(text or "")
    except InvalidOperation:
        return False
    return True


def known_currencies() -> set[str]:
    with (REPO / "seeds" / "reference" / "currencies.csv").open() as f:
        return {row["currency_code"] for row in csv.DictReader(f)}


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows([row[c] for c in columns] for row in rows)


def minimal_csv_export(folder: Path, columns: list[str], keep, key: list[str]) -> None:
    """Rewrite every CSV of `folder` with `columns` only: the records `keep` accepts and, when
    `key` is given, the first record of each key (an export with one row per key)."""
    seen = set()
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="") as f:
            rows = [row for row in csv.DictReader(f) if keep(row)]
        kept = []
        for row in rows:
            if not key or tuple(row[k] for k in key) not in seen:
                seen.add(tuple(row[k] for k in key))
                kept.append(row)
        write_csv(path, columns, kept)


def minimal_json_export(folder: Path, columns: list[str], keep) -> None:
    for path in sorted(folder.glob("*.jsonl")):
        records = []
        for line in path.read_text().splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and keep(record):
                records.append(json.dumps({c: record[c] for c in columns}))
        path.write_text("".join(f"{r}\n" for r in records))


@pytest.fixture(scope="module")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sample landing data whose orders, order lines, products and customers are replaced by
    honest minimal exports (required columns only, clean values), built once."""
    workdir = tmp_path_factory.mktemp("contract")
    landing = workdir / "landing"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "python_jobs",
            "generate",
            "--out",
            str(landing),
            "--quiet",
            *("--scale", "0.005", "--days", "120", "--seed", "11", "--end-date", "2026-06-30"),
        ],
        check=True,
        cwd=REPO,
    )
    currencies = known_currencies()
    minimal_csv_export(
        landing / "ecommerce" / "orders",
        MINIMAL_COLUMNS["orders"],
        lambda r: (
            bool(r[ORDER_BUYER])
            and r["currency"] in currencies
            and is_decimal(r["order_total"])
            and bool(r["ordered_at"])
        ),
        ["order_id"],
    )
    minimal_csv_export(
        landing / "ecommerce" / "order_items",
        MINIMAL_COLUMNS["order_items"],
        lambda r: (
            (r["quantity"] or "").isdigit()
            and int(r["quantity"]) > 0
            and is_decimal(r["unit_price"])
        ),
        ["order_id", "line_number"],
    )
    minimal_csv_export(
        landing / "ecommerce" / "products", MINIMAL_COLUMNS["products"], lambda r: True, []
    )
    minimal_json_export(
        landing / "crm" / "customers",
        MINIMAL_COLUMNS["customers"],
        lambda r: bool(r.get("crm_id")) and not r.get("is_deleted"),
    )
    dbt(workdir)
    return workdir


@pytest.mark.slow
def test_a_minimal_export_reaches_silver_and_gold(minimal: Path) -> None:
    orders = {}
    for path in sorted((minimal / "landing" / "ecommerce" / "orders").glob("*.csv")):
        with path.open(newline="") as f:
            orders.update({row["order_id"]: row for row in csv.DictReader(f)})
    assert len(orders) > 500

    quarantined = dict(
        query(minimal, "select source_table, count(*) from silver.dq_quarantine group by all")
    )
    for table in ("ecommerce.orders", "ecommerce.order_items", "ecommerce.products"):
        assert table not in quarantined, quarantined
    assert "crm.customers" not in quarantined, quarantined

    staged = {row[0] for row in query(minimal, "select order_id from silver.stg_ecommerce__orders")}
    assert staged == set(orders)

    facts = {
        row[0]: row[1:]
        for row in query(
            minimal,
            "select order_id, order_status, order_total, updated_at = ordered_at, "
            "is_cancelled or is_returned, item_count from gold.fct_orders",
        )
    }
    assert set(facts) == set(orders)
    for order_id, (status, total, same_time, cancelled, _) in facts.items():
        # the contract defaults: no status = placed (a purchase), no updated_at = ordered_at
        assert status == "placed" and same_time and not cancelled, order_id
        assert total == Decimal(orders[order_id]["order_total"]), order_id
    # no shipping = 0
    assert query(minimal, "select distinct shipping_amount from silver.stg_ecommerce__orders") == [
        (0,)
    ]
    assert sum(items for *_, items in facts.values()) > len(facts)  # the lines joined too

    # every minimal customer and product reached staging
    customers = query(minimal, "select count(*) from silver.stg_crm__customers")[0][0]
    products = query(minimal, "select count(*) from silver.stg_ecommerce__products")[0][0]
    assert customers > 0 and products > 0


@pytest.mark.slow
def test_a_broken_delivery_stops_the_build_and_keeps_gold(minimal: Path) -> None:
    """A small delivery with one bad record of five is quarantined without stopping the build
    (var quarantine_rate_min_records). A day-2 orders file with half its records unreadable:
    the build fails with one sentence naming the table, the counts, the rule and the file;
    gold keeps the last good build; a re-run fails again; raising the threshold loads the good
    half."""
    folder = minimal / "landing" / "ecommerce" / "orders"
    last = sorted(folder.glob("*.csv"))[-1]
    with last.open(newline="") as f:
        template = next(csv.DictReader(f))
    small = folder / "orders_2026-06-30_small.csv"
    write_csv(
        small,
        MINIMAL_COLUMNS["orders"],
        [
            {
                **template,
                "order_id": f"O8{n:08d}",
                "order_total": "n/a" if n == 0 else "19.90",
                "ordered_at": "2026-06-30T09:00:00Z",
            }
            for n in range(5)
        ],
    )
    passed = " ".join(dbt(minimal).stdout.split())
    assert (
        "ecommerce.orders: 1 of 5 records delivered since the last complete build (20.0%)"
        " quarantined, most by order_total_is_decimal (1), over the 5% threshold but fewer than"
        " the 2 records that stop the build"
    ) in passed
    assert query(minimal, "select count(*) from gold.fct_orders where order_id like 'O8%'") == [
        (4,)
    ]
    delivery = folder / "orders_2026-07-01.csv"
    rows = [
        {
            **template,
            "order_id": f"O9{n:08d}",
            "order_total": "n/a" if n % 2 else "19.90",
            "ordered_at": "2026-07-01T09:00:00Z",
        }
        for n in range(40)
    ]
    write_csv(delivery, MINIMAL_COLUMNS["orders"], rows)
    gold_before = query(minimal, "select count(*), sum(order_total) from gold.fct_orders")

    failed = dbt(minimal, check=False)
    assert failed.returncode != 0
    assert (
        "ecommerce.orders delivery rejected: 20 of 40 records delivered since the last "
        "complete build (50.0%) were quarantined, over the 5% threshold; most by "
        "order_total_is_decimal (20). Files: "
    ) in failed.stdout
    assert f"{delivery.name} (20). dbt build skips everything downstream" in failed.stdout
    assert "Nearly every record was quarantined" not in failed.stdout  # half of them
    assert "dq_quarantine_rate__ecommerce_orders" in failed.stdout
    assert "--vars '{quarantine_rate_thresholds: {ecommerce.orders: 1}}'" in failed.stdout
    # bronze took the delivery in; nothing downstream of the base model was built from it
    assert (
        query(
            minimal, "select count(*) from silver.base_ecommerce__orders where order_id like 'O9%'"
        )[0][0]
        == 40
    )
    assert (
        query(
            minimal, "select count(*) from silver.stg_ecommerce__orders where order_id like 'O9%'"
        )[0][0]
        == 0
    )
    assert query(minimal, "select count(*), sum(order_total) from gold.fct_orders") == (gold_before)

    # a re-run (or a job retry) does not let the delivery through
    again = dbt(minimal, check=False)
    assert again.returncode != 0 and "ecommerce.orders delivery rejected: 20 of 40" in again.stdout

    # accepted on purpose: the good half loads, the bad half stays in quarantine
    dbt(minimal, "--vars", "{quarantine_rate_thresholds: {ecommerce.orders: 1}}")
    assert query(minimal, "select count(*) from gold.fct_orders where order_id like 'O9%'") == [
        (20,)
    ]
    assert query(
        minimal,
        f"select count(*) from silver.dq_quarantine where source_file like '%{delivery.name}'",
    ) == [(20,)]
    # and the next build, with the default threshold, is green again
    dbt(minimal)


@pytest.mark.slow
def test_a_delivery_that_reuses_event_ids_stops_the_build(minimal: Path) -> None:
    """A collector that numbers its events anew: a later events file whose event ids are those
    of earlier events, with other visitors and times. The build stops before staging replaces
    the earlier events, with one sentence naming the table, the counts and the file; the
    earlier events stay staged. Let through on purpose (the var), they replace them."""
    folder = minimal / "landing" / "web" / "events"
    first = sorted(folder.glob("events_*.parquet"))[0]
    delivery = folder / "events_2026-07-02.parquet"
    with duckdb.connect() as con:
        restarted = con.sql(
            "select * replace ('restart-' || anonymous_id as anonymous_id,"
            " event_at + interval 30 day as event_at)"
            " from read_parquet(?) order by event_id limit 30",
            params=[str(first)],
        ).to_arrow_table()
    pq.write_table(restarted, delivery)
    ids = "', '".join(restarted.column("event_id").to_pylist())
    restaged = f"select count(*) from silver.stg_web__events where event_id in ('{ids}')"
    assert query(minimal, restaged) == [(30,)]
    moved = restaged + " and anonymous_id like 'restart-%'"

    # the web events' models alone (the guard sits between bronze and staging), and only the
    # tests of what they build
    events_only = ("--select", "+stg_web__events", "--indirect-selection", "cautious")
    failed = dbt(minimal, *events_only, check=False)
    assert failed.returncode != 0
    out = " ".join(failed.stdout.split())
    assert (
        "web.events delivery rejected: 30 of 30 records delivered since the last complete"
        " build (100.0%) are another version of a record delivered before them or with them"
        " under the same event_id, over the 5% threshold."
    ) in out
    assert f"Files with reused ids: {delivery} (30). dbt build skips everything downstream" in out
    assert "--vars '{rewrite_rate_thresholds: {web.events: 1}}'" in out
    assert query(minimal, moved) == [(0,)]

    dbt(minimal, *events_only, "--vars", "{rewrite_rate_thresholds: {web.events: 1}}")
    assert query(minimal, moved) == [(30,)]


# --------------------------------------------------------------------------------------
# make run's summary
# --------------------------------------------------------------------------------------
def test_the_summary_lists_files_and_records_per_landing_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from io import StringIO

    from rich.console import Console

    from python_jobs.summary import print_summary

    db = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        for schema in ("bronze", "silver", "gold"):
            con.execute(f"create schema {schema}")
        con.execute(
            "create table bronze.brz_ecommerce__orders as select * from (values "
            "('/a/orders_1.csv'), ('/a/orders_1.csv'), ('/a/orders_2.csv'), ('/a/orders_2.csv')) "
            "as t(_source_file)"
        )
        con.execute(
            "create table silver.dq_record_accounting as select 'ecommerce.orders' as "
            "source_table, 2 as loaded_records, 1 as quarantined_records"
        )
        con.execute(
            "create table silver.dq_quarantine as select 'ecommerce.orders' as source_table, "
            "'order_total_is_decimal' as rule_name"
        )
        con.execute("create table gold.fct_orders as select 1 as order_id")
    monkeypatch.setenv("C360_DUCKDB_PATH", str(db))
    out = StringIO()
    print_summary(Console(file=out, width=60))
    lines = out.getvalue().splitlines()
    assert "  landing table     files  records  loaded  quarantined  top rule" in lines
    assert (
        "  ecommerce.orders      2        4       2    1 (25.0%)  order_total_is_decimal (1)"
    ) in lines
    # commands are printed whole, on one line each, whatever the console width
    assert any(
        line.startswith("  .venv/bin/python -c ") and "limit 10'))\"" in line for line in lines
    )
