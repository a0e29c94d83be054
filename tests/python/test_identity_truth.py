"""Tests of the identity truth file and of the identity problems the generator plants at
known rates (python_jobs/generate/identity.py, truth.py; docs/identity_resolution.md)."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from python_jobs.cli import app
from python_jobs.generate.config import EMAIL_STYLE_CUTOFFS
from python_jobs.generate.identity import PHONE_NOTATIONS

SCALE, DAYS, SEED, END = "0.02", "60", "11", "2026-03-31"
EMAIL_RE = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")
# the notations of identity.phone_text, in its order
PHONE_RES = (
    re.compile(r"^\+\d{1,3} 1\d\d \d{7}$"),
    re.compile(r"^01\d\d \d{7}$"),
    re.compile(r"^\+\d{1,3}-1\d\d-\d{7}$"),
    re.compile(r"^\(01\d\d\) \d{7}$"),
)
SOURCES = ("crm.customers", "ecommerce.orders", "support.ticket_changes", "web.events")

runner = CliRunner()


def generate(out: Path, *extra: str, seed: str = SEED) -> dict:
    args = ["generate", "--out", str(out), "--scale", SCALE, "--days", DAYS, "--seed", seed]
    result = runner.invoke(app, [*args, "--end-date", END, "--quiet", *extra])
    assert result.exit_code == 0, result.output
    return json.loads((out / "_manifest.json").read_text())


def truth_file(root: Path, manifest: dict) -> Path:
    return (root / manifest["identity"]["truth_file"]).resolve()


def crm_records(root: Path) -> pa.Table:
    """The CRM lines that parse (malformed ones are dirt), with a readable crm_id."""
    rows = []
    for path in sorted(root.glob("crm/customers/customers_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if record["crm_id"] is not None:
                rows.append({k: record[k] for k in ("crm_id", "first_name", "last_name", "email")})
    return pa.Table.from_pylist(rows)


def connect(root: Path, manifest: dict) -> duckdb.DuckDBPyConnection:
    """Tables of the landing files and the truth file (read once)."""
    con = duckdb.connect()
    con.register("crm", crm_records(root))
    for name, folder in (
        ("orders", "ecommerce/orders"),
        ("links", "crm/account_links"),
    ):
        table = folder.rsplit("/", 1)[1]
        con.sql(
            f"create table {name} as select * from read_csv('{root}/{folder}/{table}_*.csv', "
            "header = true, all_varchar = true, union_by_name = true, null_padding = true, "
            "strict_mode = false)"
        )
    for name, folder in (("events", "web/events"), ("tickets", "support/ticket_changes")):
        table = folder.rsplit("/", 1)[1]
        con.sql(
            f"create table {name} as select * from read_parquet("
            f"'{root}/{folder}/{table}_*.parquet', union_by_name = true)"
        )
    con.sql(f"create table truth as select * from read_parquet('{truth_file(root, manifest)}')")
    return con


def landing_keys(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Every identity record key the landing files carry, per source."""
    sql = {
        "crm.customers": "select distinct crm_id from crm",
        "ecommerce.orders": "select distinct order_id from orders where order_id is not null",
        "support.ticket_changes": "select distinct ticket_id from tickets",
        "web.events": "select distinct anonymous_id from events",
    }
    return {source: {row[0] for row in con.sql(q).fetchall()} for source, q in sql.items()}


def truth_keys(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    rows = con.sql("select source, record_key from truth").fetchall()
    return {source: {key for s, key in rows if s == source} for source in SOURCES}


def within(observed: int, of: int, rate: float, slack: float = 0.0) -> bool:
    """observed / of is within four binomial standard deviations (plus slack) of rate."""
    sd = math.sqrt(rate * (1 - rate) / of)
    return abs(observed / of - rate) <= 4 * sd + slack + 1 / of


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> tuple[Path, dict, duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("identity") / "landing"
    manifest = generate(root)
    return root, manifest, connect(root, manifest)


def test_truth_file_is_outside_the_landing_root(landing, tmp_path):
    root, manifest, _ = landing
    assert manifest["identity"]["truth_file"] == "../_truth/identity_truth.parquet"
    path = truth_file(root, manifest)
    assert path.is_file()
    assert root.resolve() not in path.parents
    assert not [p for p in root.rglob("*") if "truth" in p.name]
    # a --truth path under the landing root is refused with a sentence, nothing written
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["generate", "--out", str(out), "--truth", str(out / "t.parquet"), "--quiet"]
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and "outside the landing root" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_truth_covers_every_source_record_exactly_once(landing):
    _, manifest, con = landing
    duplicates = con.sql(
        "select count(*) - count(distinct (source, record_key)) from truth"
    ).fetchall()[0][0]
    assert duplicates == 0
    truth, keys = truth_keys(con), landing_keys(con)
    for source in SOURCES:
        assert keys[source], source
        assert truth[source] == keys[source], source
    assert sum(len(k) for k in truth.values()) == manifest["identity"]["truth_rows"]
    assert con.sql("select count(*) from truth where person_id is null").fetchall()[0][0] == 0


def test_source_ids_agree_with_the_truth(landing):
    _, _, con = landing
    # a shop account (orders, logins) and a crosswalk link belong to one person each
    accounts = con.sql(
        """select shop_account_id, count(distinct person_id) as persons from (
               select o.shop_account_id, t.person_id from orders as o
               inner join truth as t on t.source = 'ecommerce.orders' and t.record_key = o.order_id
               union all
               select e.shop_account_id, t.person_id from events as e
               inner join truth as t on t.source = 'web.events' and t.record_key = e.anonymous_id)
           where shop_account_id is not null group by all"""
    ).fetchall()
    assert accounts and all(persons == 1 for _, persons in accounts)
    checked, mismatched = con.sql(
        """with person_of_account as (
               select distinct o.shop_account_id, t.person_id from orders as o
               inner join truth as t
               on t.source = 'ecommerce.orders' and t.record_key = o.order_id
               where o.shop_account_id is not null)
           select count(*), count(*) filter (where a.person_id <> t.person_id)
           from links as l
           inner join truth as t on t.source = 'crm.customers' and t.record_key = l.crm_id
           inner join person_of_account as a on a.shop_account_id = l.shop_account_id"""
    ).fetchall()[0]
    assert checked > 0 and mismatched == 0


def test_planted_rates_are_the_configured_ones(landing):
    _, manifest, _ = landing
    for kind, count in manifest["identity"]["planted"].items():
        assert count["planted"] > 0 and count["of"] > 0, kind
        # family pairs of two countries are dropped: up to one pair per country fewer
        slack = 22 / count["of"] if kind == "family_shared_email" else 0.0
        assert within(count["planted"], count["of"], count["rate"], slack), (kind, count)


def test_planted_counts_recount(landing):
    _, manifest, con = landing
    planted = {k: v["planted"] for k, v in manifest["identity"]["planted"].items()}
    guests = con.sql(
        """select count(*) from (select order_id from orders where order_id is not null
           group by order_id having count(shop_account_id) = 0)"""
    ).fetchall()[0][0]
    assert guests == planted["guest_order"]
    contacts, persons = con.sql(
        "select count(*), count(distinct person_id) from truth where source = 'crm.customers'"
    ).fetchall()[0]
    assert contacts - persons == planted["duplicate_contact"]
    # a duplicate's name differs from the person's first contact's by its typo
    typos = con.sql(
        """with names as (select distinct t.person_id, c.crm_id, c.first_name, c.last_name
               from crm as c inner join truth as t
               on t.source = 'crm.customers' and t.record_key = c.crm_id),
           ranked as (select *, row_number() over (partition by person_id order by crm_id)
               as k from names)
           select count(*) from ranked as d inner join ranked as f
           on f.person_id = d.person_id and f.k = 1 and d.k = 2
           where (d.first_name, d.last_name) <> (f.first_name, f.last_name)"""
    ).fetchall()[0][0]
    assert typos == planted["name_typo"]


def test_emails_and_phones_come_in_several_styles(landing):
    _, _, con = landing
    style_share = EMAIL_STYLE_CUTOFFS[-1]
    # one styling draw per record and address: distinct (key, address) pairs
    for sql in (
        "select distinct crm_id, email from crm",
        "select distinct order_id, email from orders",
        "select distinct ticket_id, requester_email from tickets",
    ):
        emails = [row[1] for row in con.sql(sql).fetchall() if row[1]]
        valid = [e for e in emails if EMAIL_RE.match(e.strip().lower())]
        styled = sum(e != e.strip().lower() for e in valid)
        assert styled > 0 and within(styled, len(valid), style_share), sql
    for sql in (
        "select distinct order_id, phone from orders",
        "select distinct ticket_id, requester_phone from tickets",
    ):
        phones = [row[1] for row in con.sql(sql).fetchall() if row[1]]
        notation = [next(k for k, r in enumerate(PHONE_RES) if r.match(p)) for p in phones]
        for k in range(PHONE_NOTATIONS):
            assert within(notation.count(k), len(phones), 1 / PHONE_NOTATIONS), (sql, k)


def test_family_shared_emails_belong_to_two_people(landing):
    _, _, con = landing
    rows = con.sql(
        """select lower(trim(r.email)) as email, t.person_id from (
               select 'crm.customers' as source, crm_id as key, email from crm
               union all select 'ecommerce.orders', order_id, email from orders
               union all select 'support.ticket_changes', ticket_id, requester_email
               from tickets) as r
           inner join truth as t on t.source = r.source and t.record_key = r.key
           where r.email is not null"""
    ).fetchall()
    persons: dict[str, set[str]] = {}
    for email, person in rows:
        if EMAIL_RE.match(email):
            persons.setdefault(email, set()).add(person)
    shared = {email: who for email, who in persons.items() if len(who) > 1}
    assert shared and all(len(who) == 2 for who in shared.values())
    family = {
        row[0]
        for row in con.sql(
            """select person_id from truth where source = 'crm.customers'
               and planted like '%family_shared_email%'"""
        ).fetchall()
    }
    for who in shared.values():
        assert who <= family
        names = con.sql(
            f"""select distinct c.first_name, c.last_name from crm as c inner join truth as t
                on t.source = 'crm.customers' and t.record_key = c.crm_id
                where t.person_id in {tuple(sorted(who))}
                and t.planted not like '%duplicate_contact%'"""
        ).fetchall()
        assert len(names) == 2 and names[0][1] == names[1][1] and names[0][0] != names[1][0]


def test_truth_is_deterministic_for_a_seed(landing, tmp_path):
    root, manifest, _ = landing
    first = pq.read_table(truth_file(root, manifest))
    again = generate(tmp_path / "again" / "landing")
    assert pq.read_table(truth_file(tmp_path / "again" / "landing", again)).equals(first)
    other = generate(tmp_path / "other" / "landing", seed="12")
    assert not pq.read_table(truth_file(tmp_path / "other" / "landing", other)).equals(first)


def test_next_day_extends_the_truth_file(landing, tmp_path):
    root, manifest, _ = landing
    work = tmp_path / "landing"
    shutil.copytree(root, work)
    shutil.copytree(truth_file(root, manifest).parent, tmp_path / "_truth")
    before = pq.read_table(tmp_path / "_truth" / "identity_truth.parquet").to_pylist()
    result = runner.invoke(app, ["generate", "--out", str(work), "--next-day", "--quiet"])
    assert result.exit_code == 0, result.output
    updated = json.loads((work / "_manifest.json").read_text())
    after = pq.read_table(truth_file(work, updated)).to_pylist()
    key = ("source", "record_key")
    old = {tuple(r[k] for k in key): r for r in before}
    new = {tuple(r[k] for k in key): r for r in after}
    assert all(new[k] == row for k, row in old.items())
    new_day = dt.date.fromisoformat(END) + dt.timedelta(days=1)
    added = [row for k, row in new.items() if k not in old]
    assert added and all(row["first_delivered"] == new_day for row in added)
    con = connect(work, updated)
    assert truth_keys(con) == landing_keys(con)
    # --truth cannot move the truth file of a next day
    result = runner.invoke(
        app, ["generate", "--out", str(work), "--next-day", "--truth", str(tmp_path / "t"), "-q"]
    )
    assert result.exit_code == 2 and "--truth" in result.output
