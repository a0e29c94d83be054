"""Malformed and hostile landing files, each dropped next to a valid small sample (issue 11):
the build succeeds, every record of a readable file is in bronze, `dq_record_accounting` adds
up with nothing unaccounted, and nothing in a file (its name, header or bytes) runs as SQL.

One build reads the sample and every hostile file together; each test checks its own file."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_landing_paths import BUILD, accounting, assert_adds_up
from test_pipeline import (
    DBT,
    END_DATE,
    REPO,
    dbt,
    dbt_env,
    dbt_result_line,
    generate,
    with_fields,
)

pytestmark = pytest.mark.slow

INJECTION = "x.csv']); create table main.pwned_orders as select 42 as x; --"
# the bronze table of each landing folder
TABLES = {
    "crm/customers": "brz_crm__customers",
    "ecommerce/orders": "brz_ecommerce__orders",
    "ecommerce/order_items": "brz_ecommerce__order_items",
    "web/events": "brz_web__events",
    "support/ticket_changes": "brz_support__ticket_changes",
}
PARQUET_INJECTION = "x.parquet']); create table main.pwned_events as select 42 as x; --"
# a CSV column name that closes the reader's quoting: kept as data in _rescued_data
HEADER_INJECTION = "note'); create table main.pwned_header as select 1 as x; --"


def orders_sample(landing: Path, rows: int = 3) -> tuple[str, list[str]]:
    """The header and the first `rows` data lines of the first generated orders file."""
    first = sorted((landing / "ecommerce" / "orders").glob("orders_*.csv"))[0]
    header, *lines = first.read_text().splitlines()
    return header, lines[:rows]


def drop(landing: Path, relative: str, content: bytes) -> str:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return relative


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The valid sample and every hostile file, built once; returns the workdir, the files
    dropped (path under the landing root -> records it holds) and the build's output."""
    workdir = tmp_path_factory.mktemp("hostile")
    generate(workdir, "--scale", "0.003", "--days", "40", "--seed", "5", "--end-date", END_DATE)
    landing = workdir / "landing"
    header, lines = orders_sample(landing)
    csv = (header + "\n" + "\n".join(lines) + "\n").encode()
    events = sorted((landing / "web" / "events").glob("events_*.parquet"))[0]
    with duckdb.connect() as con:
        events_rows = con.execute("select count(*) from read_parquet(?)", [str(events)]).fetchone()
    with_note = "\n".join([f"{header},{HEADER_INJECTION}", *(f"{line},hello" for line in lines)])
    files = {
        drop(landing, f"ecommerce/orders/orders_{INJECTION}.csv", csv): len(lines),
        drop(landing, "ecommerce/orders/orders_2026-07-02_o'brien.csv", csv): len(lines),
        drop(landing, f"web/events/events_{PARQUET_INJECTION}.parquet", events.read_bytes()): (
            events_rows[0]
        ),
        drop(landing, "ecommerce/orders/orders_2026-07-03_note.csv", with_note.encode()): len(
            lines
        ),
    }
    customers = sorted((landing / "crm" / "customers").glob("customers_*.jsonl"))[0]
    customer_lines = customers.read_text().splitlines()[:3]
    bom = b"\xef\xbb\xbf"
    ragged = [*lines[:-1], lines[-1] + ",surplus,fields"]
    files.update(
        {
            # empty (0-byte) files of every format: delivered with no record
            drop(landing, "crm/customers/customers_2026-07-05.jsonl", b""): 0,
            drop(landing, "ecommerce/orders/orders_2026-07-05.csv", b""): 0,
            drop(landing, "web/events/events_2026-07-05.parquet", b""): 0,
            drop(landing, "support/ticket_changes/ticket_changes_2026-07-05.parquet", b""): 0,
            # a UTF-8 byte order mark before the CSV header and the first JSON line
            drop(landing, "ecommerce/orders/orders_2026-07-06_bom.csv", bom + csv): len(lines),
            drop(
                landing,
                "crm/customers/customers_2026-07-06_bom.jsonl",
                bom + "\n".join(customer_lines).encode() + b"\n",
            ): len(customer_lines),
            # a row with more fields than the header
            drop(
                landing,
                "ecommerce/orders/orders_2026-07-07_ragged.csv",
                "\n".join([header, *ragged]).encode() + b"\n",
            ): len(lines),
        }
    )
    # Parquet values of another type than the contract's: null in the column, kept as text
    with duckdb.connect() as con:
        for name, select in {
            "web/events/events_2026-07-09_text.parquet": (
                "select 'e-text-1' as event_id, 'a-1' as anonymous_id, 'page_view' as event_type,"
                " 'yesterday' as event_at"
                " union all select 'e-text-2', 'a-1', 'page_view', '2026-06-29T10:00:00Z'"
            ),
            "web/events/events_2026-07-09_int.parquet": (
                "select 'e-int-1' as event_id, 'a-1' as anonymous_id, 'page_view' as event_type,"
                " 1783000000::bigint as event_at"
            ),
            # columns the contract does not know: kept in _rescued_data when they hold a value
            "web/events/events_2026-07-09_extra.parquet": (
                "select 'e-extra-1' as event_id, 'a-1' as anonymous_id, 'page_view' as event_type,"
                " timestamp '2026-06-29 11:00:00' as event_at, 'summer' as ad_campaign,"
                " cast(null as varchar) as ad_group"
                " union all select 'e-extra-2', 'a-1', 'page_view',"
                " timestamp '2026-06-29 11:05:00', null, null"
            ),
            # an account id written as a float (pandas: an integer column with nulls)
            "web/events/events_2026-07-09_float.parquet": (
                "select 'e-float-1' as event_id, 'a-1' as anonymous_id,"
                " 'page_view' as event_type, timestamp '2026-06-29 12:00:00' as event_at,"
                " 1000942.0::double as shop_account_id"
                " union all select 'e-float-2', 'a-1', 'page_view',"
                " timestamp '2026-06-29 12:05:00', 12.5::double"
            ),
            # a score written as a float: 4.0 is an integer, 4.5 is none (not rounded to 4)
            "support/ticket_changes/ticket_changes_2026-07-09_float.parquet": (
                "select 'T-float-1' as ticket_id, 4.5::double as satisfaction_score,"
                " 'update_postimage' as _change_type"
                " union all select 'T-float-2', 4.0::double, 'update_postimage'"
            ),
            "support/ticket_changes/ticket_changes_2026-07-09_text.parquet": (
                "select 'T-text-1' as ticket_id, 'five' as satisfaction_score,"
                " 'update_postimage' as _change_type"
            ),
        }.items():
            (landing / name).parent.mkdir(parents=True, exist_ok=True)
            con.execute(f"copy ({select}) to '{landing / name}' (format parquet)")
            files[name] = con.execute(f"select count(*) from ({select})").fetchone()[0]
    # a JSON line with bytes that are not UTF-8, and a JSON line of 5 MB
    invalid = customer_lines[1].encode().replace(b'"first_name":"', b'"first_name":"\xff\xfe', 1)
    assert b"\xff" in invalid
    files[
        drop(
            landing,
            "crm/customers/customers_2026-07-10_latin.jsonl",
            b"\n".join([customer_lines[0].encode(), invalid, customer_lines[2].encode()]) + b"\n",
        )
    ] = 3
    huge = json.loads(customer_lines[0]) | {"notes": "x" * 5_000_000}
    files[
        drop(landing, "crm/customers/customers_2026-07-10_huge.jsonl", json.dumps(huge).encode())
    ] = 1
    # a header that only a CSV parser splits right: a quoted name with a comma, a quoted name
    # with quotes, a column without a name (trailing comma), and a column named twice
    awkward_header = header + ',"ref, internal","note ""x""",,' + header.split(",")[0]
    files[
        drop(
            landing,
            "ecommerce/orders/orders_2026-07-11_header.csv",
            "\n".join([awkward_header, *(f"{line},R1,N1,,again" for line in lines)]).encode()
            + b"\n",
        )
    ] = len(lines)
    # a header in upper case: no required column by its contract name
    files[
        drop(
            landing,
            "ecommerce/orders/orders_2026-07-12_upper.csv",
            "\n".join([header.upper(), *lines]).encode() + b"\n",
        )
    ] = len(lines)
    # cut off in the middle of its last row (in the email, before the phone): no final line break
    cut_row = lines[-1][: lines[-1].index("@") + 3]
    files[
        drop(
            landing,
            "ecommerce/orders/orders_2026-07-13_cut.csv",
            "\n".join([header, *lines[:-1], cut_row]).encode(),
        )
    ] = len(lines)
    # a JSON array instead of JSON lines: one malformed record, named in a warning
    files[
        drop(
            landing,
            "crm/customers/customers_2026-07-14_array.jsonl",
            ("[" + ",".join(customer_lines) + "]").encode(),
        )
    ] = 1
    # a placeholder for "no account" in the shop account of guest orders
    files[
        drop(
            landing,
            "ecommerce/orders/orders_2026-07-15_placeholder.csv",
            "\n".join(
                [header, *(with_fields(header, line, shop_account_id="N/A") for line in lines)]
            ).encode()
            + b"\n",
        )
    ] = len(lines)
    # no header row: its first row is read as the header, and the warning says so
    files[
        drop(
            landing,
            "ecommerce/orders/orders_2026-07-16_noheader.csv",
            "\n".join(lines).encode() + b"\n",
        )
    ] = len(lines) - 1
    # optional values that do not read as their type (a warning), or spell "none" (absent)
    contact = json.loads(customer_lines[0])
    odd_values = [
        contact | {"crm_id": "C-odd-1", "is_deleted": "X", "marketing_consent": "on"},
        contact | {"crm_id": "C-odd-2", "signup_at": 1719000000, "marketing_consent": False},
        contact | {"crm_id": "C-odd-3", "is_deleted": "N/A", "marketing_consent": " true "},
    ]
    files[
        drop(
            landing,
            "crm/customers/customers_2026-07-17_values.jsonl",
            "\n".join(json.dumps(line) for line in odd_values).encode() + b"\n",
        )
    ] = len(odd_values)
    # a CSV row of 3 MB (a note beyond read_csv's default line limit of 2,000,000 bytes)
    files[
        drop(
            landing,
            "ecommerce/orders/orders_2026-07-18_long.csv",
            "\n".join(
                [
                    f"{header},note",
                    f"{lines[0]},{'x' * 3_000_000}",
                    *(f"{line}," for line in lines[1:]),
                ]
            ).encode()
            + b"\n",
        )
    ] = len(lines)
    # a unit price with more decimals than decimal(18,2) keeps: rounded in silver, named
    files[
        drop(
            landing,
            "ecommerce/order_items/order_items_2026-07-19_decimals.csv",
            b"order_id,line_number,product_id,quantity,unit_price,updated_at\n"
            b"O-dec-1,1,P10013,2,722.6789,\nO-dec-1,2,P10013,1,9.90,\n",
        )
    ] = 2
    # deletes sent with the ticket's key alone: of a ticket delivered before, and of one never
    # seen (the contract lets a delete lack its status)
    tickets = [
        str(path) for path in (landing / "support" / "ticket_changes").glob("*_2026-06-*.parquet")
    ]
    key_only = landing / "support" / "ticket_changes" / "ticket_changes_2026-07-20_deletes.parquet"
    with duckdb.connect() as con:
        # every column but the key and the change data feed's own
        state = [
            column
            for column, *_ in con.execute(
                "describe select * from read_parquet(?)", [tickets]
            ).fetchall()
            if column != "ticket_id" and not column.startswith("_")
        ]
        con.execute(
            "copy (select ticket_id, {nulls}, 'delete' as _change_type,"
            " _commit_version + 1000000 as _commit_version,"
            " _commit_timestamp + interval 60 days as _commit_timestamp"
            " from (select * from read_parquet(?) where _change_type = 'insert'"
            " order by ticket_id limit 1)"
            " union all (select 'T99999999', {nulls}, 'delete', 1,"
            " timestamptz '2026-07-01 10:00:00+00'"
            " from read_parquet(?) limit 1)) to ? (format parquet)".format(
                nulls=", ".join(
                    f"case when false then {column} end as {column}" for column in state
                )
            ),
            [tickets, tickets, str(key_only)],
        )
    files[key_only.relative_to(landing).as_posix()] = 2
    # a quoted field holding a line break (RFC 4180), in a column the contract does not know
    files[
        drop(
            landing,
            "ecommerce/orders/orders_2026-07-21_linebreak.csv",
            "\n".join(
                [
                    f"{header},note",
                    f'{lines[0]},"line one\nline two"',
                    *(f"{line}," for line in lines[1:]),
                ]
            ).encode()
            + b"\n",
        )
    ] = len(lines)
    # account ids changed on the way by an export tool: lower case, quotes kept in the value
    mangled = [
        with_fields(header, lines[0], order_id="O910000000", shop_account_id="a1000001"),
        with_fields(header, lines[1], order_id="O910000001", shop_account_id='"""A1000001"""'),
    ]
    files[
        drop(
            landing,
            "ecommerce/orders/orders_2026-07-22_accounts.csv",
            "\n".join([header, *mangled]).encode() + b"\n",
        )
    ] = 2
    # numeric order ids written by a spreadsheet in scientific notation, their digits lost: two
    # orders of two buyers under one id, and a European locale's decimal comma
    sheet_ids = ["1.00002E+09", "1.00002E+09", '"1,00002E+09"']
    spreadsheet = [
        with_fields(header, line, order_id=order_id)
        for line, order_id in zip(lines, sheet_ids, strict=True)
    ] + [
        # an exact order id, but its buyer's account id a spreadsheet's number
        with_fields(header, lines[0], order_id="O910000009", shop_account_id="1.00002E+06"),
        # a phone written so: the order is kept, the phone is no contact point
        with_fields(header, lines[1], order_id="O910000010", phone="4.91701E+11"),
    ]
    files[
        drop(
            landing,
            "ecommerce/orders/orders_2026-07-23_spreadsheet.csv",
            "\n".join([header, *spreadsheet]).encode() + b"\n",
        )
    ] = len(spreadsheet)
    # a quote not closed where its value ends: DuckDB reads the rows after it into that value
    unclosed = [
        with_fields(header, lines[0], order_id="O920000000"),
        with_fields(header, lines[1], order_id="O920000001", email='"jo"hn.doe@example.com"'),
        # the next row has a quoted field: DuckDB's value ends there, cutting the row short
        with_fields(header, lines[2], order_id="O920000002", email='"Nowak, Jakub <j@x.com>"'),
    ]
    files[
        drop(
            landing,
            "ecommerce/orders/orders_2026-07-23_unclosed.csv",
            "\n".join([header, *unclosed]).encode() + b"\n",
        )
    ] = 2
    # optional columns renamed by the exporter (email as customer_email, and the account as
    # customer_id, as shop systems name it)
    renamed_header = header.replace(",email,", ",customer_email,").replace(
        ",shop_account_id,", ",customer_id,"
    )
    files[
        drop(
            landing,
            "ecommerce/orders/orders_2026-07-24_renamed.csv",
            "\n".join([renamed_header, *lines]).encode() + b"\n",
        )
    ] = len(lines)
    # columns the contract does not know named like contract columns that the file has too:
    # a gift card id on its one guest order, and a second email column (no renaming)
    extras_header = header + ",gift_card_id,o'email"
    extras = [
        with_fields(
            extras_header, lines[0] + ",G1,x@example.com", order_id="O940000000", shop_account_id=""
        ),
        *(f"{line},,y@example.com" for line in lines[1:]),
    ]
    files[
        drop(
            landing,
            "ecommerce/orders/orders_2026-07-24_extras.csv",
            "\n".join([extras_header, *extras]).encode() + b"\n",
        )
    ] = len(extras)
    # an event id used again by the collector for another event (web events are written once),
    # of another product on the same page: every contract column is the record's content
    reused = landing / "web" / "events" / "events_2026-07-25_reused.parquet"
    with duckdb.connect() as con:
        con.execute(
            "copy (select * replace ('P99999' as product_id)"
            " from read_parquet(?) limit 1) to ? (format parquet)",
            [str(events), str(reused)],
        )
    files[reused.relative_to(landing).as_posix()] = 1
    # a change data feed whose versions start again at 1 (the source table recreated)
    restarted = landing / "support" / "ticket_changes" / "ticket_changes_2026-07-26_restart.parquet"
    with duckdb.connect() as con:
        con.execute(
            "copy (select * replace (cast(1 as bigint) as _commit_version,"
            " _commit_timestamp + interval 30 days as _commit_timestamp)"
            " from read_parquet(?) where _change_type = 'insert'"
            " order by ticket_id desc limit 1) to ? (format parquet)",
            [tickets, str(restarted)],
        )
    files[restarted.relative_to(landing).as_posix()] = 1
    # a name dated in the future: delivered on the day it is ingested, named in a warning
    files[drop(landing, "ecommerce/orders/orders_2099-01-01.csv", csv)] = len(lines)
    # files no contract reads: another case, a subfolder
    drop(landing, "ecommerce/orders/Orders_2026-07-08.csv", csv)
    drop(landing, "web/events/late/events_2026-07-08.parquet", events.read_bytes())
    drop(landing, "ecommerce/orders/orders_2026-07-08.csv.gz", gzip.compress(csv))
    # a name the reader would expand as a pattern: refused with a warning, left in place
    drop(landing, "ecommerce/orders/orders_2026-07-04_which?.csv", csv)
    done = dbt(workdir, "hostile", *BUILD)
    return {"workdir": workdir, "files": files, "output": done.stdout}


def warehouse_rows(hostile: dict, sql: str) -> list[tuple]:
    """The rows of a query on the hostile build's warehouse."""
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def bronze_records(workdir: Path, table: str, source_path: str) -> int:
    with duckdb.connect(str(workdir / "hostile.duckdb"), read_only=True) as con:
        return con.execute(
            f"select count(*) from bronze.{table} where _source_path = ?", [source_path]
        ).fetchone()[0]


def test_accounting_adds_up(hostile: dict) -> None:
    assert_adds_up(accounting(hostile["workdir"] / "hostile.duckdb"))


def test_sql_in_a_file_name_is_not_executed(hostile: dict) -> None:
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        created = con.execute(
            "select count(*) from information_schema.tables where table_name like 'pwned%'"
        ).fetchone()[0]
    assert created == 0
    # the files are ordinary deliveries: their records are in bronze, under their own names
    for name, table in [
        (f"ecommerce/orders/orders_{INJECTION}.csv", "brz_ecommerce__orders"),
        (f"web/events/events_{PARQUET_INJECTION}.parquet", "brz_web__events"),
    ]:
        assert bronze_records(hostile["workdir"], table, name) == hostile["files"][name]


def test_sql_in_a_column_name_is_kept_as_data(hostile: dict) -> None:
    name = "ecommerce/orders/orders_2026-07-03_note.csv"
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        rescued = con.execute(
            "select _rescued_data from bronze.brz_ecommerce__orders where _source_path = ?",
            [name],
        ).fetchall()
        created = con.execute(
            "select count(*) from information_schema.tables where table_name like 'pwned%'"
        ).fetchone()[0]
    assert created == 0
    assert len(rescued) == hostile["files"][name]
    assert all(json.loads(row[0]) == {HEADER_INJECTION: "hello"} for row in rescued)


def test_a_quote_in_a_file_name_loads(hostile: dict) -> None:
    name = "ecommerce/orders/orders_2026-07-02_o'brien.csv"
    assert bronze_records(hostile["workdir"], "brz_ecommerce__orders", name) == 3


def test_a_wildcard_in_a_file_name_is_refused_with_a_sentence(hostile: dict) -> None:
    name = "ecommerce/orders/orders_2026-07-04_which?.csv"
    assert bronze_records(hostile["workdir"], "brz_ecommerce__orders", name) == 0
    assert "orders_2026-07-04_which?.csv" in hostile["output"]
    assert "is not ingested: its name has a wildcard character" in hostile["output"]


def test_every_record_of_a_readable_file_is_in_bronze(hostile: dict) -> None:
    for name, records in hostile["files"].items():
        table = TABLES[name.rsplit("/", 1)[0]]
        assert bronze_records(hostile["workdir"], table, name) == records, name


def test_empty_files_are_logged_and_load_nothing(hostile: dict) -> None:
    for name in [
        "crm/customers/customers_2026-07-05.jsonl",
        "ecommerce/orders/orders_2026-07-05.csv",
        "web/events/events_2026-07-05.parquet",
        "support/ticket_changes/ticket_changes_2026-07-05.parquet",
    ]:
        assert f'{name}" is empty (0 bytes): no record to ingest' in hostile["output"], name


def test_a_byte_order_mark_is_not_part_of_the_data(hostile: dict) -> None:
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        orders = con.execute(
            "select count(order_id), count(_rescued_data) from bronze.brz_ecommerce__orders"
            " where _source_path = 'ecommerce/orders/orders_2026-07-06_bom.csv'"
        ).fetchone()
        customers = con.execute(
            "select count(crm_id), count(*) filter (where _is_malformed)"
            " from bronze.brz_crm__customers"
            " where _source_path = 'crm/customers/customers_2026-07-06_bom.jsonl'"
        ).fetchone()
    assert orders == (3, 0)
    assert customers == (3, 0)


def test_extra_fields_of_a_ragged_row_are_rescued(hostile: dict) -> None:
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select _source_row_number, _rescued_data, order_id from bronze.brz_ecommerce__orders"
            " where _source_path = 'ecommerce/orders/orders_2026-07-07_ragged.csv'"
            " order by _source_row_number"
        ).fetchall()
    width = len(orders_sample(hostile["workdir"] / "landing")[0].split(","))
    assert [row[1] for row in rows[:-1]] == [None, None]
    assert json.loads(rows[-1][1]) == {
        f"_field_{width + 1}": "surplus",
        f"_field_{width + 2}": "fields",
    }
    assert all(row[2] for row in rows)


def test_a_header_is_split_as_csv_and_its_awkward_names_are_rescued(hostile: dict) -> None:
    """Every contract column is read from its own field, whatever the header's quoted names,
    nameless and repeated columns; those go to _rescued_data (the nameless one only with a
    value), and a warning names the repeated one."""
    header, _ = orders_sample(hostile["workdir"] / "landing")
    width = len(header.split(","))
    columns = "order_id, shop_account_id, email, phone, ordered_at, order_total"
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        plain = con.execute(
            f"select {columns} from bronze.brz_ecommerce__orders"
            " where _source_path = 'ecommerce/orders/orders_2026-07-02_o''brien.csv'"
            " order by _source_row_number"
        ).fetchall()
        awkward = con.execute(
            f"select {columns}, _rescued_data from bronze.brz_ecommerce__orders"
            " where _source_path = 'ecommerce/orders/orders_2026-07-11_header.csv'"
            " order by _source_row_number"
        ).fetchall()
    assert [row[:-1] for row in awkward] == plain
    assert all(
        json.loads(row[-1])
        == {"ref, internal": "R1", 'note "x"': "N1", f"_field_{width + 4}": "again"}
        for row in awkward
    )
    first = header.split(",")[0]
    assert f'name the column(s) "{first}" more than once in their header' in hostile["output"]


def test_a_file_without_a_required_column_is_named_with_the_likely_cause(hostile: dict) -> None:
    """ORDER_ID is not order_id: the build warns that the file lacks the required columns, and
    that they are there in another case; its records are in bronze and quarantined."""
    output = " ".join(hostile["output"].split())
    assert (
        'landing file(s) of ecommerce.orders ("' in output
        and 'orders_2026-07-12_upper.csv") have no column order_id' in output
    )
    assert "Column names match case-sensitively: the files have order_id" in output
    headerless = output[output.index('orders_2026-07-16_noheader.csv") have no column') :]
    assert (
        "the files may have no header row, and their first row was read as one"
        in (headerless[: headerless.index("new names")])
    )
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        quarantined = con.execute(
            "select count(*) filter (where _is_quarantined), count(*)"
            " from silver.base_ecommerce__orders where _source_file like '%_upper.csv'"
        ).fetchone()
    assert quarantined == (3, 3)


def test_a_csv_file_cut_off_in_a_row_is_named(hostile: dict) -> None:
    """A file whose last row has no line break is named, with its fields when fewer than the
    header's; the row is read as far as it goes. Files that end with a line break are not named."""
    header, lines = orders_sample(hostile["workdir"] / "landing")
    width = len(header.split(","))
    output = " ".join(hostile["output"].split())
    warning = output[output.index("Landing file(s) end without a line break") :]
    warning = warning[: warning.index("docs/landing_contract.md")]
    assert f"orders_2026-07-13_cut.csv\" (its last row has {width - 1} of the header's {width}" in (
        warning
    )
    # a row whole but for its final line break is named without a field count
    assert 'orders_2026-07-03_note.csv", ' in warning or 'orders_2026-07-03_note.csv". ' in warning
    assert "o'brien" not in warning and "_ragged.csv" not in warning
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        email, phone = con.execute(
            "select email, phone from bronze.brz_ecommerce__orders"
            " where _source_path = 'ecommerce/orders/orders_2026-07-13_cut.csv'"
            " order by _source_row_number desc limit 1"
        ).fetchone()
    assert (email, phone) == (lines[-1][: lines[-1].index("@") + 3].split(",")[-1], None)


def test_a_json_array_is_named_and_quarantined(hostile: dict) -> None:
    """A file holding a JSON array is not JSON lines: a warning names it, and its one line is
    a malformed record in quarantine (kept whole), not lost."""
    output = " ".join(hostile["output"].split())
    assert "landing file(s) of crm.customers hold JSON that is not one object per line" in output
    assert 'customers_2026-07-14_array.jsonl"' in output
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        malformed = con.execute(
            "select _is_quarantined, starts_with(_rescued_data, '[')"
            " from silver.base_crm__customers where _source_file like '%_array.jsonl'"
        ).fetchall()
    assert malformed == [(True, True)]


def test_a_placeholder_account_is_no_account(hostile: dict) -> None:
    """`N/A` in shop_account_id is read as empty: the orders are guest orders, not one
    account's."""
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        accounts = con.execute(
            "select count(*), count(shop_account_id) from silver.base_ecommerce__orders"
            " where _source_file like '%_placeholder.csv'"
        ).fetchone()
    assert accounts == (3, 0)


def test_values_that_do_not_read_as_their_type_are_named(hostile: dict) -> None:
    """An optional value that is there but not of its type (`is_deleted` `X`, consent `on`, a
    signup in epoch seconds) is kept as null or its default with a warning that names the
    column, and the build's log counts the warnings; `N/A` is absent (the default) and a
    value with spaces around it reads."""
    contacts = warehouse_rows(
        hostile,
        "select crm_id, is_deleted, has_marketing_consent, signup_at is null,"
        " _unreadable_values, _dq_warnings from silver.base_crm__customers"
        " where _source_file like '%_values.jsonl' order by crm_id",
    )
    assert contacts == [
        ("C-odd-1", False, None, False, "marketing_consent, is_deleted", "values_are_readable"),
        ("C-odd-2", False, False, True, "signup_at", "values_are_readable"),
        ("C-odd-3", False, True, False, None, None),
    ]
    output = " ".join(hostile["output"].split())
    assert re.search(
        r"crm\.customers: \d+ of \d+ records delivered since the last complete build "
        r"\([\d.]+%\) kept with warnings, most \w+ \(\d+\), (?:within|over) the 10% that"
        r" warns: select _dq_warnings",
        output,
    )


def test_amounts_with_more_decimals_than_their_type_keeps_are_named(hostile: dict) -> None:
    """A unit price of 722.6789 is 722.68 in silver (decimal(18,2)): the line is kept with the
    warning amounts_are_exact, its _rounded_values names the column, and bronze keeps the
    price as sent."""
    lines = warehouse_rows(
        hostile,
        "select base.line_number, cast(base.unit_price as varchar), landed.unit_price,"
        " base._rounded_values, base._dq_warnings from silver.base_ecommerce__order_items"
        " as base inner join bronze.brz_ecommerce__order_items as landed"
        " on base._record_id = landed._record_id where base.order_id = 'O-dec-1' order by 1",
    )
    assert lines == [
        (1, "722.68", "722.6789", "unit_price", "amounts_are_exact"),
        (2, "9.90", "9.90", None, None),
    ]


def test_a_delete_sent_with_its_key_alone_keeps_the_last_known_state(hostile: dict) -> None:
    """A ticket deleted by a change that carries its key alone keeps its last known status and
    requester, flagged deleted and not open; a ticket known by such a delete only has no
    status. The build goes on (its not_null test on the status used to stop gold)."""
    tickets = warehouse_rows(
        hostile,
        "select ticket_id, ticket_status, requester_email, is_deleted, is_open"
        " from silver.stg_support__tickets where _source_file like '%_deletes%.parquet'"
        " order by ticket_id",
    )
    known = tickets[0][0]
    last_state = warehouse_rows(
        hostile,
        "select ticket_status, requester_email from silver.base_support__ticket_changes"
        f" where ticket_id = '{known}' and ticket_status is not null"
        " and change_type != 'update_preimage' order by commit_version desc limit 1",
    )
    assert tickets == [
        (known, *last_state[0], True, False),
        ("T99999999", None, None, True, False),
    ]


def test_a_quoted_line_break_in_a_csv_field_is_kept(hostile: dict) -> None:
    """A quoted CSV field may hold a line break (RFC 4180): the record loads whole, the line
    break inside the field, and the rows after it load as they are (DuckDB's parallel CSV
    reader used to refuse the file, and every build after it)."""
    records = warehouse_rows(
        hostile,
        "select order_id, _rescued_data from bronze.brz_ecommerce__orders"
        " where _source_path = 'ecommerce/orders/orders_2026-07-21_linebreak.csv'"
        " order by _source_row_number",
    )
    _, lines = orders_sample(hostile["workdir"] / "landing")
    assert [order_id for order_id, _ in records] == [line.split(",")[0] for line in lines]
    assert json.loads(records[0][1]) == {"note": "line one\nline two"}
    assert [rescued for _, rescued in records[1:]] == [None] * (len(lines) - 1)


def test_account_ids_changed_by_an_export_tool_are_named(hostile: dict) -> None:
    """An account id in lower case, or with its quotes kept in the value, matches no other
    system's id: identity resolution makes it a customer of its own. The build warns with the
    format test of the column, naming how many orders carry such an id."""
    name = "stg_ecommerce__orders_shop_account_id_format"
    assert " WARN 2 " in dbt_result_line(hostile["output"], name)


def test_an_optional_column_renamed_by_the_exporter_is_named(hostile: dict) -> None:
    """An export whose email column is called customer_email and whose account column is
    called customer_id has no email and no account (optional: absent) and two columns the
    contract does not know: the build names the likely renamings, where the emails used to go
    unused, and every order was a guest's, in silence. Ingestion names them in the log (on
    DuckDB), and the warning test on the bronze table counts a WARN for each (on every
    engine), with a sentence that says what to do."""
    output = " ".join(hostile["output"].split())
    assert (
        "ecommerce.orders: files delivered since the last complete build have columns the"
        " contract does not know, named like contract columns that none of their records has a"
        ' value for: "ORDER_ID" for order_id (3 records), "SHOP_ACCOUNT_ID" for shop_account_id'
        ' (3 records), "customer_id" for shop_account_id (3 records),'
    ) in output
    assert '"customer_email" for email (3 records), "EMAIL" for email (3 records)' in output
    # the renamed file's two columns, and the 11 of the file with its header in capitals; not
    # the gift card id or the second email of a file that has the account and email columns
    assert "gift_card_id" not in output and '"o\'email"' not in output
    name = "dq_renamed_landing_columns__ecommerce_orders"
    assert " WARN 13 " in dbt_result_line(hostile["output"], name)
    assert 'orders_2026-07-24_renamed.csv") lack optional columns of the contract' in output
    assert (
        'named like the contract\'s (in brackets): shop_account_id ("customer_id"),'
        ' email ("customer_email")'
    ) in output
    renamed = warehouse_rows(
        hostile,
        "select count(*), count(email), count(shop_account_id), count(_rescued_data)"
        " from silver.base_ecommerce__orders where _source_file like '%_renamed.csv'",
    )
    assert renamed == [(3, 0, 0, 3)]


def test_an_event_id_used_again_for_another_event_is_named(hostile: dict) -> None:
    """Web events are written once: an event id delivered again with other content replaces
    the earlier event. The build warns, and the accounting counts the record replaced."""
    name = "dq_record_accounting_records_written_once_have_one_version"
    assert " WARN 1 " in dbt_result_line(hostile["output"], name)
    assert warehouse_rows(
        hostile,
        "select superseded_records from silver.dq_record_accounting"
        " where source_table = 'web.events'",
    ) == [(1,)]


def test_a_change_feed_whose_versions_start_again_is_named(hostile: dict) -> None:
    """A ticket change numbered 1 but committed after the ticket's other changes loses to them
    (the highest version is applied): the build warns, counting the ticket."""
    name = "assert_ticket_change_versions_follow_their_commit_times"
    assert " WARN 1 " in dbt_result_line(hostile["output"], name)


def test_ids_a_spreadsheet_wrote_in_scientific_notation_are_quarantined(hostile: dict) -> None:
    """Order ids a spreadsheet rewrote as `1.00002E+09` have lost their last digits: read as
    keys, the orders of several buyers would become versions of one. Each record is
    quarantined with a reason that says so, and none reaches staging; so is an order whose
    buyer's account id was written so (as a reference it would make the buyers of several
    accounts one customer). A phone written so is kept but is no contact point, with a
    warning."""
    quarantined = warehouse_rows(
        hostile,
        "select rule_name, reason from silver.dq_quarantine"
        " where source_file like '%orders_2026-07-23_spreadsheet.csv'",
    )
    assert len(quarantined) == 4
    assert {rule for rule, _ in quarantined} == {"ids_are_exact"}
    assert all("scientific notation" in reason for _, reason in quarantined)
    assert warehouse_rows(
        hostile,
        "select count(*) from silver.stg_ecommerce__orders"
        " where order_id like '%E+%' or shop_account_id like '%E+%'",
    ) == [(0,)]
    assert warehouse_rows(
        hostile,
        "select phone, phone_e164, phone_national_number, _dq_warnings"
        " from silver.base_ecommerce__orders where order_id = 'O910000010'",
    ) == [("4.91701E+11", None, None, "phone_is_exact")]


def test_rows_read_into_a_value_of_an_unclosed_quote_are_quarantined(hostile: dict) -> None:
    """A quote not closed where its value ends makes the CSV reader read the rows after it into
    that value: the record holding them is quarantined, saying so, instead of loading one
    order with an odd email and losing the others in silence."""
    quarantined = warehouse_rows(
        hostile,
        "select rule_name, reason from silver.dq_quarantine"
        " where source_file like '%orders_2026-07-23_unclosed.csv'",
    )
    assert len(quarantined) == 1
    [(rule, reason)] = quarantined
    assert rule == "record_is_parseable"
    assert "quote in it is not closed" in reason
    assert warehouse_rows(
        hostile,
        "select order_id from silver.stg_ecommerce__orders"
        " where _source_file like '%orders_2026-07-23_unclosed.csv'",
    ) == [("O920000000",)]


def test_a_file_named_in_the_future_does_not_move_the_as_of_date(hostile: dict) -> None:
    """orders_2099-01-01.csv is named in a warning and counts as delivered on the day it was
    ingested: no delivery day (gold's default as-of date) after tomorrow."""
    output = " ".join(hostile["output"].split())
    assert 'orders_2099-01-01.csv" is named for 2099-01-01, after the day it is ingested' in output
    dbt(hostile["workdir"], "hostile", "build", "--select", "dq_delivery_counts")
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        latest = con.execute("select max(delivery_date) from silver.dq_delivery_counts").fetchone()
    assert latest[0] <= dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)


def test_files_no_contract_reads_are_listed_with_a_warning(hostile: dict) -> None:
    output = hostile["output"]
    assert "match no landing contract and are not read" in output
    assert "ecommerce/orders/Orders_2026-07-08.csv" in output
    assert "web/events/late/events_2026-07-08.parquet" in output
    assert "Compressed files (1) are not read: deliver them uncompressed." in output


def test_make_runs_summary_lists_the_files_the_build_warned_about(hostile: dict) -> None:
    workdir = hostile["workdir"]
    landing = workdir / "landing"
    done = subprocess.run(
        [sys.executable, "-m", "python_jobs", "summary"],
        cwd=REPO,
        env={**dbt_env(workdir, "hostile"), "COLUMNS": "40"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    listed = [line.strip() for line in done.stdout.splitlines() if line.startswith(f"  {landing}/")]
    warned = re.search(r"(\d+) file\(s\) under the landing root", hostile["output"])
    assert warned and len(listed) == int(warned.group(1))
    assert listed == [
        str(landing / "ecommerce/orders/Orders_2026-07-08.csv"),
        str(landing / "ecommerce/orders/orders_2026-07-08.csv.gz"),
        str(landing / "web/events/late/events_2026-07-08.parquet"),
    ]
    assert all(f'"{path}"' in hostile["output"] for path in listed)


def test_parquet_values_of_another_type_are_rescued(hostile: dict) -> None:
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        events = dict(
            con.execute(
                "select event_id, struct_pack(event_at, _rescued_data) from bronze.brz_web__events"
                " where event_id in ('e-text-1', 'e-text-2', 'e-int-1', 'e-extra-1', 'e-extra-2')"
            ).fetchall()
        )
        float_accounts = con.execute(
            "select shop_account_id from bronze.brz_web__events"
            " where event_id like 'e-float-%' order by event_id"
        ).fetchall()
        ticket = con.execute(
            "select satisfaction_score, _rescued_data from bronze.brz_support__ticket_changes"
            " where ticket_id = 'T-text-1'"
        ).fetchone()
        float_scores = con.execute(
            "select satisfaction_score, _rescued_data from bronze.brz_support__ticket_changes"
            " where ticket_id like 'T-float-%' order by ticket_id"
        ).fetchall()
        quarantined = con.execute(
            "select record_id, rule_name from silver.dq_quarantine"
            " where record_id like 'web/events/events_2026-07-09_%' order by 1"
        ).fetchall()
        unreadable = con.execute(
            "select _unreadable_values from silver.base_support__ticket_changes"
            " where ticket_id = 'T-text-1'"
        ).fetchone()
    assert events["e-text-1"]["event_at"] is None
    assert json.loads(events["e-text-1"]["_rescued_data"]) == {"event_at": "yesterday"}
    assert events["e-text-2"]["event_at"] is not None
    assert events["e-text-2"]["_rescued_data"] is None
    assert events["e-int-1"]["event_at"] is None
    assert json.loads(events["e-int-1"]["_rescued_data"]) == {"event_at": "1783000000"}
    assert json.loads(events["e-extra-1"]["_rescued_data"]) == {"ad_campaign": "summer"}
    assert events["e-extra-2"]["_rescued_data"] is None
    assert events["e-extra-2"]["event_at"] is not None
    assert ticket[0] is None and json.loads(ticket[1]) == {"satisfaction_score": "five"}
    assert float_scores == [(None, '{"satisfaction_score":"4.5"}'), (4, None)]
    # a float id is its integer, as the other systems write it; another float as it was
    assert float_accounts == [("1000942",), ("12.5",)]
    # an optional value rescued is named in silver (warn rule values_are_readable)
    assert unreadable == ("satisfaction_score",)
    # the events without a time reach the quarantine with a reason
    assert quarantined == [
        ("web/events/events_2026-07-09_int.parquet:000000001", "event_at_present"),
        ("web/events/events_2026-07-09_text.parquet:000000001", "event_at_present"),
    ]


def test_a_json_line_that_is_not_utf8_is_kept_as_malformed(hostile: dict) -> None:
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select _source_row_number, _is_malformed, crm_id, _rescued_data"
            " from bronze.brz_crm__customers"
            " where _source_path = 'crm/customers/customers_2026-07-10_latin.jsonl'"
            " order by _source_row_number"
        ).fetchall()
        quarantined = con.execute(
            "select rule_name, reason from silver.dq_quarantine"
            " where record_id = 'crm/customers/customers_2026-07-10_latin.jsonl:000000002'"
        ).fetchall()
    assert [(row[0], row[1]) for row in rows] == [(1, False), (2, True), (3, False)]
    assert rows[0][2] and rows[2][2] and rows[1][2] is None
    # the raw bytes, escaped
    assert "\\xFF\\xFE" in rows[1][3]
    # the reason names the encoding, not the JSON (the line is an object, in other bytes)
    assert quarantined == [
        (
            "record_is_parseable",
            "the line is not UTF-8 text, the encoding of the landing contract:"
            " export the file as UTF-8",
        )
    ]


def test_a_json_line_of_5_mb_is_kept_and_not_logged(hostile: dict) -> None:
    with duckdb.connect(str(hostile["workdir"] / "hostile.duckdb"), read_only=True) as con:
        crm_id, rescued = con.execute(
            "select crm_id, length(_rescued_data) from bronze.brz_crm__customers"
            " where _source_path = 'crm/customers/customers_2026-07-10_huge.jsonl'"
        ).fetchone()
    assert crm_id is not None
    assert rescued > 5_000_000
    assert "x" * 1000 not in hostile["output"]


def test_a_csv_row_of_3_mb_is_kept_and_not_logged(hostile: dict) -> None:
    rows = warehouse_rows(
        hostile,
        "select _source_row_number, length(_rescued_data) from bronze.brz_ecommerce__orders"
        " where _source_path = 'ecommerce/orders/orders_2026-07-18_long.csv'"
        " order by _source_row_number",
    )
    assert len(rows) == hostile["files"]["ecommerce/orders/orders_2026-07-18_long.csv"]
    assert rows[0][1] > 3_000_000 and all(length is None for _, length in rows[1:])
    assert "x" * 1000 not in hostile["output"]


def test_the_same_files_delivered_to_a_built_warehouse_load(hostile: dict) -> None:
    """Run last among the DuckDB tests (it adds to the module's warehouse): the hostile files
    again, under new names, as a later delivery read by an incremental build."""
    workdir, landing = hostile["workdir"], hostile["workdir"] / "landing"
    db = workdir / "hostile.duckdb"
    before = accounting(db)
    added = {}
    for name, records in hostile["files"].items():
        path = landing / name
        copy = path.with_name(f"{path.stem}_day2{path.suffix}")
        copy.write_bytes(path.read_bytes())
        table = TABLES[name.rsplit("/", 1)[0]]
        added[table] = added.get(table, 0) + records
    # Delivered alone, without the valid sample beside them, these files are mostly bad, which
    # the delivery guard rejects (test_contract.py covers that): accept them, so that what is
    # tested here is that an incremental build reads them and accounts for every record.
    accept_all = "{quarantine_rate_thresholds: {default: 1}}"
    dbt(workdir, "hostile", *BUILD, "--vars", accept_all)
    after = accounting(db)
    assert_adds_up(after)
    for source_table, counts in after.items():
        table = "brz_" + source_table.replace(".", "__")
        assert counts["bronze_records"] - before[source_table]["bronze_records"] == added.get(
            table, 0
        ), source_table


@pytest.mark.spark
def test_sql_in_a_file_name_is_not_executed_on_spark(tmp_path: Path) -> None:
    """The same file names through the Spark readers (dbt-spark, local Spark, as in
    `make spark-check`): the files load under their names and nothing else is created; with
    them, a byte order mark, a ragged row, empty files and a quoted line break (one record,
    the break in its value)."""
    landing = tmp_path / "landing"
    header = "order_id,shop_account_id,order_status,channel,currency,order_total,"
    header += "shipping_amount,ordered_at,updated_at"
    row = "O100000001,A1000001,placed,web,EUR,10.00,0.00,2026-07-01T10:00:00Z,2026-07-01T10:00:00Z"
    csv = f"{header}\n{row}\n".encode()
    orders = [f"orders_{INJECTION}.csv", "orders_2026-07-02_o'brien.csv", "orders_2026-07-01.csv"]
    for name in orders:
        drop(landing, f"ecommerce/orders/{name}", csv)
    # a byte order mark, a ragged row, and empty (0-byte) files
    ragged = f"{row.replace('O100000001', 'O100000002')},surplus,fields"
    drop(
        landing,
        "ecommerce/orders/orders_2026-07-03_ragged.csv",
        b"\xef\xbb\xbf" + f"{header}\n{row}\n{ragged}\n".encode(),
    )
    drop(landing, "ecommerce/orders/orders_2026-07-04.csv", b"")
    drop(landing, "web/events/events_2026-07-04.parquet", b"")
    # a quoted field holding a line break (RFC 4180), in a column the contract does not know
    second = row.replace("O100000001", "O100000003")
    drop(
        landing,
        "ecommerce/orders/orders_2026-07-05_linebreak.csv",
        f'{header},note\n{row},"line one\nline ""two"""\n{second},\n'.encode(),
    )
    # a quote within an unquoted field is a character, not the start of a quoted one
    inches = [row.replace("O100000001", f"O10000000{n}") for n in (4, 5)]
    drop(
        landing,
        "ecommerce/orders/orders_2026-07-06_inches.csv",
        f'{header},note\n{inches[0]},27" screen\n{inches[1]},plain\n'.encode(),
    )
    # a quote not closed where its value ends: the rows after it are joined into its record
    unclosed = [row.replace("O100000001", f"O10000000{n}") for n in (6, 7)]
    drop(
        landing,
        "ecommerce/orders/orders_2026-07-07_unclosed.csv",
        f'{header},note\n{unclosed[0]},"lukas\n{unclosed[1]},plain\n'.encode(),
    )
    events = landing / "web" / "events"
    event_files = [f"events_{PARQUET_INJECTION}.parquet", "events_2026-07-01.parquet"]
    with duckdb.connect() as con:
        for name in event_files:
            con.execute(
                "copy (select 'e1' as event_id, 'a1' as anonymous_id, 'page_view' as event_type,"
                " timestamp '2026-07-01 10:00:00' as event_at) to ? (format parquet)",
                [str(events / name)],
            )
    done = subprocess.run(
        [DBT, "run", "--target", "spark", "--select", "brz_ecommerce__orders", "brz_web__events"],
        cwd=REPO,
        env={
            **dbt_env(tmp_path, "unused"),
            "C360_SPARK_DIR": str(tmp_path / "spark"),
        },
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    warehouse = tmp_path / "spark" / "warehouse"
    assert not [path for path in warehouse.rglob("*") if "pwned" in path.name]
    extra = {
        "brz_ecommerce__orders": {
            "orders_2026-07-03_ragged.csv": 2,
            "orders_2026-07-05_linebreak.csv": 2,
            "orders_2026-07-06_inches.csv": 2,
            "orders_2026-07-07_unclosed.csv": 1,
        }
    }
    with duckdb.connect() as con:
        for table, names in [
            ("brz_ecommerce__orders", orders),
            (
                "brz_web__events",
                [f"events_{PARQUET_INJECTION}.parquet", "events_2026-07-01.parquet"],
            ),
        ]:
            files = (warehouse / "c360_bronze.db" / table / "*.parquet").as_posix()
            loaded = dict(
                con.execute(
                    "select regexp_extract(_source_path, '[^/]*$', 0), count(*)"
                    " from read_parquet(?) group by all",
                    [files],
                ).fetchall()
            )
            assert loaded == dict.fromkeys(names, 1) | extra.get(table, {}), table
        orders_files = warehouse / "c360_bronze.db" / "brz_ecommerce__orders" / "*.parquet"
        rows = {
            name: con.execute(
                "select _source_row_number, order_id, _rescued_data from read_parquet(?)"
                " where _source_path like ? order by _source_row_number",
                [orders_files.as_posix(), f"%{name}"],
            ).fetchall()
            for name in ["ragged.csv", "linebreak.csv", "inches.csv"]
        }
        malformed = con.execute(
            "select regexp_extract(_source_path, '[^/]*$', 0) from read_parquet(?)"
            " where _is_malformed",
            [orders_files.as_posix()],
        ).fetchall()
    assert malformed == [("orders_2026-07-07_unclosed.csv",)]
    assert rows["ragged.csv"] == [
        (1, "O100000001", None),
        (2, "O100000002", '{"_field_10":"surplus","_field_11":"fields"}'),
    ]
    assert rows["inches.csv"] == [
        (1, "O100000004", '{"note":"27\\" screen"}'),
        (2, "O100000005", '{"note":"plain"}'),
    ]
    assert rows["linebreak.csv"] == [
        (1, "O100000001", json.dumps({"note": 'line one\nline "two"'}, separators=(",", ":"))),
        (2, "O100000003", None),
    ]


@pytest.fixture(scope="module")
def implausible(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A valid sample with an unknown tier, CRM versions dated 9999 and 1970-01-01, and a ticket
    change with an unknown status, built through gold (the tests of customer_360 and
    dim_customers are where such values used to fail the build)."""
    workdir = tmp_path_factory.mktemp("implausible")
    generate(workdir, "--scale", "0.005", "--days", "120", "--seed", "11", "--end-date", END_DATE)
    landing = workdir / "landing"
    customers = sorted((landing / "crm" / "customers").glob("customers_*.jsonl"))
    first, second = (json.loads(line) for line in customers[-1].read_text().splitlines()[:2])
    records = [
        first | {"tier": "diamond", "updated_at": "2026-06-30T12:00:00Z"},
        second | {"updated_at": "9999-12-31T23:59:59Z"},
        second | {"updated_at": "1970-01-01T00:00:00Z"},
    ]
    drop(
        landing,
        "crm/customers/customers_2026-06-30_odd.jsonl",
        "\n".join(json.dumps(record) for record in records).encode() + b"\n",
    )
    ticket = landing / "support" / "ticket_changes" / "ticket_changes_2026-06-30_odd.parquet"
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'T-odd-1' as ticket_id, 'escalated' as status, 'insert' as _change_type,"
            " 1::bigint as _commit_version, timestamp '2026-06-30 10:00:00' as _commit_timestamp)"
            " to ? (format parquet)",
            [str(ticket)],
        )
    done = dbt(workdir, "implausible", "build", check=False)
    return {"workdir": workdir, "done": done, "tiered": first["crm_id"], "dated": second}


def test_unknown_values_and_implausible_times_never_reach_gold(implausible: dict) -> None:
    done = implausible["done"]
    assert done.returncode == 0, done.stdout[-6000:]
    db = implausible["workdir"] / "implausible.duckdb"
    dated = implausible["dated"]
    with duckdb.connect(str(db), read_only=True) as con:
        tier = con.execute(
            "select tier, _dq_warnings from silver.stg_crm__customers where crm_id = ?",
            [implausible["tiered"]],
        ).fetchone()
        gold_tier = con.execute(
            "select customer_360.tier from gold.customer_360"
            " inner join silver.int_customer_identities as identities"
            " on customer_360.customer_id = identities.customer_id"
            " where identities.node_type = 'crm' and identities.source_id = ?",
            [implausible["tiered"]],
        ).fetchone()
        quarantined = con.execute(
            "select record_id, rule_name, reason from silver.dq_quarantine"
            " where record_id like '%_odd.%' order by record_id"
        ).fetchall()
        current = con.execute(
            "select updated_at from silver.stg_crm__customers where crm_id = ?",
            [dated["crm_id"]],
        ).fetchone()[0]
        tickets = con.execute(
            "select count(*) from silver.stg_support__tickets where ticket_id = 'T-odd-1'"
        ).fetchone()[0]
    # the customer is kept, the unknown tier is null with a warning (bronze keeps 'diamond')
    assert tier == (None, "tier_is_known") and gold_tier == (None,)
    odd = "crm/customers/customers_2026-06-30_odd.jsonl"
    too_early_or_late = (
        "updated_at is before 1970-01-02 or more than a day after the record was delivered"
    )
    assert quarantined == [
        (f"{odd}:000000002", "timestamps_plausible", too_early_or_late),
        (f"{odd}:000000003", "timestamps_plausible", too_early_or_late),
        (
            "support/ticket_changes/ticket_changes_2026-06-30_odd.parquet:000000001",
            "ticket_status_is_known",
            "status is missing or not one of new, open, pending, solved, closed:"
            " whether the ticket is open cannot be told",
        ),
    ]
    # the customer's current version is the one delivered before, not the one dated 9999
    assert current.year < 9999 and str(current) != dated["updated_at"]
    assert tickets == 0
    assert_adds_up(accounting(db))


def test_a_csv_file_that_is_not_utf8_stops_the_build_naming_it(tmp_path: Path) -> None:
    """No column can be read from a CSV file in another encoding: the build stops with a
    sentence naming it (no engine error); moved aside, the rest of the delivery loads."""
    generate(tmp_path, "--scale", "0.003", "--days", "20", "--seed", "5", "--end-date", END_DATE)
    header, lines = orders_sample(tmp_path / "landing")
    latin = tmp_path / "landing" / "ecommerce" / "orders" / "orders_2026-06-30_latin.csv"
    latin.write_bytes(
        ("\n".join([header, lines[0] + "\u00e9", *lines[1:]]) + "\n").encode("latin-1")
    )
    failed = dbt(tmp_path, "latin", *BUILD, check=False)
    assert failed.returncode != 0
    assert "not in UTF-8, the landing contract's encoding" in failed.stdout
    assert "orders_2026-06-30_latin.csv" in failed.stdout
    assert "Traceback" not in failed.stdout + failed.stderr
    latin.rename(tmp_path / latin.name)
    dbt(tmp_path, "latin", *BUILD)
    assert_adds_up(accounting(tmp_path / "latin.duckdb"))


def test_legacy_and_spreadsheet_csv_exports_are_named(tmp_path: Path) -> None:
    """UTF-16 without a byte order mark decodes as text with NUL bytes: the build stops, as for
    any file not in UTF-8. A stray NUL byte in a UTF-8 file is named, not taken for another
    encoding, and its row loads. Lines ended by a carriage return alone (an old Mac export) are read
    as lines. Excel's `sep=,` line before the header is named as the cause of the missing
    columns. A spreadsheet's empty rows (commas alone) are blank lines, not records to
    quarantine."""
    generate(tmp_path, "--scale", "0.003", "--days", "20", "--seed", "5", "--end-date", END_DATE)
    header, [line, *_] = orders_sample(tmp_path / "landing")
    folder = tmp_path / "landing" / "ecommerce" / "orders"
    rows = [with_fields(header, line, order_id=f"O94000000{n}") for n in range(6)]
    utf16 = folder / "orders_2026-06-30_utf16.csv"
    utf16.write_bytes(f"{header}\n{rows[0]}\n".encode("utf-16-le"))
    failed = dbt(tmp_path, "legacy", *BUILD, check=False)
    assert failed.returncode != 0
    assert "not in UTF-8, the landing contract's encoding" in failed.stdout
    assert "orders_2026-06-30_utf16.csv" in failed.stdout
    utf16.rename(tmp_path / utf16.name)
    (folder / "orders_2026-06-30_mac.csv").write_text(f"{header}\r{rows[1]}\r{rows[2]}\r")
    stray_nul = with_fields(header, line, order_id="O940000009", phone="+49 170 1234567\x00")
    (folder / "orders_2026-06-30_nul.csv").write_text(f"{header}\n{rows[0]}\n{stray_nul}\n")
    (folder / "orders_2026-06-30_excel.csv").write_text(f"sep=,\n{header}\n{rows[3]}\n")
    empty_rows = "," * header.count(",")
    (folder / "orders_2026-06-30_sheet.csv").write_text(
        "\n".join([header, rows[4], empty_rows, rows[5], empty_rows, empty_rows]) + "\n"
    )
    done = dbt(tmp_path, "legacy", *BUILD, check=False)
    output = " ".join(done.stdout.split())
    assert "Excel's delimiter hint" in output
    assert "hold a NUL byte, which is no text:" in output and '_nul.csv" (line 3)' in output
    with duckdb.connect(str(tmp_path / "legacy.duckdb"), read_only=True) as con:
        assert con.execute(
            "select count(*) from bronze.brz_ecommerce__orders"
            " where _source_path like '%_sheet.csv'"
        ).fetchone() == (2,)
        assert con.execute(
            "select order_id, phone, _rescued_data from silver.base_ecommerce__orders"
            " where _source_file like '%_mac.csv' order by order_id"
        ).fetchall() == [
            (order_id, with_fields(header, line).split(",")[-1], None)
            for order_id in ["O940000001", "O940000002"]
        ]
        assert con.execute(
            "select order_id from silver.base_ecommerce__orders"
            " where _source_file like '%_nul.csv' and not _is_quarantined order by order_id"
        ).fetchall() == [("O940000000",), ("O940000009",)]


def test_two_exports_appended_into_one_csv_file_are_named(tmp_path: Path) -> None:
    """A second export appended into a file leaves its header line in the middle. The same
    header: the rows are read right, the build warns naming the line, and the header line is
    quarantined. A header with the columns in another order: the rows after it would be read
    under the first line's columns (totals as shipping amounts), so the build stops with a
    sentence naming the file and the line; split, the delivery loads."""
    generate(tmp_path, "--scale", "0.003", "--days", "20", "--seed", "5", "--end-date", END_DATE)
    header, [line, *_] = orders_sample(tmp_path / "landing")
    folder = tmp_path / "landing" / "ecommerce" / "orders"
    ids = [f"O93000000{n}" for n in range(4)]
    rows = [with_fields(header, line, order_id=order_id) for order_id in ids]
    (folder / "orders_2026-06-30_appended.csv").write_text(
        "\n".join([header, rows[0], header, rows[1]]) + "\n"
    )
    done = dbt(tmp_path, "appended", *BUILD)
    output = " ".join(done.stdout.split())
    assert "repeat their header line further down" in output
    assert 'orders_2026-06-30_appended.csv" line 3' in output
    with duckdb.connect(str(tmp_path / "appended.duckdb"), read_only=True) as con:
        assert con.execute(
            "select count(*) from silver.stg_ecommerce__orders where order_id in (?, ?)",
            ids[:2],
        ).fetchone() == (2,)
        assert con.execute(
            "select count(*) from silver.dq_quarantine where source_file like '%_appended.csv'"
        ).fetchone() == (1,)
    names = header.split(",")
    total, shipping = names.index("order_total"), names.index("shipping_amount")
    names[total], names[shipping] = names[shipping], names[total]
    swapped = folder / "orders_2026-06-30_swapped.csv"
    # the second export's header with a byte order mark and in upper case, as Excel writes it
    second = "\ufeff" + ",".join(names).upper()
    swapped.write_text("\n".join([header, rows[2], second, rows[3]]) + "\n")
    failed = dbt(tmp_path, "appended", *BUILD, check=False)
    assert failed.returncode != 0
    output = " ".join(failed.stdout.split())
    assert "a second header line with the columns in another order" in output
    assert 'orders_2026-06-30_swapped.csv" line 3' in output
    assert "Traceback" not in failed.stdout + failed.stderr
    swapped.rename(tmp_path / swapped.name)
    dbt(tmp_path, "appended", *BUILD)


def test_a_truncated_parquet_file_stops_the_build_until_it_is_moved_aside(tmp_path: Path) -> None:
    """An unreadable file fails the build naming the file; moved out of the landing folder
    (the documented recovery), the rest of the delivery loads and every record is accounted."""
    generate(tmp_path, "--scale", "0.003", "--days", "20", "--seed", "5", "--end-date", END_DATE)
    events = sorted((tmp_path / "landing" / "web" / "events").glob("events_*.parquet"))[0]
    truncated = events.with_name("events_2026-06-30_cut.parquet")
    truncated.write_bytes(events.read_bytes()[: events.stat().st_size // 2])
    failed = dbt(tmp_path, "cut", *BUILD, check=False)
    assert failed.returncode != 0
    assert "events_2026-06-30_cut.parquet" in failed.stdout
    truncated.rename(tmp_path / truncated.name)
    dbt(tmp_path, "cut", *BUILD)
    counts = accounting(tmp_path / "cut.duckdb")
    assert_adds_up(counts)
    with duckdb.connect() as con:
        delivered = con.execute(
            "select count(*) from read_parquet(?)",
            [str(tmp_path / "landing" / "web" / "events" / "*.parquet")],
        ).fetchone()[0]
    assert counts["web.events"]["bronze_records"] == delivered
