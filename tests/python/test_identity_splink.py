"""The Splink models (python_jobs/identity/match_pairs.py: the fit of int_identity_match_fits,
the scores of int_identity_match_scores) and the acceptance of int_identity_match_pairs (its
SQL, rendered here with the project's vars), on DuckDB and on a local SparkSession, against
the generator's truth file.

The records are built here from generated landing files, as int_identity_nodes and
int_identity_rule_components will give them (those models are not needed): CRM contacts
(current version), orders and tickets, with email and phone normalised simply, and rule
components approximated by an exact normalised email (except an email that CRM contacts with
different first names share: a household's, which the rules do not link either). Splink
learns from the same records it scores.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

import duckdb
import jinja2
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from python_jobs.cli import app
from python_jobs.identity.match_pairs import (
    FITS_SCHEMA,
    SCORES_SCHEMA,
    IdentityMatchError,
    current_fit,
    fit_match_model,
    fit_when_due,
    kept_probability,
    score_pairs,
)
from python_jobs.warehouse import REPO_ROOT

SCALE = 0.02
DAYS = 365
SEED = 42
THRESHOLD = 0.99
PROJECT_VARS = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]
AMBIGUITY = PROJECT_VARS["identity_ambiguity_probability"]
KEEP = kept_probability(THRESHOLD, AMBIGUITY)
PAIRS_MODEL = REPO_ROOT / "models/silver/intermediate/identity/int_identity_match_pairs.sql"
PAIRS_COLUMNS = ["node_key_l", "node_key_r", "match_weight", "match_probability", "is_accepted"]
SIGHTED_AT = dt.datetime(2026, 1, 1, 6)
KEYS = [("node_key_l", "ascending"), ("node_key_r", "ascending")]

RECORDS_SQL = r"""
with

crm as (
    select * from read_json('{landing}/crm/customers/*.jsonl', format = 'newline_delimited',
        union_by_name = true, ignore_errors = true)
    where crm_id is not null
    qualify row_number() over (partition by crm_id order by updated_at desc) = 1
),

orders as (
    select * from read_csv_auto('{landing}/ecommerce/orders/*.csv', union_by_name = true,
        all_varchar = true)
    qualify row_number() over (partition by order_id order by updated_at desc) = 1
),

tickets as (
    select * from read_parquet('{landing}/support/ticket_changes/*.parquet',
        union_by_name = true)
    qualify row_number() over (
        partition by ticket_id order by _commit_version desc
    ) = 1
),

raw_nodes as (
    select
        'crm:' || crm_id as node_key, 'crm' as node_type, first_name, last_name, city,
        country as country_code, email, phone
    from crm
    union all
    select
        'order:' || order_id, 'order', null, null, null, null, email, phone
    from orders
    union all
    select
        'ticket:' || ticket_id, 'ticket', null, null, null, null, requester_email,
        requester_phone
    from tickets
),

nodes as (
    select
        node_key, node_type, first_name, last_name, city, country_code,
        case when lower(trim(email)) similar to '[^@ ]+@[^@ ]+\.[a-z]+'
            then lower(trim(email)) end as email_normalised,
        nullif(ltrim(regexp_replace(regexp_replace(phone, '^(\+|00)\d+[ -]', ''),
            '\D', '', 'g'), '0'), '') as phone_national_number
    from raw_nodes
),

household_emails as (
    select email_normalised from nodes
    where node_type = 'crm' and email_normalised is not null
    group by email_normalised having count(distinct lower(first_name)) > 1
),

components as (
    select
        nodes.*,
        case when nodes.email_normalised is null
                or nodes.email_normalised in (select * from household_emails)
            then nodes.node_key
            else min(nodes.node_key) over (partition by nodes.email_normalised)
        end as rule_component_key
    from nodes
)

select *, timestamp '2026-01-01 06:00:00' as _ingested_at from components order by node_key
"""


runner = CliRunner()
TRUTH_SOURCES = {
    "crm.customers": "crm",
    "ecommerce.orders": "order",
    "support.ticket_changes": "ticket",
}


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("identity_splink") / "landing"
    args = ["generate", "--out", str(out), "--scale", str(SCALE), "--days", str(DAYS)]
    result = runner.invoke(app, [*args, "--seed", str(SEED), "--quiet"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def records(landing: Path) -> pa.Table:
    with duckdb.connect() as con:
        return con.sql(RECORDS_SQL.format(landing=landing.as_posix())).to_arrow_table()


@pytest.fixture(scope="module")
def truth(landing: Path) -> dict[str, tuple[str, str]]:
    """node_key -> (person_id, planted) of the truth file."""
    path = landing.parent / "_truth" / "identity_truth.parquet"
    rows = pq.read_table(path, columns=["source", "record_key", "person_id", "planted"])
    return {
        f"{TRUTH_SOURCES[r['source']]}:{r['record_key']}": (r["person_id"], r["planted"] or "")
        for r in rows.to_pylist()
        if r["source"] in TRUTH_SOURCES
    }


def _pairs_sql(threshold: object = THRESHOLD) -> str:
    """The SQL of int_identity_match_pairs with the project's vars (the threshold given), its
    refs the tables int_identity_match_scores and int_identity_rule_components."""
    project_vars = {**PROJECT_VARS, "identity_match_threshold": threshold}

    class Exceptions:
        @staticmethod
        def raise_compiler_error(message: str) -> None:
            raise IdentityMatchError(message)

    return jinja2.Template(PAIRS_MODEL.read_text()).render(
        ref=lambda name: name, var=project_vars.__getitem__, exceptions=Exceptions
    )


def _training(records: pa.Table) -> pa.Table:
    return records.drop(["rule_component_key", "_ingested_at"])


def _accept(records: pa.Table, scores: pa.Table) -> pa.Table:
    """The pairs int_identity_match_pairs makes of the scores, on DuckDB (tables, as dbt
    writes them: over Arrow scans, which have no row counts, DuckDB plans the joins badly)."""
    with duckdb.connect() as con:
        con.register("scores_arrow", scores)
        con.register("records_arrow", records)
        con.execute("create table int_identity_match_scores as select * from scores_arrow")
        con.execute(
            "create table int_identity_rule_components as "
            "select node_key, rule_component_key from records_arrow"
        )
        return con.sql(_pairs_sql()).to_arrow_table().select(PAIRS_COLUMNS).sort_by(KEYS)


def _duckdb_scores(records: pa.Table, min_probability: float = KEEP) -> tuple[str, pa.Table, float]:
    """A fit of the records, and the pairs it scores (from ``min_probability``), on DuckDB;
    the seconds of the scoring."""
    with duckdb.connect() as con:
        con.register("records_arrow", records)
        con.execute("create table identity_records as select * from records_arrow")
        model_json = fit_match_model(con.from_arrow(_training(records)), con)
        assert model_json is not None
        started = time.monotonic()
        scores = score_pairs(
            con.table("identity_records"),
            con,
            model_json,
            min_probability=min_probability,
        )
        elapsed = time.monotonic() - started
        leftovers = con.sql(
            "select table_name from information_schema.tables where table_name like '%splink%'"
        ).fetchall()
    assert leftovers == [], f"Splink left tables behind: {leftovers}"
    return model_json, scores.sort_by(KEYS), elapsed


@pytest.fixture(scope="module")
def duckdb_scored(records: pa.Table) -> tuple[str, pa.Table]:
    model_json, scores, elapsed = _duckdb_scores(records)
    print(f"\nDuckDB: {records.num_rows} records, {scores.num_rows} pairs in {elapsed:.1f} s")
    return model_json, scores


@pytest.fixture(scope="module")
def duckdb_scores(duckdb_scored: tuple[str, pa.Table]) -> pa.Table:
    return duckdb_scored[1]


@pytest.fixture(scope="module")
def duckdb_pairs(records: pa.Table, duckdb_scores: pa.Table) -> pa.Table:
    return _accept(records, duckdb_scores)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory):
    pyspark_sql = pytest.importorskip("pyspark.sql")
    from splink.backends.spark import similarity_jar_location

    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("test_identity_splink")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("spark_checkpoints")))
    yield session
    session.stop()


@pytest.fixture(scope="module")
def spark_pairs(spark, records: pa.Table) -> pa.Table:
    started = time.monotonic()
    model_json = fit_match_model(spark.createDataFrame(_training(records)), spark)
    assert model_json is not None
    scores = score_pairs(spark.createDataFrame(records), spark, model_json, min_probability=KEEP)
    print(
        f"\nSpark: {records.num_rows} records, {scores.num_rows} pairs in "
        f"{time.monotonic() - started:.1f} s"
    )
    return _accept(records, scores)


def _accepted(pairs: pa.Table) -> set[tuple[str, str]]:
    return {
        (row["node_key_l"], row["node_key_r"])
        for row in pairs.filter(pairs.column("is_accepted")).to_pylist()
    }


def _precision(accepted: set[tuple[str, str]], truth: dict) -> float:
    true = sum(truth[left][0] == truth[right][0] for left, right in accepted)
    return true / len(accepted)


# --------------------------------------------------------------------------- DuckDB


def test_scores_and_pairs_have_one_row_per_ordered_pair(
    duckdb_scores: pa.Table, duckdb_pairs: pa.Table
) -> None:
    assert duckdb_scores.schema == SCORES_SCHEMA
    for table in (duckdb_scores, duckdb_pairs):
        keys = [(row["node_key_l"], row["node_key_r"]) for row in table.to_pylist()]
        assert all(left < right for left, right in keys)
        assert len(set(keys)) == len(keys)
        assert table.num_rows > 0


def test_only_crm_contacts_are_scored_and_pairs_cross_rule_components(
    duckdb_scores: pa.Table, duckdb_pairs: pa.Table, records: pa.Table
) -> None:
    component = dict(
        zip(
            records.column("node_key").to_pylist(),
            records.column("rule_component_key").to_pylist(),
            strict=True,
        )
    )
    scores = duckdb_scores.to_pylist()
    assert all(
        r["node_key_l"].startswith("crm:") and r["node_key_r"].startswith("crm:") for r in scores
    )
    # the scores do not depend on the rules: pairs inside one component are scored too
    assert any(component[r["node_key_l"]] == component[r["node_key_r"]] for r in scores)
    crossing = {
        (r["node_key_l"], r["node_key_r"])
        for r in scores
        if component[r["node_key_l"]] != component[r["node_key_r"]]
    }
    assert {(r["node_key_l"], r["node_key_r"]) for r in duckdb_pairs.to_pylist()} == crossing
    assert all(r["_ingested_at"] == SIGHTED_AT and r["fit_date"] is None for r in scores)


def test_the_vetoes_are_what_the_names_and_phones_say(
    duckdb_scores: pa.Table, records: pa.Table
) -> None:
    """names_alike: both names at most two edits apart (lower-cased); phones_differ: both
    known and different."""
    by_key = {row["node_key"]: row for row in records.to_pylist()}

    def edits(a: str, b: str) -> int:
        previous = list(range(len(b) + 1))
        for i, x in enumerate(a, 1):
            current = [i]
            for j, y in enumerate(b, 1):
                current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
            previous = current
        return previous[-1]

    def typo_apart(a: str | None, b: str | None) -> bool:
        if not a or not b or not a.strip() or not b.strip():
            return False
        a, b = a.strip().lower(), b.strip().lower()
        return len(a.encode()) == len(a) and len(b.encode()) == len(b) and edits(a, b) <= 2

    checked = 0
    for row in duckdb_scores.to_pylist():
        left, right = by_key[row["node_key_l"]], by_key[row["node_key_r"]]
        names = [left["first_name"], right["first_name"], left["last_name"], right["last_name"]]
        if any(n and any(ord(c) > 127 for c in n) for n in names):
            continue  # DuckDB's levenshtein counts bytes (docs/identity_resolution.md)
        alike = typo_apart(left["first_name"], right["first_name"]) and typo_apart(
            left["last_name"], right["last_name"]
        )
        assert row["names_alike"] == alike, (left, right)
        phones = left["phone_national_number"], right["phone_national_number"]
        assert row["phones_differ"] == (None not in phones and phones[0] != phones[1])
        checked += 1
    assert checked > 0


def test_accepted_pairs_follow_the_threshold(duckdb_pairs: pa.Table) -> None:
    for row in duckdb_pairs.to_pylist():
        if row["is_accepted"]:
            assert row["match_probability"] >= THRESHOLD


def test_accepted_pairs_are_precise(duckdb_pairs: pa.Table, truth: dict) -> None:
    accepted = _accepted(duckdb_pairs)
    assert accepted, "no pair accepted"
    assert _precision(accepted, truth) >= 0.99


def test_family_pairs_are_never_accepted(duckdb_pairs: pa.Table, truth: dict) -> None:
    families = [
        (left, right)
        for left, right in _accepted(duckdb_pairs)
        if "family_shared_email" in truth[left][1]
        and "family_shared_email" in truth[right][1]
        and truth[left][0] != truth[right][0]
    ]
    assert families == []


def test_the_same_records_give_the_same_fit_and_pairs(
    duckdb_scored: tuple[str, pa.Table], duckdb_pairs: pa.Table, records: pa.Table
) -> None:
    """Learnt again from the same records: the fit scores the same pairs, accepted alike; the
    scores agree to 1e-6 (the engine's parallel sums in the EM steps may add in another
    order: about 1e-10 apart)."""
    _, again, _ = _duckdb_scores(records)
    pairs = _accept(records, again)
    columns = ["node_key_l", "node_key_r", "is_accepted"]
    assert pairs.select(columns).equals(duckdb_pairs.select(columns))
    for column in ("match_weight", "match_probability"):
        first = duckdb_scored[1].column(column).to_pylist()
        second = again.column(column).to_pylist()
        assert max(abs(a - b) for a, b in zip(first, second, strict=True)) < 1e-6


def test_only_the_pairs_the_acceptance_reads_are_kept(
    duckdb_scores: pa.Table, duckdb_pairs: pa.Table, records: pa.Table
) -> None:
    """By default the pairs from the lower of the threshold and the ambiguity probability are
    kept: exactly those of every scored pair (min_probability 0) from there, and the
    acceptance of every pair accepts the same ones."""
    assert min(THRESHOLD, AMBIGUITY) == KEEP
    _, every, _ = _duckdb_scores(records, min_probability=0)
    from_keep = every.filter(pc.greater_equal(every.column("match_probability"), KEEP))
    columns = ["node_key_l", "node_key_r", "names_alike", "phones_differ"]
    assert 0 < duckdb_scores.num_rows < every.num_rows
    assert min(duckdb_scores.column("match_probability").to_pylist()) >= KEEP
    assert from_keep.select(columns).equals(duckdb_scores.select(columns))
    assert _accepted(_accept(records, every)) == _accepted(duckdb_pairs)


def test_scoring_the_changed_contacts_completes_the_stored_scores(
    duckdb_scored: tuple[str, pa.Table], records: pa.Table
) -> None:
    """What int_identity_match_scores does on a day 2: with the same fit, the pairs of the
    contacts that changed since the stored scores (sighted after the latest, or at another
    time than their scores say, as after a privacy operation), added to the stored scores of
    the other pairs, are the scores of every pair: no pair missing, none twice. Each new score
    carries its contacts' sightings; scored again, nothing has changed."""
    model_json, scores = duckdb_scored
    day0, day2 = SIGHTED_AT - dt.timedelta(days=1), SIGHTED_AT + dt.timedelta(days=1)
    keys = records.column("node_key").to_pylist()
    sighted_again = {key for key in keys[::50] if key.startswith("crm:")}
    rebuilt = set(scores.column("node_key_l").to_pylist()[:2]) - sighted_again
    sighted = pa.array(
        [day2 if k in sighted_again else day0 if k in rebuilt else SIGHTED_AT for k in keys]
    )
    day2_records = records.set_column(
        records.schema.get_field_index("_ingested_at"), "_ingested_at", sighted
    )

    def scored_over(stored: pa.Table) -> pa.Table:
        with duckdb.connect() as con:
            return score_pairs(
                con.from_arrow(day2_records),
                con,
                model_json,
                min_probability=KEEP,
                stored_scores=con.from_arrow(stored),
            )

    new = scored_over(scores)
    changed = sighted_again | rebuilt
    touched = [
        row["node_key_l"] in changed or row["node_key_r"] in changed for row in scores.to_pylist()
    ]
    kept = scores.filter(pc.invert(pa.array(touched)))
    assert 0 < new.num_rows < scores.num_rows
    assert {key for row in new.to_pylist() for key in (row["node_key_l"], row["node_key_r"])} >= (
        rebuilt
    )
    assert set(new.column("_ingested_at").to_pylist()) <= {day2, SIGHTED_AT}
    combined = pa.concat_tables([kept, new]).sort_by(KEYS)
    columns = ["node_key_l", "node_key_r", "names_alike", "phones_differ"]
    assert combined.select(columns).equals(scores.select(columns))
    for column in ("match_weight", "match_probability"):
        assert combined.column(column).equals(scores.column(column)), column
    assert scored_over(combined).num_rows == 0


def test_a_fit_is_added_once_per_fit_date(
    records: pa.Table, caplog: pytest.LogCaptureFixture
) -> None:
    """int_identity_match_fits adds the fit of the fit date (int_identity_match_fit_date) when
    none of that date is stored, and nothing otherwise, without reading the training records
    (a rerun changes no row); the scores use the fit of the current date, and there is none (a
    warning) for a date never fitted."""
    sunday, next_sunday = dt.date(2026, 6, 28), dt.date(2026, 7, 5)
    crm_records = pc.sum(pc.equal(records.column("node_type"), "crm")).as_py()

    def training(fit_date: dt.date) -> pa.Table:
        table = _training(records)
        return table.append_column("fit_date", pa.array([fit_date] * table.num_rows))

    def on(fit_date: dt.date) -> pa.Table:
        """int_identity_match_fit_date: one row."""
        return pa.table({"fit_date": [fit_date], "as_of_date": [fit_date]})

    with duckdb.connect() as con:
        first = fit_when_due(on(sunday), con.from_arrow(training(sunday)), None, con)
        assert first.schema == FITS_SCHEMA
        assert first.select(["fit_date", "training_records"]).to_pylist() == [
            {"fit_date": sunday, "training_records": crm_records}
        ]
        # a fit of that date is stored: the training records are not read (reading this fails)
        unread = con.sql("select error('read: ' || x) as fit_date from range(1) as t(x)")
        again = fit_when_due(on(sunday), unread, first, con)
        assert again.num_rows == 0
        moved = fit_when_due(on(next_sunday), con.from_arrow(training(next_sunday)), first, con)
        assert moved.column("fit_date").to_pylist() == [next_sunday]
        fits = pa.concat_tables([first, moved])
        assert current_fit(fits, on(sunday)) == (sunday, first["model_json"][0].as_py())
        with caplog.at_level(logging.WARNING):
            assert current_fit(fits, on(dt.date(2026, 7, 12))) is None
            # before any delivery, int_identity_match_fit_date has no row
            nothing_delivered = on(sunday).slice(0, 0)
            assert fit_when_due(nothing_delivered, unread, None, con).num_rows == 0
            assert current_fit(fits, nothing_delivered) is None
    assert "no fit as of 2026-07-12" in caplog.text
    assert "no fit date (no delivery yet)" in caplog.text


def test_too_few_records_give_no_fit_and_a_warning(
    records: pa.Table, caplog: pytest.LogCaptureFixture
) -> None:
    few = _training(records).slice(0, 3)
    with duckdb.connect() as con, caplog.at_level(logging.WARNING):
        assert fit_match_model(con.from_arrow(few), con) is None
    assert "Splink has no fit: only 3 CRM contact record(s), fewer than the 10" in caplog.text


def test_a_bad_threshold_a_missing_column_or_a_bad_fit_is_a_sentence(
    duckdb_scored: tuple[str, pa.Table], records: pa.Table
) -> None:
    model_json = duckdb_scored[0]
    with pytest.raises(IdentityMatchError, match="identity_match_threshold must be"):
        kept_probability("high", AMBIGUITY)
    with pytest.raises(IdentityMatchError, match="identity_ambiguity_probability must be"):
        kept_probability(THRESHOLD, 0)
    with duckdb.connect() as con:
        with pytest.raises(IdentityMatchError, match=r"lack the column\(s\) _ingested_at"):
            score_pairs(
                con.from_arrow(records.drop(["_ingested_at"])),
                con,
                model_json,
                min_probability=KEEP,
            )
        with pytest.raises(IdentityMatchError, match="not JSON"):
            score_pairs(con.from_arrow(records), con, "{not json", min_probability=KEEP)


def test_the_acceptance_refuses_a_threshold_that_is_not_a_probability() -> None:
    with pytest.raises(IdentityMatchError, match="must be a probability"):
        _pairs_sql(threshold=1.5)


# --------------------------------------------------------------------------- Spark


@pytest.mark.spark
def test_spark_accepts_the_pairs_duckdb_accepts(
    spark_pairs: pa.Table, duckdb_pairs: pa.Table, truth: dict
) -> None:
    spark_accepted, duckdb_accepted = _accepted(spark_pairs), _accepted(duckdb_pairs)
    assert _precision(spark_accepted, truth) >= 0.99
    assert spark_accepted == duckdb_accepted
