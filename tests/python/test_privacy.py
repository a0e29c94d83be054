"""Privacy operations end to end on DuckDB: build the small sample, forget a customer (a person
with two CRM contacts, a shop account, orders, web events and tickets) by one of their CRM ids,
and prove that no table holds any of their ids, emails or phones any more, that every other
row is unchanged, that the request is audited, that a second call changes nothing, that bad
input is rejected; forget two more customers by a shop account id and by the resolved
customer id; then that the next `dbt build` stays green without bringing them back; then
purge the expired bronze history (retention)."""

from __future__ import annotations

import hashlib
import json
import re
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
# SQL: a value is in a list given as a parameter
IN = "in (select unnest(?::varchar[]))"
# Customers (resolved by int_customer_identities) with at least `?` CRM contacts, a shop
# account, orders and (with the flag) tickets and browsers, whose erasure empties no bronze
# file (it would be refused while the file is in the landing zone). Those with a CRM contact
# linked to their account (crm.account_links) and a malformed CRM line quoting them first.
CANDIDATES_SQL = """
with identities as (
    select * from silver.int_customer_identities
),

customers as (
    select
        customer_id,
        count(*) filter (where node_type = 'crm') as crm_contacts,
        count(*) filter (where node_type = 'account') as accounts,
        count(*) filter (where node_type = 'order') as orders,
        count(*) filter (where node_type = 'ticket') as tickets,
        count(*) filter (where node_type = 'browser') as browsers
    from identities
    group by customer_id
),

-- the customer of each CRM record and account link in bronze, by file
file_rows as (
    select records._source_file, contacts.customer_id
    from bronze.brz_crm__customers as records
    left join identities as contacts
        on contacts.node_type = 'crm' and contacts.source_id = trim(records.crm_id)
    union all
    select links._source_file, coalesce(contacts.customer_id, accounts.customer_id)
    from bronze.brz_crm__account_links as links
    left join identities as contacts
        on contacts.node_type = 'crm' and contacts.source_id = links.crm_id
    left join identities as accounts
        on accounts.node_type = 'account' and accounts.source_id = links.shop_account_id
),

file_emptiers as (
    select min(customer_id) as customer_id
    from file_rows
    group by _source_file
    having count(distinct customer_id) = 1 and count(customer_id) = count(*)
),

linked as (
    select contacts.customer_id
    from bronze.brz_crm__account_links as links
    inner join identities as contacts
        on contacts.node_type = 'crm' and contacts.source_id = links.crm_id
),

malformed as (
    select contacts.customer_id
    from bronze.brz_crm__customers as records
    inner join identities as contacts
        on contacts.node_type = 'crm'
        and contacts.source_id = regexp_extract(records._rescued_data, '"crm_id":"(C[0-9]{7})"', 1)
    where records._is_malformed
)

select customer_id
from customers
where
    crm_contacts >= ?
    and accounts >= 1
    and orders >= 1
    and (not ? or (tickets >= 1 and browsers >= 1))
    and customer_id not in (select customer_id from file_emptiers)
order by
    customer_id in (select customer_id from linked) desc,
    customer_id in (select customer_id from malformed) desc,
    orders + tickets + browsers desc,
    customer_id
"""
# every email and phone the customer's ids ever carried, as landed and normalised
CONTACT_POINTS_SQL = """
with ids as (
    select node_type, source_id, node_key
    from silver.int_customer_identities
    where customer_id = $customer_id
),

points as (
    select unnest([email, phone]) as point from bronze.brz_crm__customers
    where trim(crm_id) in (select source_id from ids where node_type = 'crm')
    union all
    select unnest([email_normalised, phone_e164, phone_national_number])
    from silver.stg_crm__customers
    where crm_id in (select source_id from ids where node_type = 'crm')
    union all
    select unnest([email, phone]) from bronze.brz_ecommerce__orders
    where order_id in (select source_id from ids where node_type = 'order')
    union all
    select unnest([email_normalised, phone_e164, phone_national_number])
    from silver.stg_ecommerce__orders
    where order_id in (select source_id from ids where node_type = 'order')
    union all
    select unnest([requester_email, requester_phone]) from bronze.brz_support__ticket_changes
    where ticket_id in (select source_id from ids where node_type = 'ticket')
    union all
    select unnest([email_normalised, phone_e164, phone_national_number])
    from silver.stg_support__tickets
    where ticket_id in (select source_id from ids where node_type = 'ticket')
    union all
    select unnest([email_normalised, phone_national_number]) from silver.int_identity_nodes
    where node_key in (select node_key from ids)
)

select distinct lower(trim(point)) from points
where trim(point) <> ''
order by 1
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


def identifiers(workdir: Path, customer_id: str) -> dict:
    """The customer's ids by kind (int_customer_identities), every email and phone those ids
    ever carried; `identity`: what must vanish from every table (the customer id, CRM and
    account ids, emails, phones), `visitors`: their browsers."""
    with connect(workdir) as con:
        nodes = con.execute(
            "select node_type, source_id from silver.int_customer_identities "
            "where customer_id = ? order by 1, 2",
            [customer_id],
        ).fetchall()
        points = [
            p for (p,) in con.execute(CONTACT_POINTS_SQL, {"customer_id": customer_id}).fetchall()
        ]
    ids = {
        kind: [s for t, s in nodes if t == kind]
        for kind in ("crm", "account", "order", "ticket", "browser")
    }
    return {
        "customer_id": customer_id,
        **ids,
        "identity": [v.lower() for v in [customer_id, *ids["crm"], *ids["account"], *points]],
        "visitors": [v.lower() for v in ids["browser"]],
    }


def mentioned_by_others(workdir: Path, found: dict) -> bool:
    """Whether a record of another CRM contact, order or ticket mentions one of the
    customer's identifiers (a shared email)."""
    needles = found["identity"]
    sources = [
        ("bronze.brz_crm__customers", "crm_id", "email, phone", found["crm"]),
        (
            "bronze.brz_ecommerce__orders",
            "order_id",
            "shop_account_id, email, phone",
            found["order"],
        ),
        (
            "bronze.brz_support__ticket_changes",
            "ticket_id",
            "requester_email, requester_phone",
            found["ticket"],
        ),
    ]
    with connect(workdir) as con:
        for table, key, texts, own in sources:
            mentions = " or ".join(
                f"contains(lower(concat_ws(' ', {texts}, _rescued_data)), ?)" for _ in needles
            )
            query = (
                f"select count(*) > 0 from {table} where {key} is not null "
                f"and trim({key}) not in (select unnest(?::varchar[])) and ({mentions})"
            )
            if con.execute(query, [own, *needles]).fetchone()[0]:
                return True
    return False


def candidates(workdir: Path, crm_contacts: int, with_everything: bool) -> list[dict]:
    """Customers (see CANDIDATES_SQL) that no other record mentions, best first."""
    with connect(workdir) as con:
        found = con.execute(CANDIDATES_SQL, [crm_contacts, with_everything]).fetchall()
    customers = (identifiers(workdir, customer_id) for (customer_id,) in found)
    return [c for c in customers if not mentioned_by_others(workdir, c)]


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
    """A person with two CRM contacts (the generator plants duplicates), forgotten by the
    id of one of them: the other is found by the identity resolution."""
    found = candidates(warehouse, 2, True)
    if not found:
        pytest.fail(
            "no customer of the sample has two CRM contacts, orders, web events and tickets"
        )
    return {**found[0], "given_id": found[0]["crm"][-1]}


@pytest.fixture(scope="module")
def forgotten(warehouse: Path, customer: dict) -> dict:
    needles = customer["identity"] + customer["visitors"]
    # tables: views only show them
    before = rows(warehouse, needles, views=False)
    assert traces(warehouse, customer["identity"]), "the customer is in the warehouse to begin with"
    output = succeeded(
        run_operation(warehouse, "forget_customer", {"customer_id": customer["given_id"]})
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


def test_every_linked_record_is_erased(warehouse: Path, customer: dict, forgotten: dict) -> None:
    # both CRM contacts (every version), their account link, the identity graph: deleted
    assert len(customer["crm"]) >= 2 and customer["account"] and customer["order"]
    nodes = [
        f"{kind}:{v}"
        for kind in ("crm", "account", "order", "ticket", "browser")
        for v in customer[kind]
    ]
    checks = {
        "bronze.brz_crm__customers": (
            f"trim(crm_id) {IN}",
            [customer["crm"]],
        ),
        "snapshots.snp_crm__customers": (
            f"crm_id {IN}",
            [customer["crm"]],
        ),
        "silver.stg_crm__customers": (f"crm_id {IN}", [customer["crm"]]),
        "silver.stg_crm__account_links": (
            f"crm_id {IN} or shop_account_id {IN}",
            [customer["crm"], customer["account"]],
        ),
        "bronze.brz_crm__account_links": (
            f"crm_id {IN} or shop_account_id {IN}",
            [customer["crm"], customer["account"]],
        ),
        "silver.int_identity_nodes": (f"node_key {IN}", [nodes]),
        "silver.int_identity_edges": (
            f"node_key_a {IN} or node_key_b {IN}",
            [nodes, nodes],
        ),
        "silver.int_identity_match_pairs": (
            f"node_key_l {IN} or node_key_r {IN}",
            [nodes, nodes],
        ),
        "silver.int_identity_match_scores": (
            f"node_key_l {IN} or node_key_r {IN}",
            [nodes, nodes],
        ),
        "silver.int_identity_rule_components": (
            f"node_key {IN}",
            [nodes],
        ),
        "silver.int_customer_identities": ("customer_id = ?", [customer["customer_id"]]),
        "silver.int_customer_profiles": ("customer_id = ?", [customer["customer_id"]]),
        "gold.customer_360": ("customer_id = ?", [customer["customer_id"]]),
        "silver.stg_web__events": (
            f"anonymous_id {IN}",
            [customer["browser"]],
        ),
        "silver.stg_ecommerce__orders": (
            f"shop_account_id {IN}",
            [customer["account"]],
        ),
    }
    with connect(warehouse) as con:
        for table, (condition, params) in checks.items():
            assert (
                con.execute(f"select count(*) from {table} where {condition}", params).fetchone()[0]
                == 0
            ), table
        # the orders and tickets are kept, without contact details
        orders = con.execute(
            "select count(*), count(shop_account_id), count(email_normalised), count(phone), "
            "count(*) filter (where email is not null and not starts_with(email, 'erased_')) "
            f"from silver.stg_ecommerce__orders where order_id {IN}",
            [customer["order"]],
        ).fetchone()
        assert orders[0] == len(customer["order"]) and orders[2:] == (0, 0, 0)
        tickets = con.execute(
            "select count(*), count(email_normalised), count(requester_phone) "
            f"from silver.stg_support__tickets where ticket_id {IN}",
            [customer["ticket"]],
        ).fetchone()
        assert tickets == (len(customer["ticket"]), 0, 0)


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
    expected_hash = hashlib.sha256(f"{SALT}:{customer['given_id']}".encode()).hexdigest()
    assert {row[2] for row in audit} == {expected_hash}
    assert not [needle for needle in customer["identity"] if needle in repr(audit).lower()]
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
        run_operation(warehouse, "forget_customer", {"customer_id": customer["given_id"]})
    )
    assert "nothing to change" in output
    assert rows(warehouse, needles) == before
    last = audit_rows(warehouse)[-1]
    assert last[1] == "forget_customer" and last[4:] == (None, "none", 0)


@pytest.fixture(scope="module")
def others(warehouse: Path, customer: dict, forgotten: dict) -> dict:
    """Two more customers, forgotten by a shop account id and by the resolved customer id."""
    found = [
        c for c in candidates(warehouse, 1, False) if c["customer_id"] != customer["customer_id"]
    ]
    if len(found) < 2:
        pytest.fail(
            "the sample has no two more customers with a CRM contact, an account and orders"
        )
    by_account, by_customer_id = (
        {**found[0], "given_id": found[0]["account"][0]},
        {
            **found[1],
            "given_id": found[1]["customer_id"],
        },
    )
    outputs = {}
    for other in (by_account, by_customer_id):
        assert traces(warehouse, other["identity"]), (
            "the customer is in the warehouse to begin with"
        )
        outputs[other["given_id"]] = succeeded(
            run_operation(warehouse, "forget_customer", {"customer_id": other["given_id"]})
        )
    return {"by_account": by_account, "by_customer_id": by_customer_id, "outputs": outputs}


@pytest.mark.parametrize("kind", ["by_account", "by_customer_id"])
def test_any_id_of_a_customer_forgets_all_of_them(warehouse: Path, others: dict, kind: str) -> None:
    other = others[kind]
    output = others["outputs"][other["given_id"]]
    assert "nothing to change" not in output
    assert re.search(rf"id is linked to .*\b{len(other['crm'])} crm\b", output)
    assert not traces(warehouse, other["identity"] + other["visitors"])
    # the CRM contacts went with the account or the customer id they are linked to
    with connect(warehouse) as con:
        assert not con.execute(
            f"select count(*) from bronze.brz_crm__customers where trim(crm_id) {IN}",
            [other["crm"]],
        ).fetchone()[0]
    expected_hash = hashlib.sha256(f"{SALT}:{other['given_id']}".encode()).hexdigest()
    assert expected_hash in {row[2] for row in audit_rows(warehouse)}


@pytest.mark.parametrize(
    "customer_id",
    [
        "C1000001' or 1=1; drop table silver.stg_crm__customers; --",
        1000001,
        "C123",
        "8DBDD61A81FBE239E8448EA724E3D634",
        "O100000446",
    ],
    ids=["sql-injection", "not-a-string", "short-crm-id", "upper-case-hex", "an-order-id"],
)
def test_invalid_input_is_rejected_and_changes_nothing(
    warehouse: Path, forgotten: dict, customer_id: object
) -> None:
    audited = len(audit_rows(warehouse))
    before = rows(warehouse, [])
    done = run_operation(warehouse, "forget_customer", {"customer_id": customer_id})
    assert done.returncode != 0
    assert (
        "customer_id must be an id of a customer, one of customer_id ^[0-9a-f]{32}$, "
        "crm ^C[0-9]{7}$, account ^A[0-9]{7}$" in done.stdout
    )
    assert "Nothing was changed" in done.stdout
    assert rows(warehouse, []) == before
    assert len(audit_rows(warehouse)) == audited


def test_the_salt_is_required(warehouse: Path, customer: dict, forgotten: dict) -> None:
    done = run_operation(
        warehouse, "forget_customer", {"customer_id": customer["given_id"]}, salt=None
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
    (silver: the base models, and the tables with a record_id: the quarantine)."""
    return [
        f"{schema}.{table}"
        for schema, table in con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and (table_schema = 'bronze' or "
            "(table_schema = 'silver' and (starts_with(table_name, 'base_') "
            "or table_name in (select table_name from information_schema.columns "
            "where column_name = 'record_id')))) order by 1, 2"
        ).fetchall()
    ]


def loaded_record_ids(con: duckdb.DuckDBPyConnection) -> str:
    """SQL: the record ids silver tables loaded (each key's current version; the base
    models hold every record, loaded or not)."""
    tables = con.execute(
        "select table_name from information_schema.columns join information_schema.tables "
        "using (table_schema, table_name) where table_schema = 'silver' "
        "and column_name = '_record_id' and table_type = 'BASE TABLE' "
        "and not starts_with(table_name, 'base_')"
    ).fetchall()
    return " union all ".join(
        f"select _record_id from silver.{t} where _record_id is not null" for (t,) in tables
    )


@pytest.fixture(scope="module")
def aged(warehouse: Path, forgotten: dict) -> dict:
    """Back-date the bronze records of the first extract days to before the retention, as
    if they had been ingested years ago, and count what the purge must remove: the ones
    silver does not load (superseded, duplicate, quarantined), and the rows of the base
    models and the quarantine that describe them."""
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
                record_id = "_record_id" if table.startswith("silver.base_") else "record_id"
                expected[table] = con.execute(
                    f"select count(*) from {table} where {record_id} in "
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
    assert {
        "bronze.brz_crm__customers",
        "silver.base_crm__customers",
        "silver.dq_quarantine",
    } <= set(counts)
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
def rebuilt(warehouse: Path, forgotten: dict, others: dict, purged: dict) -> dict:
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
    warehouse: Path, customer: dict, others: dict, rebuilt: dict
) -> None:
    for forgotten_customer in (customer, others["by_account"], others["by_customer_id"]):
        assert not traces(
            warehouse, forgotten_customer["identity"] + forgotten_customer["visitors"]
        ), forgotten_customer["given_id"]


def test_the_next_build_ingests_no_purged_file_again(rebuilt: dict) -> None:
    before, after = rebuilt["raw_counts"]
    assert after == before
