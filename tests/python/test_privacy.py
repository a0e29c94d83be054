"""Privacy operations end to end on DuckDB: build the small sample, forget a customer who has
orders, web events and tickets, and prove that no table holds their id, email or phone any
more, that every other row is unchanged, that the request is audited, that a second call
changes nothing, that bad input is rejected, that the next `dbt build` stays green without
bringing the customer back; then purge the expired bronze history (retention)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from test_pipeline import DBT, REPO, dbt, dbt_env, generate

# the sample's last extract day: see the fixture `warehouse`
AGED_END_DATE = "2024-06-30"

pytestmark = pytest.mark.slow

DB = "forget"
SALT = "test-salt-not-a-secret"
AUDIT = "privacy.privacy_requests"
# web events of a customer's browsers, and a malformed CRM line quoting them, make the case
# complete; bronze has them for some customers of the sample
CANDIDATES_SQL = """
with customers as (
    select customer_id from silver.stg_crm__customers where not is_deleted
),

with_everything as (
    select customer_id from customers
    where
        customer_id in (select customer_id from silver.stg_ecommerce__orders)
        and customer_id in (select customer_id from silver.stg_web__events)
        and customer_id in (select customer_id from silver.stg_support__tickets)
),

malformed as (
    select regexp_extract(_rescued_data, '"customer_id":"(C[0-9]{7})"', 1) as customer_id
    from bronze.brz_crm__customers
    where _is_malformed
)

select
    customer_id,
    customer_id in (select customer_id from malformed) as has_malformed_line
from with_everything
order by has_malformed_line desc, customer_id
"""


def run_operation(
    workdir: Path, macro: str, args: dict | None = None, *extra: str, salt: str | None = SALT
) -> subprocess.CompletedProcess:
    env = dbt_env(workdir, DB)
    env.pop("C360_PRIVACY_HASH_SALT", None)
    if salt is not None:
        env["C360_PRIVACY_HASH_SALT"] = salt
    command = [DBT, "run-operation", macro, *extra]
    if args is not None:
        command += ["--args", json.dumps(args)]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)


def connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(workdir / f"{DB}.duckdb"), read_only=True)


def relations(con: duckdb.DuckDBPyConnection, views: bool = True) -> list[tuple[str, str]]:
    """Every table (and view) of every schema of the warehouse, the audit table aside."""
    return [
        (schema, name)
        for schema, name, kind in con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_catalog = current_database() order by 1, 2"
        ).fetchall()
        if f"{schema}.{name}" != AUDIT and (views or kind == "BASE TABLE")
    ]


def columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()


def rows(workdir: Path, needles: list[str], views: bool = True) -> dict[tuple[str, str], Counter]:
    """Per relation, a multiset of (row hash, whether any text column mentions a needle)."""
    found = {}
    with connect(workdir) as con:
        for schema, table in relations(con, views):
            cols = columns(con, schema, table)
            texts = [f"lower(coalesce(\"{name}\", ''))" for name, kind in cols if kind == "VARCHAR"]
            mentions = " or ".join(f"contains({t}, ?)" for t in texts for _ in needles) or "false"
            params = [n for _ in texts for n in needles]
            struct = ", ".join(f'"{name}"' for name, _ in cols)
            found[(schema, table)] = Counter(
                con.execute(
                    f"select hash(struct_pack({struct})), {mentions} from {schema}.{table}",
                    params,
                ).fetchall()
            )
    return found


def traces(workdir: Path, needles: list[str]) -> dict[str, int]:
    """Relations with rows whose text mentions a needle, and how many."""
    found = rows(workdir, needles)
    counts = {f"{s}.{t}": sum(n for (_, m), n in c.items() if m) for (s, t), c in found.items()}
    return {name: count for name, count in counts.items() if count}


def audit_rows(workdir: Path) -> list[tuple]:
    with connect(workdir) as con:
        return con.execute(
            f"select request_id, operation, subject_hash, parameters, relation_name, action, "
            f"rows_changed from {AUDIT} order by requested_at, relation_name"
        ).fetchall()


def identifiers(workdir: Path, customer_id: str) -> dict[str, list[str]]:
    """The customer's id, every email and phone they ever had, and their browsers."""
    with connect(workdir) as con:
        crm = con.execute(
            "select distinct lower(trim(email)), lower(trim(phone)) from bronze.brz_crm__customers "
            "where trim(customer_id) = ?",
            [customer_id],
        ).fetchall()
        visitors = con.execute(
            "select distinct anonymous_id from bronze.brz_web__events where customer_id = ?",
            [customer_id],
        ).fetchall()
    emails = sorted({email for email, _ in crm if email})
    phones = sorted({phone for _, phone in crm if phone})
    return {
        "identity": [customer_id.lower(), *emails, *phones],
        "visitors": sorted(v.lower() for (v,) in visitors),
    }


def mentioned_by_others(workdir: Path, customer_id: str, needles: list[str]) -> bool:
    """Whether a CRM record of another customer mentions one of the needles (a shared email)."""
    with connect(workdir) as con:
        return con.execute(
            "select count(*) > 0 from bronze.brz_crm__customers "
            "where customer_id is not null and trim(customer_id) <> ? and ("
            + " or ".join(
                "contains(lower(concat_ws(' ', email, phone, _rescued_data)), ?)" for _ in needles
            )
            + ")",
            [customer_id, *needles],
        ).fetchone()[0]


def succeeded(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, f"{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("privacy")
    # Old enough that the records the retention tests back-date by RETENTION_DAYS + 5 days
    # (fixture `aged`) were still made before that ingestion time, as real old records are:
    # silver quarantines a record dated more than a day after its delivery.
    generate(
        workdir, "--scale", "0.005", "--days", "150", "--seed", "7", "--end-date", AGED_END_DATE
    )
    # no data tests here: the build after the operations runs them all
    dbt(workdir, DB, "build", "--resource-type", "model", "seed", "snapshot")
    return workdir


@pytest.fixture(scope="module")
def customer(warehouse: Path) -> dict:
    with connect(warehouse) as con:
        candidates = con.execute(CANDIDATES_SQL).fetchall()
    for customer_id, _ in candidates:
        found = identifiers(warehouse, customer_id)
        if not mentioned_by_others(warehouse, customer_id, found["identity"]):
            return {"customer_id": customer_id, **found}
    pytest.fail("no customer of the sample has orders, web events and tickets")


@pytest.fixture(scope="module")
def forgotten(warehouse: Path, customer: dict) -> dict:
    needles = customer["identity"] + customer["visitors"]
    # tables: views only show them
    before = rows(warehouse, needles, views=False)
    assert traces(warehouse, customer["identity"]), "the customer is in the warehouse to begin with"
    output = succeeded(
        run_operation(warehouse, "forget_customer", {"customer_id": customer["customer_id"]})
    )
    return {"before": before, "after": rows(warehouse, needles, views=False), "output": output}


def test_no_table_holds_the_customer_any_more(
    warehouse: Path, customer: dict, forgotten: dict
) -> None:
    layers = {name.split(".")[0] for name in traces(warehouse, customer["identity"])}
    assert not layers
    # nor their browsers: the events and sessions stitched to them are anonymous now
    assert not traces(warehouse, customer["visitors"])


def test_the_customer_was_in_every_layer(customer: dict, forgotten: dict) -> None:
    touched = {
        schema
        for (schema, _), counted in forgotten["before"].items()
        for (_, mentions) in counted
        if mentions
    }
    assert {"bronze", "silver", "snapshots", "gold"} <= touched


def test_every_other_row_is_unchanged(forgotten: dict) -> None:
    for relation, before in forgotten["before"].items():
        after = Counter({h: n for (h, _), n in forgotten["after"][relation].items()})
        others = Counter({h: n for (h, mentions), n in before.items() if not mentions})
        customers_rows = sum(n for (_, mentions), n in before.items() if mentions)
        assert not others - after, f"{relation}: a row of another customer changed"
        # what is left of the customer's rows: anonymised rows, never more than they had
        assert (after - others).total() <= customers_rows, relation


def test_the_request_is_audited_without_the_id(
    warehouse: Path, customer: dict, forgotten: dict
) -> None:
    audit = audit_rows(warehouse)
    assert len({row[0] for row in audit}) == 1  # one request
    expected_hash = hashlib.sha256(f"{SALT}:{customer['customer_id']}".encode()).hexdigest()
    assert {row[2] for row in audit} == {expected_hash}
    assert customer["customer_id"].lower() not in repr(audit).lower()
    changed = Counter()
    for _, _, _, _, name, action, count in audit:
        changed[(name.split(".", 1)[1], action)] += count
    # every table that held the customer is audited with exactly the rows it lost or had
    # anonymised; no other table is
    with connect(warehouse) as con:
        tables = relations(con, views=False)
    for schema, table in tables:
        name = f"{schema}.{table}"
        before = forgotten["before"][(schema, table)]
        after = forgotten["after"][(schema, table)]
        customers_rows = sum(n for (_, mentions), n in before.items() if mentions)
        deleted, anonymised = changed[(name, "deleted")], changed[(name, "anonymised")]
        assert deleted == before.total() - after.total(), name
        assert deleted + anonymised == customers_rows, name
    assert {name.split(".")[0] for name, _ in changed} == {"bronze", "silver", "snapshots", "gold"}


def test_a_second_call_changes_nothing_and_is_audited(
    warehouse: Path, customer: dict, forgotten: dict
) -> None:
    needles = customer["identity"]
    before = rows(warehouse, needles)
    output = succeeded(
        run_operation(warehouse, "forget_customer", {"customer_id": customer["customer_id"]})
    )
    assert "nothing to change" in output
    assert rows(warehouse, needles) == before
    last = audit_rows(warehouse)[-1]
    assert last[1] == "forget_customer" and last[4:] == (None, "none", 0)


@pytest.mark.parametrize(
    "customer_id",
    ["C1000001' or 1=1; drop table silver.stg_crm__customers; --", 1000001],
    ids=["sql-injection", "not-a-string"],
)
def test_invalid_input_is_rejected_and_changes_nothing(
    warehouse: Path, forgotten: dict, customer_id: object
) -> None:
    audited = len(audit_rows(warehouse))
    before = rows(warehouse, [])
    done = run_operation(warehouse, "forget_customer", {"customer_id": customer_id})
    assert done.returncode != 0
    assert "customer_id must be a CRM customer id matching ^C[0-9]{7}$" in done.stdout
    assert "Nothing was changed" in done.stdout
    assert rows(warehouse, []) == before
    assert len(audit_rows(warehouse)) == audited


def test_the_salt_is_required(warehouse: Path, customer: dict, forgotten: dict) -> None:
    done = run_operation(
        warehouse, "forget_customer", {"customer_id": customer["customer_id"]}, salt=None
    )
    assert done.returncode != 0
    assert "needs the environment variable C360_PRIVACY_HASH_SALT" in done.stdout


# ---------------------------------------------------------------------------- retention
RETENTION_DAYS = 730  # dbt_project.yml: bronze_retention_days


@pytest.mark.parametrize("days", ["0", "-5", "abc", "99999999999", "'1; drop table x'"])
def test_an_invalid_retention_is_refused_with_a_sentence(
    warehouse: Path, forgotten: dict, days: str
) -> None:
    before = rows(warehouse, [])
    done = run_operation(
        warehouse, "purge_expired_bronze", None, "--vars", f"{{bronze_retention_days: {days}}}"
    )
    assert done.returncode != 0
    assert "var bronze_retention_days must be a whole number of days from 1 to 36500" in (
        done.stdout
    )
    assert "Nothing was changed" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert rows(warehouse, []) == before


EXPIRED_DAYS = 20  # the first extract days of the sample are made older than the retention


def expired_files(workdir: Path) -> list[str]:
    """The landing files of the first EXPIRED_DAYS extract days (names end in _YYYY-MM-DD)."""
    files = sorted((workdir / "landing").glob("*/*/*_????-??-??.*"))
    days = sorted({p.stem.rsplit("_", 1)[1] for p in files})[:EXPIRED_DAYS]
    return [str(p) for p in files if p.stem.rsplit("_", 1)[1] in days]


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The relations keeping raw landing records (bronze) or one row per record of them
    (silver tables with a record_id: the quarantine)."""
    return [
        f"{schema}.{table}"
        for schema, table in con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and (table_schema = 'bronze' or "
            "(table_schema = 'silver' and table_name in (select table_name "
            "from information_schema.columns where column_name = 'record_id'))) order by 1, 2"
        ).fetchall()
    ]


def loaded_record_ids(con: duckdb.DuckDBPyConnection) -> str:
    """SQL: the record ids silver tables loaded (each key's current version)."""
    tables = con.execute(
        "select table_name from information_schema.columns join information_schema.tables "
        "using (table_schema, table_name) where table_schema = 'silver' "
        "and column_name = '_record_id' and table_type = 'BASE TABLE'"
    ).fetchall()
    return " union all ".join(
        f"select _record_id from silver.{t} where _record_id is not null" for (t,) in tables
    )


@pytest.fixture(scope="module")
def aged(warehouse: Path, forgotten: dict) -> dict:
    """Back-date the bronze records of the first extract days to before the retention, as
    if they had been ingested years ago, and count what the purge must remove: the ones
    silver does not load (superseded, duplicate, quarantined), and the rows of the
    quarantine that describe them."""
    files = expired_files(warehouse)
    expected = {}
    with duckdb.connect(str(warehouse / f"{DB}.duckdb")) as con:
        purged_sql = []
        for table in raw_tables(con):
            if table.startswith("bronze."):
                in_files = "_source_file in (select unnest(?::varchar[]))"
                con.execute(
                    f"update {table} set _ingested_at = _ingested_at "
                    f"- interval {RETENTION_DAYS + 5} day where {in_files}",
                    [files],
                )
                condition = f"{in_files} and _record_id not in ({loaded_record_ids(con)})"
                expected[table] = con.execute(
                    f"select count(*) from {table} where {condition}", [files]
                ).fetchone()[0]
                purged_sql.append(
                    f"select _record_id from {table} where "
                    + condition.replace("?::varchar[]", f"{files!r}::varchar[]")
                )
        for table in raw_tables(con):
            if table.startswith("silver."):
                expected[table] = con.execute(
                    f"select count(*) from {table} where record_id in "
                    f"({' union all '.join(purged_sql)})"
                ).fetchone()[0]
    return {"files": files, "expected": {t: n for t, n in expected.items() if n}}


@pytest.fixture(scope="module")
def purged(warehouse: Path, aged: dict) -> dict:
    """Purge once while the expired landing files are still there (refused), then again
    after the landing zone's own retention removed them."""
    before = rows(warehouse, [], views=False)
    audited = len(audit_rows(warehouse))
    refused = run_operation(warehouse, "purge_expired_bronze")
    unchanged = rows(warehouse, [], views=False) == before and len(audit_rows(warehouse)) == audited
    for path in aged["files"]:
        Path(path).unlink()
    succeeded(run_operation(warehouse, "purge_expired_bronze"))
    audit = [row for row in audit_rows(warehouse) if row[1] == "purge_expired_bronze"]
    return {
        "refused": refused,
        "unchanged_when_refused": unchanged,
        "before": before,
        "after": rows(warehouse, [], views=False),
        "audit": audit,
    }


def test_retention_refuses_while_the_landing_files_are_there(purged: dict) -> None:
    assert purged["refused"].returncode != 0
    assert "still in the landing zone" in purged["refused"].stdout
    assert "Nothing was changed" in purged["refused"].stdout
    assert purged["unchanged_when_refused"]


def test_retention_purges_exactly_the_expired_history(aged: dict, purged: dict) -> None:
    counts = {row[4].split(".", 1)[1]: row[6] for row in purged["audit"]}
    assert counts == aged["expected"]
    assert {"bronze.brz_crm__customers", "silver.dq_quarantine"} <= set(counts)
    assert all(
        row[3].startswith(f"bronze_retention_days={RETENTION_DAYS}, ingested before ")
        and row[2] is None
        and row[5] == "purged"
        for row in purged["audit"]
    )
    # exactly those rows left, nothing else changed
    for (schema, table), before in purged["before"].items():
        name = f"{schema}.{table}"
        after = purged["after"][(schema, table)]
        assert not after - before, f"{name} gained rows"
        assert (before - after).total() == counts.get(name, 0), name


# ---------------------------------------------------------------------------- next build
@pytest.fixture(scope="module")
def rebuilt(warehouse: Path, forgotten: dict, purged: dict) -> dict:
    """`dbt build` after the erasure and the purge: incremental, with every data test."""
    with connect(warehouse) as con:
        raw_counts = {
            t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in raw_tables(con)
            if t.startswith("bronze.")
        }
    build = dbt(warehouse, DB, "build")
    run_results = json.loads((warehouse / f"target_{DB}" / "run_results.json").read_text())
    with connect(warehouse) as con:
        raw_counts_after = {
            t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in raw_counts
        }
    return {
        "statuses": {r["unique_id"]: r["status"] for r in run_results["results"]},
        "raw_counts": (raw_counts, raw_counts_after),
        "output": build.stdout,
    }


def test_the_next_build_is_green(rebuilt: dict) -> None:
    statuses = rebuilt["statuses"]
    assert any(key.startswith("test.") for key in statuses)
    assert not {k: v for k, v in statuses.items() if v not in ("success", "pass", "warn", "no-op")}


def test_the_next_build_recounts_the_record_accounting(rebuilt: dict) -> None:
    # its incremental counts are stale after the erasure and the purge (then the
    # reconciliation test, green above, holds on the recount)
    assert "a privacy operation changed rows since the last count" in rebuilt["output"]


def test_the_next_build_does_not_bring_the_customer_back(
    warehouse: Path, customer: dict, rebuilt: dict
) -> None:
    assert not traces(warehouse, customer["identity"] + customer["visitors"])


def test_the_next_build_ingests_no_purged_file_again(rebuilt: dict) -> None:
    before, after = rebuilt["raw_counts"]
    assert after == before
