"""Tests of python_jobs.spark_parity: the comparison of Spark check tables with DuckDB's.

The Spark side is simulated by parquet files in the layout dbt-spark writes
(``<warehouse>/c360_<layer>.db/<table>/*.parquet``), so no JVM is needed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from python_jobs.spark_parity import ParityError, compare_warehouses, landing_mismatch

ORDERS = """
    select * from (values
        ('O1', 10.50::decimal(18, 2), 1.0 / 3, timestamp '2026-01-01 10:00:00', 'batch-a'),
        ('O2', 20.00::decimal(18, 2), 2.0 / 3, timestamp '2026-01-02 11:00:00', 'batch-a'),
        ('O2', 20.00::decimal(18, 2), 2.0 / 3, timestamp '2026-01-02 11:00:00', 'batch-a')
    ) as orders(order_id, order_total, score, ordered_at, _batch_id)
"""


@pytest.fixture
def warehouses(tmp_path: Path) -> tuple[Path, Path]:
    """A DuckDB warehouse with gold.orders, and a Spark warehouse folder (empty for now)."""
    duck = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(duck)) as con:
        con.execute("create schema gold")
        con.execute(f"create table gold.orders as {ORDERS}")
    return duck, tmp_path / "spark" / "warehouse"


def write_spark_table(spark: Path, layer: str, table: str, query: str) -> None:
    folder = spark / f"c360_{layer}.db" / table
    folder.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(f"copy ({query}) to '{folder / 'part-00000.parquet'}' (format parquet)")


def test_equal_tables_are_equal_whatever_the_run_columns(warehouses):
    duck, spark = warehouses
    # another batch id, and a double that differs in its last bits only
    write_spark_table(
        spark,
        "gold",
        "orders",
        ORDERS.replace("'batch-a'", "'batch-b'").replace("1.0 / 3", "1.0 / 3 + 1e-15"),
    )
    [result] = compare_warehouses(duck, spark)
    assert result.equal
    assert (result.table, result.duckdb_rows, result.spark_rows) == ("gold.orders", 3, 3)


def test_a_different_value_is_reported_with_its_column(warehouses):
    duck, spark = warehouses
    write_spark_table(spark, "gold", "orders", ORDERS.replace("10.50", "10.51"))
    [result] = compare_warehouses(duck, spark)
    assert not result.equal
    assert (result.only_in_duckdb, result.only_in_spark) == (1, 1)
    assert result.differing_columns == ("order_total",)


def test_a_lost_duplicate_row_is_a_difference(warehouses):
    duck, spark = warehouses
    write_spark_table(spark, "gold", "orders", f"select distinct * from ({ORDERS})")
    [result] = compare_warehouses(duck, spark)
    assert not result.equal
    assert (result.only_in_duckdb, result.only_in_spark) == (1, 0)


def test_a_missing_column_is_a_difference(warehouses):
    duck, spark = warehouses
    write_spark_table(spark, "gold", "orders", f"select * exclude (score) from ({ORDERS})")
    [result] = compare_warehouses(duck, spark)
    assert not result.equal
    assert result.missing_columns == ("score",)


def test_a_table_only_on_spark_is_an_error(warehouses):
    duck, spark = warehouses
    write_spark_table(spark, "gold", "orders", ORDERS)
    write_spark_table(spark, "silver", "stg_orders", ORDERS)
    with pytest.raises(ParityError, match=r"silver\.stg_orders .* not in the DuckDB warehouse"):
        compare_warehouses(duck, spark)


def test_missing_warehouses_are_clear_errors(warehouses, tmp_path):
    duck, spark = warehouses
    with pytest.raises(ParityError, match="No Spark tables"):
        compare_warehouses(duck, spark)
    with pytest.raises(ParityError, match="No DuckDB warehouse"):
        compare_warehouses(tmp_path / "nowhere.duckdb", spark)


PAIRS = """
    select * from (values
        ('crm:1', 'crm:2', 9.5, 0.9986, true),
        ('crm:1', 'crm:3', 2.0, 0.8, false)
    ) as pairs(node_key_l, node_key_r, match_weight, match_probability, is_accepted)
"""


def test_splink_scores_and_kept_pairs_are_engine_specific_but_acceptance_is_not(warehouses):
    duck, spark = warehouses
    with duckdb.connect(str(duck)) as con:
        con.execute("create schema silver")
        con.execute(f"create table silver.int_identity_match_pairs as {PAIRS}")
    # other scores, and one more candidate that Spark's scores keep
    other_scores = (
        PAIRS.replace("9.5, 0.9986", "10.7, 0.9994")
        .replace("2.0, 0.8", "1.1, 0.7")
        .replace("0.7, false)", "0.7, false),\n        ('crm:2', 'crm:3', -6.0, 0.015, false)")
    )
    write_spark_table(spark, "silver", "int_identity_match_pairs", other_scores)
    [result] = compare_warehouses(duck, spark)
    assert result.equal

    shutil.rmtree(spark / "c360_silver.db" / "int_identity_match_pairs")
    write_spark_table(
        spark, "silver", "int_identity_match_pairs", other_scores.replace("0.7, false", "0.7, true")
    )
    [result] = compare_warehouses(duck, spark)
    assert not result.equal
    assert (result.only_in_duckdb, result.only_in_spark) == (0, 1)


FITS = """
    select * from (values
        (date '2026-11-29', 3272, '{"m": 1}'),
        (date '2026-12-06', 3301, '{"m": 2}')
    ) as fits(fit_date, training_records, model_json)
"""


def test_a_fit_history_is_compared_on_the_current_fit_date(warehouses):
    """A DuckDB warehouse built run after run keeps a Splink fit per fit date; the Spark check
    builds from scratch and has the fit of the current fit date only."""
    duck, spark = warehouses
    with duckdb.connect(str(duck)) as con:
        con.execute("create schema silver")
        con.execute(f"create table silver.int_identity_match_fits as {FITS}")
        con.execute(
            "create view silver.int_identity_match_fit_date as select date '2026-11-29' as fit_date"
        )
    current_only = FITS.replace("""        (date '2026-12-06', 3301, '{"m": 2}')""", "").replace(
        """'{"m": 1}'),""", """'{"m": 1}')"""
    )
    write_spark_table(spark, "silver", "int_identity_match_fits", current_only)
    [result] = compare_warehouses(duck, spark)
    assert result.equal
    assert (result.duckdb_rows, result.spark_rows) == (1, 1)

    # the current fit itself must still be the same
    shutil.rmtree(spark / "c360_silver.db" / "int_identity_match_fits")
    write_spark_table(
        spark, "silver", "int_identity_match_fits", current_only.replace("3272", "3271")
    )
    [result] = compare_warehouses(duck, spark)
    assert not result.equal
    assert result.differing_columns == ("training_records",)


def test_a_warehouse_built_by_other_code_is_a_sentence_not_a_stack_trace(warehouses):
    """Without the fit date view (a warehouse built before it existed), the fits cannot be
    compared: the check says so and how to rebuild."""
    duck, spark = warehouses
    with duckdb.connect(str(duck)) as con:
        con.execute("create schema silver")
        con.execute(f"create table silver.int_identity_match_fits as {FITS}")
    write_spark_table(spark, "silver", "int_identity_match_fits", FITS)
    with pytest.raises(ParityError, match=r"built by other code.*make build"):
        compare_warehouses(duck, spark)


def test_bronze_that_differs_points_at_the_landing_data_not_the_engines(warehouses):
    duck, spark = warehouses
    with duckdb.connect(str(duck)) as con:
        con.execute("create schema bronze")
        con.execute(f"create table bronze.brz_orders as {ORDERS}")
    write_spark_table(spark, "gold", "orders", ORDERS)
    write_spark_table(spark, "bronze", "brz_orders", ORDERS.replace("'O1'", "'O9'"))
    results = compare_warehouses(duck, spark)
    assert [result.equal for result in results] == [False, True]
    assert f"Delete {duck} and run make spark-check" in landing_mismatch(results, duck)
    # bronze equal: a difference elsewhere is the engines', with no such hint
    shutil.rmtree(spark / "c360_bronze.db" / "brz_orders")
    write_spark_table(spark, "bronze", "brz_orders", ORDERS)
    assert landing_mismatch(compare_warehouses(duck, spark), duck) is None
