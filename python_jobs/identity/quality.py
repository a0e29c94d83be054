"""Identity resolution measured against the generator's truth file (docs/identity_resolution.md,
item 6): `python -m python_jobs identity-quality`.

The truth file names the true person of every source record (`source`, `record_key`,
`person_id`, `planted`); `silver.int_customer_identities` the predicted ones, one row per
node (`node_type`, `source_id`, `customer_id`, `rule_component_key`). Two clusterings are
measured: the rules alone (`rule_component_key`) and rules + Splink (`customer_id`).

- Every figure comes from the contingency table of (predicted cluster, true person) record
  counts: pairs are counted as sums of n·(n-1)/2, never enumerated.
- A truth record missing from the predicted table is counted as a cluster of its own (the
  pipeline linked it to nobody) and reported; a predicted record the truth file does not
  know is left out of the figures and reported. Shop accounts have no truth rows (their
  person is their orders' and logins'): they are left out.
- Families: the truth file marks the first CRM contact of each person of a planted family
  (`family_shared_email`) but not who the partner is (the pairs are drawn at random, and the
  shared address is not in the truth file). So the command counts the **family persons
  merged**: family persons whose predicted cluster holds a record of another family person.
  It is 0 exactly when no planted family pair was merged (a merged pair counts both
  persons); a merge of two family persons of different families counts too, as the wrong
  merge it is.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
from rich.console import Console

from python_jobs.terminal import print_rows

PREDICTED_SCHEMA = "silver"
PREDICTED_TABLE = "int_customer_identities"
# node_type of int_customer_identities -> source of the truth file; accounts have no truth rows
SOURCE_OF_NODE_TYPE = {
    "crm": "crm.customers",
    "order": "ecommerce.orders",
    "ticket": "support.ticket_changes",
    "browser": "web.events",
}
IGNORED_NODE_TYPES = ("account",)
# clustering -> its column in int_customer_identities
CLUSTERINGS = {"rules alone": "rule_component_key", "rules + Splink": "customer_id"}
FAMILY_KIND = "family_shared_email"
TRUTH_COLUMNS = ("source", "record_key", "person_id", "planted")
PREDICTED_COLUMNS = ("node_type", "source_id", "customer_id", "rule_component_key")
# the dbt models whose build time is identity linking
IDENTITY_MODEL_PREFIX = "int_identity_"
IDENTITY_MODELS = (PREDICTED_TABLE,)


class QualityError(Exception):
    """A missing or unreadable input, said in a sentence."""


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1; None where undefined (no pair predicted, or none true)."""

    precision: float | None
    recall: float | None
    f1: float | None


@dataclass(frozen=True)
class ClusteringQuality:
    clustering: str
    column: str
    pairwise: Scores
    bcubed: Scores
    true_positive_pairs: int
    predicted_pairs: int
    true_pairs: int
    clusters: int
    family_persons_merged: int
    persons_split: int


@dataclass(frozen=True)
class IdentityQuality:
    truth_records: int
    persons: int
    family_persons: int
    predicted_records: int  # rows of int_customer_identities, accounts left out
    accounts_left_out: int
    matched_records: int
    without_prediction: dict[str, int]  # truth records with no predicted row, per source
    not_in_truth: dict[str, int]  # predicted records the truth file lacks, per node_type
    clusterings: list[ClusteringQuality]

    def as_dict(self) -> dict:
        return asdict(self)


def f1_score(precision: float | None, recall: float | None) -> float | None:
    """The harmonic mean; 0 when either is 0 (whatever the other), None when one is undefined."""
    if precision == 0 or recall == 0:
        return 0.0
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall)


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def pairwise_scores(true_positive_pairs: int, predicted_pairs: int, true_pairs: int) -> Scores:
    """Pairwise precision (of the predicted pairs, the true ones) and recall (of the true
    pairs, the predicted ones)."""
    precision = _ratio(true_positive_pairs, predicted_pairs)
    recall = _ratio(true_positive_pairs, true_pairs)
    return Scores(precision, recall, f1_score(precision, recall))


def _check_columns(con: duckdb.DuckDBPyConnection, relation: str, what: str, needed: tuple) -> None:
    columns = {row[0] for row in con.execute(f"describe {relation}").fetchall()}
    missing = [column for column in needed if column not in columns]
    if missing:
        raise QualityError(f"{what} has no column {', '.join(missing)}.")


def _duplicates(con: duckdb.DuckDBPyConnection, relation: str, keys: str) -> int:
    return con.execute(
        f"select count(*) from (select {keys} from {relation} group by all having count(*) > 1)"
    ).fetchone()[0]


def _label(con: duckdb.DuckDBPyConnection) -> None:
    """The temp table `labelled`: each truth record with its true person, whether it is a
    family person's, and its cluster in each clustering (a record without a prediction is a
    cluster of its own)."""
    con.execute("create or replace temp table node_sources (node_type varchar, source varchar)")
    con.executemany("insert into node_sources values (?, ?)", list(SOURCE_OF_NODE_TYPE.items()))
    own_cluster = "'unpredicted:' || truth.source || ':' || truth.record_key"
    clusters = ",\n".join(
        f"coalesce(predicted.{column}, {own_cluster}) as {column}"
        for column in CLUSTERINGS.values()
    )
    con.execute(
        f"""
        create or replace temp table labelled as
        with family_persons as (
            select distinct person_id
            from truth
            where ',' || coalesce(planted, '') || ',' like '%,' || ? || ',%'
        ),

        predicted as (
            select
                node_sources.source,
                predicted.source_id,
                predicted.customer_id,
                predicted.rule_component_key
            from predicted
            inner join node_sources on predicted.node_type = node_sources.node_type
        )

        select
            truth.source,
            truth.record_key,
            truth.person_id,
            family_persons.person_id is not null as is_family,
            predicted.source is not null as is_predicted,
            {clusters}
        from truth
        left join predicted
            on truth.source = predicted.source and truth.record_key = predicted.source_id
        left join family_persons on truth.person_id = family_persons.person_id
        """,
        [FAMILY_KIND],
    )


def _measure_clustering(
    con: duckdb.DuckDBPyConnection, clustering: str, column: str, records: int
) -> ClusteringQuality:
    """The figures of one clustering, from the contingency table of `labelled`."""
    row = con.execute(
        f"""
        with cells as (
            select {column} as cluster, person_id, count(*) as n
            from labelled
            group by all
        ),

        clusters as (
            select cluster, sum(n) as size from cells group by cluster
        ),

        persons as (
            select person_id, sum(n) as size, count(*) as clusters
            from cells
            group by person_id
        ),

        scored as (
            select
                cells.n,
                clusters.size as cluster_size,
                persons.size as person_size
            from cells
            inner join clusters on cells.cluster = clusters.cluster
            inner join persons on cells.person_id = persons.person_id
        ),

        family_cells as (
            select distinct {column} as cluster, person_id
            from labelled
            where is_family
        ),

        family_clusters as (
            select cluster from family_cells group by cluster having count(*) > 1
        )

        select
            (select coalesce(sum(n * (n - 1) // 2), 0) from cells),
            (select coalesce(sum(size * (size - 1) // 2), 0) from clusters),
            (select coalesce(sum(size * (size - 1) // 2), 0) from persons),
            (select sum(n * n / cluster_size) from scored),
            (select sum(n * n / person_size) from scored),
            (select count(*) from clusters),
            (select count(*) from persons where clusters > 1),
            (
                select count(distinct family_cells.person_id)
                from family_cells
                inner join family_clusters on family_cells.cluster = family_clusters.cluster
            )
        """
    ).fetchone()
    true_positive, predicted_pairs, true_pairs, bc_precision, bc_recall, *counts = row
    clusters, split, family_merged = counts
    bc_precision = _ratio(bc_precision or 0, records)
    bc_recall = _ratio(bc_recall or 0, records)
    return ClusteringQuality(
        clustering=clustering,
        column=column,
        pairwise=pairwise_scores(int(true_positive), int(predicted_pairs), int(true_pairs)),
        bcubed=Scores(bc_precision, bc_recall, f1_score(bc_precision, bc_recall)),
        true_positive_pairs=int(true_positive),
        predicted_pairs=int(predicted_pairs),
        true_pairs=int(true_pairs),
        clusters=clusters,
        family_persons_merged=family_merged,
        persons_split=split,
    )


def measure(con: duckdb.DuckDBPyConnection) -> IdentityQuality:
    """Measure the relations `truth` (source, record_key, person_id, planted) and `predicted`
    (node_type, source_id, customer_id, rule_component_key) of ``con``."""
    _check_columns(con, "truth", "The truth file", TRUTH_COLUMNS)
    _check_columns(con, "predicted", PREDICTED_TABLE, PREDICTED_COLUMNS)
    for relation, what, keys in (
        ("truth", "The truth file", "source, record_key"),
        ("predicted", PREDICTED_TABLE, "node_type, source_id"),
    ):
        duplicated = _duplicates(con, relation, keys)
        if duplicated:
            raise QualityError(f"{what} has {duplicated:,} duplicated keys ({keys}).")
    for column in CLUSTERINGS.values():
        nulls = con.execute(
            f"select count(*) from predicted where {column} is null "
            "and not list_contains(?, node_type)",
            [list(IGNORED_NODE_TYPES)],
        ).fetchone()[0]
        if nulls:
            raise QualityError(f"{nulls:,} rows of {PREDICTED_TABLE} have no {column}.")
    _label(con)
    truth_records, persons, family_persons, matched = con.execute(
        "select count(*), count(distinct person_id), count(distinct person_id) filter (is_family),"
        " count(*) filter (is_predicted) from labelled"
    ).fetchone()
    if not truth_records:
        raise QualityError("The truth file has no records.")
    without_prediction = dict(
        con.execute(
            "select source, count(*) from labelled where not is_predicted group by all order by 1"
        ).fetchall()
    )
    ignored = list(IGNORED_NODE_TYPES)
    accounts, predicted = con.execute(
        "select count(*) filter (list_contains($1, node_type)),"
        " count(*) filter (not list_contains($1, node_type)) from predicted",
        [ignored],
    ).fetchone()
    not_in_truth = dict(
        con.execute(
            """
            select predicted.node_type, count(*)
            from predicted
            left join node_sources on predicted.node_type = node_sources.node_type
            left join truth
                on node_sources.source = truth.source
                and predicted.source_id = truth.record_key
            where not list_contains(?, predicted.node_type) and truth.source is null
            group by all
            order by 1
            """,
            [ignored],
        ).fetchall()
    )
    return IdentityQuality(
        truth_records=truth_records,
        persons=persons,
        family_persons=family_persons,
        predicted_records=predicted,
        accounts_left_out=accounts,
        matched_records=matched,
        without_prediction=without_prediction,
        not_in_truth=not_in_truth,
        clusterings=[
            _measure_clustering(con, name, column, truth_records)
            for name, column in CLUSTERINGS.items()
        ],
    )


def _first_line(exc: Exception) -> str:
    """DuckDB's message without the query excerpt it appends."""
    return str(exc).strip().splitlines()[0]


def default_truth_file(landing: Path) -> Path:
    """The truth file the manifest of ``landing`` names (identity.truth_file, relative to it)."""
    from python_jobs.generate import GenerateError, read_manifest

    try:
        manifest = read_manifest(landing)
    except GenerateError as exc:
        raise QualityError(f"{exc} Or give the truth file with --truth.") from None
    return (landing / manifest.identity.truth_file).resolve()


def measure_warehouse(truth_file: Path, warehouse: Path) -> IdentityQuality:
    """Measure the warehouse's int_customer_identities against ``truth_file``; the warehouse
    is opened read-only."""
    if not truth_file.is_file():
        raise QualityError(
            f"No truth file at {truth_file}: generate the landing data "
            "(python -m python_jobs generate) or give it with --truth."
        )
    if not warehouse.is_file():
        raise QualityError(
            f"No warehouse at {warehouse} (C360_DUCKDB_PATH): run `make run` (or dbt build) first."
        )
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise QualityError(f"Cannot open the warehouse {warehouse}: {_first_line(exc)}") from None
    with con:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [PREDICTED_SCHEMA, PREDICTED_TABLE],
        ).fetchone()[0]
        if not found:
            raise QualityError(
                f"The warehouse {warehouse} has no {PREDICTED_SCHEMA}.{PREDICTED_TABLE}: build "
                "the identity models first (dbt build --select +int_customer_identities)."
            )
        try:
            con.execute(
                "create temp table truth as select * from read_parquet(?)", [str(truth_file)]
            )
        except duckdb.Error as exc:
            raise QualityError(
                f"Cannot read the truth file {truth_file}: {_first_line(exc)}"
            ) from None
        con.execute(
            f'create temp view predicted as select * from "{PREDICTED_SCHEMA}"."{PREDICTED_TABLE}"'
        )
        return measure(con)


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _by_key(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {n:,}" for key, n in counts.items())


def print_quality(quality: IdentityQuality, console: Console, truth_file: Path) -> None:
    """The figures as a table, then the record counts, each line whole."""
    rows = [
        (
            c.clustering,
            _figure(c.pairwise.precision),
            _figure(c.pairwise.recall),
            _figure(c.pairwise.f1),
            _figure(c.bcubed.precision),
            _figure(c.bcubed.recall),
            _figure(c.bcubed.f1),
            f"{c.clusters:,}",
            f"{c.family_persons_merged:,}",
            f"{c.persons_split:,}",
        )
        for c in quality.clusterings
    ]
    print_rows(
        console,
        (
            "clustering",
            "pair P",
            "pair R",
            "pair F1",
            "B3 P",
            "B3 R",
            "B3 F1",
            "clusters",
            "family persons merged",
            "persons split",
        ),
        rows,
        title=f"Identity resolution against the truth file {truth_file}",
        right=range(1, 10),
    )
    missing = sum(quality.without_prediction.values())
    unknown = sum(quality.not_in_truth.values())
    lines = [
        f"truth: {quality.truth_records:,} records of {quality.persons:,} persons "
        f"({quality.family_persons:,} planted as family: 'family persons merged' counts "
        "those whose cluster holds another family person's record, 0 when no family was "
        "merged)",
        f"predicted: {quality.predicted_records:,} records in {PREDICTED_SCHEMA}."
        f"{PREDICTED_TABLE} ({quality.accounts_left_out:,} shop accounts left out: not in "
        f"the truth file); {quality.matched_records:,} matched to the truth file",
        f"truth records without a prediction: {missing:,}"
        + (
            f" ({_by_key(quality.without_prediction)}), each counted as a cluster of its own"
            if missing
            else ""
        ),
        f"predicted records not in the truth file: {unknown:,}"
        + (f" ({_by_key(quality.not_in_truth)}), left out of the figures" if unknown else ""),
    ]
    for line in lines:
        console.print(line, soft_wrap=True, markup=False, highlight=False)


def identity_model_seconds(run_results: Path) -> dict[str, float]:
    """Execution seconds of each identity model (int_identity_*, int_customer_identities) in
    dbt's run_results.json."""
    results = json.loads(run_results.read_text())["results"]
    seconds: dict[str, float] = {}
    for result in results:
        kind, _package, name = result["unique_id"].split(".", 2)
        if kind == "model" and (name.startswith(IDENTITY_MODEL_PREFIX) or name in IDENTITY_MODELS):
            seconds[name] = seconds.get(name, 0.0) + result["execution_time"]
    return seconds


def linking_throughput(run_results: Path, records_linked: int) -> dict | None:
    """Source records linked per second of the identity models' build time; None when the
    run built no identity model."""
    models = identity_model_seconds(run_results)
    seconds = sum(models.values())
    if not models:
        return None
    return {
        "models": models,
        "seconds": seconds,
        "records_linked": records_linked,
        "records_per_second": records_linked / seconds if seconds > 0 else None,
    }


def linked_records(warehouse: Path) -> int | None:
    """Rows of int_customer_identities in the warehouse; None when it has no such table."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [PREDICTED_SCHEMA, PREDICTED_TABLE],
        ).fetchone()[0]
        if not found:
            return None
        return con.execute(
            f'select count(*) from "{PREDICTED_SCHEMA}"."{PREDICTED_TABLE}"'
        ).fetchone()[0]
