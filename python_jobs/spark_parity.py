"""Engine parity: the tables `make spark-check` built on local Spark against the same tables in
the DuckDB warehouse.

The Spark check writes parquet tables under ``<C360_SPARK_DIR>/warehouse/<schema>.db/<table>``
(dbt-spark session method, Hive metastore). DuckDB reads those files directly, so the
comparison needs no JVM: for each Spark table of the compared layers, the rows of both engines
must be equal as multisets (``EXCEPT ALL`` both ways), on every column but the few that record
the run itself (batch id, ingestion time) and the few that depend on the engine by design
(:data:`ENGINE_SPECIFIC_COLUMNS`: Splink's scores; :data:`ROW_HASH_COLUMNS`), and on the
current run's rows of a table that keeps earlier runs' (:data:`RUN_HISTORY_ROWS`). Doubles are
compared rounded to :data:`DOUBLE_DECIMALS` places: the two engines may sum floating-point
numbers in a different order. Everything else (strings, decimals, dates, timestamps,
booleans) must be identical.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from python_jobs.warehouse import REPO_ROOT

#: Layers (DuckDB schemas) compared; the Spark schema is ``<spark_schema>_<layer>``.
COMPARED_LAYERS = ("reference", "bronze", "silver", "snapshots", "gold")
#: Columns that describe the dbt run, not the data: they differ between any two builds.
RUN_SPECIFIC_COLUMNS = frozenset(
    {
        "_batch_id",
        "_ingested_at",
        "_max_ingested_at",
        "_linked_at",
        "_unlinked_at",
        "_relabelled_at",
    }
)
#: Columns whose values depend on the engine by design, per table: Splink's scores. Its
#: comparisons use the engine's Jaro-Winkler (DuckDB's, or the Java UDF of Splink's jar on
#: Spark; they differ on about a quarter of the name pairs of the sample data, a few across a
#: comparison level), and u is estimated on records sampled by the engine's ``hash()`` of the
#: record id (64-bit on DuckDB, 32-bit Murmur3 on Spark). At scale 0.02 the match weights
#: differ by up to 1.2. The pairs and their acceptance, all the models downstream read, must
#: still be equal. The fit itself (Splink's JSON: the engine's SQL dialect, its m and u) too;
#: its fit date and training record count must be equal.
ENGINE_SPECIFIC_COLUMNS = {
    "silver.int_identity_match_pairs": frozenset({"match_weight", "match_probability"}),
    "silver.int_identity_match_scores": frozenset({"match_weight", "match_probability"}),
    "silver.int_identity_match_fits": frozenset({"model_json"}),
}
#: Tables whose rows are kept by engine-specific values, per table: the condition of the rows
#: compared. Splink's pairs are kept from a match probability on (the candidates a reader
#: may review), so which non-accepted pairs are kept depends on the engine's scores.
ENGINE_SPECIFIC_ROWS = {
    "silver.int_identity_match_pairs": "is_accepted",
    # every row: which pairs are kept depends on the scores; the accepted pairs made of them
    # are compared in int_identity_match_pairs
    "silver.int_identity_match_scores": "false",
}
#: Tables that keep rows of earlier runs, per table: the condition of the rows compared. The
#: Spark check builds from scratch, so it has the current run's rows only, where a DuckDB
#: warehouse built run after run also keeps the earlier ones (a Splink fit per fit date): only
#: the fit of the DuckDB warehouse's current fit date is compared.
RUN_HISTORY_ROWS = {
    "silver.int_identity_match_fits": (
        "fit_date in (select fit_date from silver.int_identity_match_fit_date)"
    ),
}
#: Columns of macro row_hash (DuckDB's hash(), Spark's xxhash64()): engine-specific wherever
#: they are; each engine groups on its own.
ROW_HASH_COLUMNS = frozenset({"_raw_record_hash"})
DOUBLE_DECIMALS = 9
FLOATING_TYPES = frozenset({"DOUBLE", "FLOAT", "REAL"})


class ParityError(Exception):
    """A warehouse to compare is missing or unreadable."""


@dataclass(frozen=True)
class TableParity:
    """How one table compares between DuckDB and Spark."""

    table: str
    duckdb_rows: int
    spark_rows: int
    only_in_duckdb: int
    only_in_spark: int
    differing_columns: tuple[str, ...]
    missing_columns: tuple[str, ...]

    @property
    def equal(self) -> bool:
        return self.only_in_duckdb == 0 and self.only_in_spark == 0 and not self.missing_columns


def spark_warehouse_dir() -> Path:
    """The spark target's warehouse folder (profiles.yml: C360_SPARK_DIR, default data/spark)."""
    return Path(os.environ.get("C360_SPARK_DIR", REPO_ROOT / "data" / "spark")) / "warehouse"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _compare_table(
    con: duckdb.DuckDBPyConnection, layer: str, table: str, files: Path
) -> TableParity:
    duck_table = f"{_quote(layer)}.{_quote(table)}"
    spark_table = f"read_parquet('{(files / '*.parquet').as_posix()}')"
    compared_rows = [
        condition
        for condition in (
            ENGINE_SPECIFIC_ROWS.get(f"{layer}.{table}"),
            RUN_HISTORY_ROWS.get(f"{layer}.{table}"),
        )
        if condition
    ]
    duck_types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = ? and table_name = ? order by ordinal_position",
            [layer, table],
        ).fetchall()
    )
    if not duck_types:
        raise ParityError(
            f"{layer}.{table} was built on Spark but is not in the DuckDB warehouse: build both"
            " from the same project (make build, then make spark-check)."
        )
    spark_columns = [
        row[0] for row in con.execute(f"describe select * from {spark_table}").fetchall()
    ]
    not_compared = (
        RUN_SPECIFIC_COLUMNS
        | ROW_HASH_COLUMNS
        | ENGINE_SPECIFIC_COLUMNS.get(f"{layer}.{table}", set())
    )
    missing = tuple(sorted(set(duck_types).symmetric_difference(spark_columns) - not_compared))
    compared = [c for c in duck_types if c in spark_columns and c not in not_compared]
    if compared_rows:
        where = " and ".join(f"({condition})" for condition in compared_rows)
        duck_table = f"(select * from {duck_table} where {where})"
        spark_table = f"(select * from {spark_table} where {where})"

    def projection(columns: list[str]) -> str:
        return ", ".join(
            f"round({_quote(c)}, {DOUBLE_DECIMALS}) as {_quote(c)}"
            if duck_types[c] in FLOATING_TYPES
            else _quote(c)
            for c in columns
        )

    def count_except(columns: list[str], left: str, right: str) -> int:
        select = projection(columns)
        query = (
            f"select count(*) from (select {select} from {left}"
            f" except all select {select} from {right})"
        )
        return con.execute(query).fetchone()[0]

    only_duck = count_except(compared, duck_table, spark_table)
    only_spark = count_except(compared, spark_table, duck_table)
    differing: tuple[str, ...] = ()
    if only_duck or only_spark:
        differing = tuple(
            c
            for c in compared
            if count_except([c], duck_table, spark_table)
            or count_except([c], spark_table, duck_table)
        )
    return TableParity(
        table=f"{layer}.{table}",
        duckdb_rows=con.execute(f"select count(*) from {duck_table}").fetchone()[0],
        spark_rows=con.execute(f"select count(*) from {spark_table}").fetchone()[0],
        only_in_duckdb=only_duck,
        only_in_spark=only_spark,
        differing_columns=differing,
        missing_columns=missing,
    )


def landing_mismatch(results: list[TableParity], duckdb_path: Path) -> str | None:
    """A sentence when bronze differs: bronze is the landing files as they landed, the same on
    both engines from the same files, so the two warehouses were built from other landing data
    and the other differences are not the engines'. Bronze is append-only, so only a new
    warehouse (which make spark-check builds when there is none) is built from these files
    alone."""
    differing = [
        result.table
        for result in results
        if result.table.startswith("bronze.") and not result.equal
    ]
    if not differing:
        return None
    return (
        f"Bronze differs ({', '.join(differing)}): the DuckDB warehouse was built from other"
        " landing data than the Spark check, so the differences are not the engines'. Delete"
        f" {duckdb_path} and run make spark-check again: it builds the DuckDB warehouse from"
        " this landing data first."
    )


def compare_warehouses(
    duckdb_path: Path, spark_warehouse: Path, spark_schema: str = "c360"
) -> list[TableParity]:
    """Compare every table of the compared layers that the Spark check built with DuckDB's."""
    if not duckdb_path.is_file():
        raise ParityError(f"No DuckDB warehouse at {duckdb_path}: run make build first.")
    table_dirs = sorted(
        (layer, table_dir)
        for layer in COMPARED_LAYERS
        for table_dir in (spark_warehouse / f"{spark_schema}_{layer}.db").glob("*")
        if table_dir.is_dir()
    )
    unreadable = [str(path) for _, path in table_dirs if not any(path.glob("*.parquet"))]
    if unreadable:
        raise ParityError(f"Spark tables without parquet files: {', '.join(unreadable)}")
    if not table_dirs:
        raise ParityError(f"No Spark tables under {spark_warehouse}: run make spark-check first.")
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        return [_compare_one(con, layer, path.name, path) for layer, path in table_dirs]


def _compare_one(
    con: duckdb.DuckDBPyConnection, layer: str, table: str, files: Path
) -> TableParity:
    try:
        return _compare_table(con, layer, table, files)
    except duckdb.CatalogException as exc:
        reason = str(exc).splitlines()[0]
        raise ParityError(
            f"{layer}.{table} cannot be compared ({reason}): the DuckDB warehouse was built by"
            " other code. Build both from the same project and landing data (make build, then"
            " make spark-check)."
        ) from exc
