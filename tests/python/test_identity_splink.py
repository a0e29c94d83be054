"""The Splink model of int_identity_match_pairs (python_jobs/identity/match_pairs.py), on
DuckDB and on a local SparkSession, against the generator's truth file.

The records are built here from generated landing files, as int_identity_nodes and
int_identity_rule_components will give them (those models are not needed): CRM contacts
(current version), orders and tickets, with email and phone normalised simply, and rule
components approximated by an exact normalised email (except an email that CRM contacts with
different first names share: a household's, which the rules do not link either).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from python_jobs.cli import app
from python_jobs.identity.match_pairs import (
    AMBIGUITY_PROBABILITY,
    FITS_SCHEMA,
    PAIRS_SCHEMA,
    IdentityMatchError,
    current_fit,
    fit_match_model,
    fit_when_due,
    kept_probability,
    score_match_pairs,
)

SCALE = 0.02
DAYS = 365
SEED = 42
THRESHOLD = 0.99

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

select * from components order by node_key
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


def _duckdb_pairs(
    records: pa.Table, min_probability: float | None = None
) -> tuple[pa.Table, float]:
    with duckdb.connect() as con:
        con.register("records_arrow", records)
        con.execute("create table identity_records as select * from records_arrow")
        started = time.monotonic()
        pairs = score_match_pairs(
            con.table("identity_records"), con, THRESHOLD, min_probability=min_probability
        )
        elapsed = time.monotonic() - started
        leftovers = con.sql(
            "select table_name from information_schema.tables where table_name like '%splink%'"
        ).fetchall()
    assert leftovers == [], f"Splink left tables behind: {leftovers}"
    return pairs, elapsed


@pytest.fixture(scope="module")
def duckdb_pairs(records: pa.Table) -> pa.Table:
    pairs, elapsed = _duckdb_pairs(records)
    print(f"\nDuckDB: {records.num_rows} records, {pairs.num_rows} pairs in {elapsed:.1f} s")
    return pairs


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
    frame = spark.createDataFrame(records)
    started = time.monotonic()
    pairs = score_match_pairs(frame, spark, THRESHOLD)
    print(
        f"\nSpark: {records.num_rows} records, {pairs.num_rows} pairs in "
        f"{time.monotonic() - started:.1f} s"
    )
    return pairs


def _accepted(pairs: pa.Table) -> set[tuple[str, str]]:
    return {
        (row["node_key_l"], row["node_key_r"])
        for row in pairs.filter(pairs.column("is_accepted")).to_pylist()
    }


def _precision(accepted: set[tuple[str, str]], truth: dict) -> float:
    true = sum(truth[left][0] == truth[right][0] for left, right in accepted)
    return true / len(accepted)


# --------------------------------------------------------------------------- DuckDB


def test_pairs_have_the_declared_columns_and_one_row_per_ordered_pair(
    duckdb_pairs: pa.Table,
) -> None:
    assert duckdb_pairs.schema == PAIRS_SCHEMA
    keys = [(row["node_key_l"], row["node_key_r"]) for row in duckdb_pairs.to_pylist()]
    assert all(left < right for left, right in keys)
    assert len(set(keys)) == len(keys)
    assert duckdb_pairs.num_rows > 0


def test_no_pair_within_a_rule_component_and_only_scored_node_types(
    duckdb_pairs: pa.Table, records: pa.Table
) -> None:
    component = dict(
        zip(
            records.column("node_key").to_pylist(),
            records.column("rule_component_key").to_pylist(),
            strict=True,
        )
    )
    for row in duckdb_pairs.to_pylist():
        assert component[row["node_key_l"]] != component[row["node_key_r"]]
        assert row["node_key_l"].startswith("crm:") and row["node_key_r"].startswith("crm:")


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


def test_the_same_records_give_the_same_pairs(duckdb_pairs: pa.Table, records: pa.Table) -> None:
    """The pairs and their acceptance are the same; the scores agree to 1e-6 (the engine's
    parallel sums in the EM steps may add in another order: about 1e-10 apart)."""
    again, _ = _duckdb_pairs(records)
    keys = [("node_key_l", "ascending"), ("node_key_r", "ascending")]
    first_run, again = duckdb_pairs.sort_by(keys), again.sort_by(keys)
    columns = ["node_key_l", "node_key_r", "is_accepted"]
    assert again.select(columns).equals(first_run.select(columns))
    for column in ("match_weight", "match_probability"):
        first, second = first_run.column(column).to_pylist(), again.column(column).to_pylist()
        assert max(abs(a - b) for a, b in zip(first, second, strict=True)) < 1e-6


def test_only_the_pairs_the_acceptance_reads_are_kept(
    duckdb_pairs: pa.Table, records: pa.Table
) -> None:
    """By default the pairs from the lower of the threshold and AMBIGUITY_PROBABILITY are kept:
    exactly those of every scored pair (min_probability 0) from there, accepted alike."""
    keep = kept_probability(THRESHOLD)
    assert keep == min(THRESHOLD, AMBIGUITY_PROBABILITY)
    every, _ = _duckdb_pairs(records, min_probability=0)
    from_keep = every.filter(pc.greater_equal(every.column("match_probability"), keep))
    columns = ["node_key_l", "node_key_r", "is_accepted"]

    def rows(table: pa.Table) -> list[tuple]:
        return sorted(tuple(row.values()) for row in table.select(columns).to_pylist())

    assert 0 < duckdb_pairs.num_rows < every.num_rows
    assert min(duckdb_pairs.column("match_probability").to_pylist()) >= keep
    assert rows(duckdb_pairs) == rows(from_keep)


def _training(records: pa.Table, fit_date: dt.date) -> pa.Table:
    """The records as int_identity_match_training_records gives them: no rule component, the
    fit date on every row."""
    training = records.drop(["rule_component_key"])
    return training.append_column("fit_date", pa.array([fit_date] * training.num_rows))


def test_a_stored_fit_scores_as_a_fit_of_the_same_records(
    duckdb_pairs: pa.Table, records: pa.Table
) -> None:
    """A fit learnt from the records (no rule components: a fit does not need them), stored as
    JSON and read back, scores the same pairs, accepted alike, as training on the records
    themselves; the scores agree to 1e-6 (parallel sums, see above). Scoring with it does not
    train: it takes a fraction of the time."""
    with duckdb.connect() as con:
        model_json = fit_match_model(con.from_arrow(records.drop(["rule_component_key"])), con)
        assert model_json is not None
        started = time.monotonic()
        scored = score_match_pairs(con.from_arrow(records), con, THRESHOLD, model_json=model_json)
        print(f"\nScored with a stored fit in {time.monotonic() - started:.2f} s")
    keys = [("node_key_l", "ascending"), ("node_key_r", "ascending")]
    trained, scored = duckdb_pairs.sort_by(keys), scored.sort_by(keys)
    columns = ["node_key_l", "node_key_r", "is_accepted"]
    assert scored.num_rows > 0 and scored.select(columns).equals(trained.select(columns))
    for column in ("match_weight", "match_probability"):
        first, second = trained.column(column).to_pylist(), scored.column(column).to_pylist()
        assert max(abs(a - b) for a, b in zip(first, second, strict=True)) < 1e-6


def test_a_fit_is_added_once_per_fit_date(
    records: pa.Table, caplog: pytest.LogCaptureFixture
) -> None:
    """int_identity_match_fits adds the fit of the training records' date when none of that
    date is stored, and nothing otherwise (a rerun changes no row); the pairs score with the
    fit of the current date, and there is none (a warning) for a date never fitted."""
    sunday, next_sunday = dt.date(2026, 6, 28), dt.date(2026, 7, 5)
    crm_records = pc.sum(pc.equal(records.column("node_type"), "crm")).as_py()
    with duckdb.connect() as con:
        first = fit_when_due(con.from_arrow(_training(records, sunday)), None, con)
        assert first.schema == FITS_SCHEMA
        assert first.select(["fit_date", "training_records"]).to_pylist() == [
            {"fit_date": sunday, "training_records": crm_records}
        ]
        again = fit_when_due(con.from_arrow(_training(records, sunday)), first, con)
        assert again.num_rows == 0
        moved = fit_when_due(con.from_arrow(_training(records, next_sunday)), first, con)
        assert moved.column("fit_date").to_pylist() == [next_sunday]
        fits = pa.concat_tables([first, moved])
        assert current_fit(fits, _training(records, sunday)) == first["model_json"][0].as_py()
        with caplog.at_level(logging.WARNING):
            assert current_fit(fits, _training(records, dt.date(2026, 7, 12))) is None
    assert "no Splink fit as of 2026-07-12" in caplog.text


def test_a_stored_fit_that_is_not_json_is_a_sentence(records: pa.Table) -> None:
    with duckdb.connect() as con, pytest.raises(IdentityMatchError, match="not JSON"):
        score_match_pairs(con.from_arrow(records), con, THRESHOLD, model_json="{not json")


def test_too_few_records_give_no_pairs_and_a_warning(
    records: pa.Table, caplog: pytest.LogCaptureFixture
) -> None:
    few = records.slice(0, 3)
    with duckdb.connect() as con, caplog.at_level(logging.WARNING):
        pairs = score_match_pairs(con.from_arrow(few), con, THRESHOLD)
    assert pairs.num_rows == 0
    assert pairs.schema == PAIRS_SCHEMA
    assert "int_identity_match_pairs has no pairs: only 3 CRM contact record(s)" in caplog.text


def test_a_bad_threshold_or_missing_column_is_a_sentence(records: pa.Table) -> None:
    with duckdb.connect() as con:
        with pytest.raises(IdentityMatchError, match="identity_match_threshold must be"):
            score_match_pairs(con.from_arrow(records), con, "high")
        with pytest.raises(IdentityMatchError, match=r"lack the column\(s\) rule_component_key"):
            score_match_pairs(con.from_arrow(records.drop(["rule_component_key"])), con, 0.9)


# --------------------------------------------------------------------------- Spark


@pytest.mark.spark
def test_spark_accepts_the_pairs_duckdb_accepts(
    spark_pairs: pa.Table, duckdb_pairs: pa.Table, truth: dict
) -> None:
    assert spark_pairs.schema == PAIRS_SCHEMA
    spark_accepted, duckdb_accepted = _accepted(spark_pairs), _accepted(duckdb_pairs)
    assert _precision(spark_accepted, truth) >= 0.99
    assert spark_accepted == duckdb_accepted
