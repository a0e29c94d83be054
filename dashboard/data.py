"""Everything the dashboard reads: the DuckDB warehouse (read-only), dbt's source freshness
results and the churn model registry.

Each function returns a pandas DataFrame (or the champion's details) or raises
`DataUnavailable`, whose message says what is missing and which command builds it; the
pages show that sentence instead of a traceback. The warehouse is the file of the dbt
`local` target, `C360_DUCKDB_PATH` (python_jobs.warehouse), opened read-only for each read;
results are cached until the file changes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import streamlit as st

from python_jobs.churn.config import ChurnJobError, ChurnSettings, sqlite_path
from python_jobs.warehouse import REPO_ROOT, duckdb_path

if TYPE_CHECKING:
    from python_jobs.churn.registry import ChampionInfo

BUILD = "make run"
# Tables that something other than the dbt build of `make run` makes, and how to make them.
BUILT_BY = {
    "gold.churn_scores": (
        "`make build` trains the churn model and scores with it (`make run` does too)"
    ),
}
# The monitoring models (docs/monitoring.md) are newer than some warehouses.
MONITORING_TABLES = ("silver.dq_delivery_volumes", "silver.dq_delivery_anomalies")


class DataUnavailable(Exception):
    """What a page needs is not there; the message says what and how to build it."""


def warehouse_path() -> Path:
    return duckdb_path()


def build_hint(table: str) -> str:
    """What builds ``table``, as the end of a sentence."""
    if table in MONITORING_TABLES:
        return (
            "the monitoring models (dq_delivery_volumes, dq_delivery_anomalies) build it "
            f"with `{BUILD}`"
        )
    return BUILT_BY.get(table, f"build it with `{BUILD}`")


def read(
    sql: str,
    params: Sequence[object] = (),
    *,
    tables: Sequence[str],
    may_be_empty: bool = False,
) -> pd.DataFrame:
    """The result of ``sql`` on the warehouse, once each of ``tables`` (``schema.table``) is
    there and, unless ``may_be_empty``, has rows. User input goes in ``params``, never in
    ``sql``."""
    path = warehouse_path()
    if not path.exists():
        raise DataUnavailable(
            f"No warehouse at {path} (C360_DUCKDB_PATH): build it with `{BUILD}`."
        )
    return _read(str(path), _file_version(path), sql, tuple(params), tuple(tables), may_be_empty)


def _file_version(path: Path) -> tuple[int, int]:
    """Changes whenever dbt writes the warehouse (the file or its write-ahead log)."""
    wal = path.with_name(path.name + ".wal")
    return path.stat().st_mtime_ns, wal.stat().st_mtime_ns if wal.exists() else 0


@st.cache_data(show_spinner=False, max_entries=500)
def _read(
    path: str,
    version: tuple[int, int],
    sql: str,
    params: tuple[object, ...],
    tables: tuple[str, ...],
    may_be_empty: bool,
) -> pd.DataFrame:
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.Error as exc:
        raise DataUnavailable(
            f"The warehouse {path} cannot be opened read-only ({exc}). When a dbt build is "
            "writing it, wait for the build to finish, then reload the page."
        ) from exc
    with con:
        for table in tables:
            _check_table(con, path, table, may_be_empty)
        try:
            return con.execute(sql, list(params)).df()
        except duckdb.Error as exc:
            reason = str(exc).splitlines()[0]
            raise DataUnavailable(
                f"Reading {', '.join(tables)} from the warehouse {path} failed ({reason}). A "
                "warehouse built by an older version of the project, or copied to another "
                f"file name (its views name the file dbt built), needs `{BUILD}`."
            ) from exc


def _check_table(con: duckdb.DuckDBPyConnection, path: str, table: str, may_be_empty: bool) -> None:
    schema, name = table.split(".")
    (exists,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    if not exists:
        not_yet = "Not built yet: " if table in MONITORING_TABLES else ""
        raise DataUnavailable(
            f"{not_yet}Table {table} is not in the warehouse {path}: {build_hint(table)}."
        )
    if may_be_empty:
        return
    (has_rows,) = con.execute(f'select exists (select 1 from "{schema}"."{name}")').fetchone()
    if not has_rows:
        raise DataUnavailable(f"Table {table} has no rows in {path}: {build_hint(table)}.")


# --- Customer lookup -------------------------------------------------------------------------


def find_customers(text: str, limit: int = 50) -> pd.DataFrame:
    """Customers whose customer id, email, name, or any source id (CRM id, shop account,
    order, ticket: silver.int_customer_identities) matches ``text``; the highest lifetime
    revenue first. Empty ``text``: the top customers by lifetime revenue."""
    text = text.strip()
    needle = text.lower()
    return read(
        """
        select
            customer_id,
            concat_ws(' ', first_name, last_name) as name,
            email,
            country_code,
            orders_count,
            lifetime_revenue_reporting
        from gold.customer_360
        where
            ? = ''
            or customer_id = ?
            or contains(lower(email), ?)
            or contains(lower(concat_ws(' ', first_name, last_name)), ?)
            or customer_id in (
                select customer_id from silver.int_customer_identities where source_id = ?
            )
        order by lifetime_revenue_reporting desc, customer_id
        limit ?
        """,
        [text, text, needle, needle, text, limit],
        tables=["gold.customer_360", "silver.int_customer_identities"],
    )


def customer_profile(customer_id: str) -> pd.DataFrame:
    """The customer's row of gold.customer_360."""
    return read(
        "select * from gold.customer_360 where customer_id = ?",
        [customer_id],
        tables=["gold.customer_360"],
    )


def customer_orders(customer_id: str) -> pd.DataFrame:
    """The customer's orders (gold.fct_orders), newest first."""
    return read(
        """
        select
            order_id, order_date, order_status, channel, item_count, units,
            order_total_reporting, net_revenue_reporting, is_completed_purchase
        from gold.fct_orders
        where customer_id = ?
        order by ordered_at desc, order_id
        """,
        [customer_id],
        tables=["gold.fct_orders"],
    )


def customer_sessions(customer_id: str) -> pd.DataFrame:
    """The customer's web sessions (silver.int_web_sessions), newest first."""
    return read(
        """
        select
            session_start_at, duration_seconds, page_views, product_views,
            add_to_cart_events, has_purchase, device_type, utm_source, utm_medium,
            landing_page_url
        from silver.int_web_sessions
        where customer_id = ?
        order by session_start_at desc
        """,
        [customer_id],
        tables=["silver.int_web_sessions"],
    )


def customer_tickets(customer_id: str) -> pd.DataFrame:
    """The customer's support tickets (current state, deleted ones left out, as in
    customer_360), newest first."""
    return read(
        """
        select
            tickets.ticket_id, tickets.created_at, tickets.category, tickets.priority,
            tickets.ticket_status, tickets.channel, tickets.satisfaction_score
        from silver.stg_support__tickets as tickets
        inner join silver.int_customer_identities as identities
            on identities.node_type = 'ticket' and identities.source_id = tickets.ticket_id
        where identities.customer_id = ? and not tickets.is_deleted
        order by tickets.created_at desc
        """,
        [customer_id],
        tables=["silver.stg_support__tickets", "silver.int_customer_identities"],
    )


def customer_churn(customer_id: str) -> pd.DataFrame:
    """The customer's churn score and the model version that made it (gold.churn_scores)."""
    return read(
        "select * from gold.churn_scores where customer_id = ?",
        [customer_id],
        tables=["gold.churn_scores"],
    )


def customer_clv(customer_id: str) -> pd.DataFrame:
    """The customer's CLV and probability of being alive (gold.customer_clv)."""
    return read(
        "select * from gold.customer_clv where customer_id = ?",
        [customer_id],
        tables=["gold.customer_clv"],
    )


# --- Segments ------------------------------------------------------------------------------


def segment_summary() -> pd.DataFrame:
    """Per RFM segment: customers, their revenue, recency and purchases (gold.customer_rfm)."""
    return read(
        """
        select
            rfm_segment,
            count(*) as customers,
            sum(monetary_reporting) as revenue_reporting,
            avg(monetary_reporting) as avg_revenue_reporting,
            avg(purchases_count) as avg_purchases,
            avg(recency_days) as avg_recency_days,
            any_value(reporting_currency) as reporting_currency
        from gold.customer_rfm
        group by rfm_segment
        order by customers desc, rfm_segment
        """,
        tables=["gold.customer_rfm"],
    )


def lifecycle_stages() -> pd.DataFrame:
    """Customers and lifetime revenue per lifecycle stage (gold.customer_360)."""
    return read(
        """
        select
            lifecycle_stage,
            count(*) as customers,
            sum(lifetime_revenue_reporting) as revenue_reporting
        from gold.customer_360
        group by lifecycle_stage
        order by customers desc
        """,
        tables=["gold.customer_360"],
    )


# The RFM segment of each customer as it was `days` days before the as-of date, by the
# rules of models/gold/customers/customer_rfm.sql (macro rfm_score: fifths of the customers
# ranked worst first, the cell's name from the rfm_segments seed) on the orders of
# gold.fct_orders as they are now. No table keeps the segments' history, so the dashboard
# scores the earlier date itself; at 0 days it gives customer_rfm's segments exactly
# (tests/python/test_dashboard.py checks).
RFM_AS_OF = """
    with orders as (
        select * from gold.fct_orders
    ),

    segments as (
        select * from reference.rfm_segments
    ),

    as_of as (
        select max(as_of_date) - cast(? as integer) as end_date
        from gold.customer_rfm
    ),

    per_customer as (
        select
            orders.customer_id,
            date_diff('day', max(orders.order_date), any_value(as_of.end_date)) as recency_days,
            count(*) as purchases_count
        from orders
        cross join as_of
        where orders.is_completed_purchase and orders.order_date <= as_of.end_date
        group by orders.customer_id
    ),

    scored as (
        select
            customer_id,
            cast(1 + floor(5 * (rank() over (order by recency_days desc) - 1) / count(*) over ())
                as integer) as recency_score,
            cast(1 + floor(5 * (rank() over (order by purchases_count) - 1) / count(*) over ())
                as integer) as frequency_score
        from per_customer
    )

    select
        scored.customer_id,
        segments.segment_name as rfm_segment
    from scored
    left join segments
        on
            scored.recency_score = segments.recency_score
            and scored.frequency_score = segments.frequency_score
"""
RFM_TABLES = ["gold.customer_rfm", "gold.fct_orders", "reference.rfm_segments"]
NO_SEGMENT_YET = "(no purchase yet)"


def rfm_segments_as_of(days: int) -> pd.DataFrame:
    """customer_id and rfm_segment as scored ``days`` days before the as-of date."""
    return read(RFM_AS_OF, [days], tables=RFM_TABLES)


def rfm_movement(days: int) -> pd.DataFrame:
    """Customers per (segment ``days`` days before the as-of date, segment now); customers
    without a purchase back then come from NO_SEGMENT_YET."""
    return read(
        f"""
        with earlier as ({RFM_AS_OF})

        select
            coalesce(earlier.rfm_segment, ?) as previous_segment,
            now.rfm_segment as current_segment,
            count(*) as customers
        from gold.customer_rfm as now
        left join earlier on now.customer_id = earlier.customer_id
        group by all
        order by customers desc
        """,
        [days, NO_SEGMENT_YET],
        tables=RFM_TABLES,
    )


# --- Revenue -------------------------------------------------------------------------------

REVENUE_COLUMNS = """
    country_code, channel, reporting_currency, orders_count, cancelled_orders_count,
    returned_orders_count, gross_revenue_reporting, returned_revenue_reporting,
    net_revenue_reporting
"""


def revenue_daily() -> pd.DataFrame:
    """gold.revenue_daily: one row per order date, country and channel."""
    return read(
        f"select order_date, {REVENUE_COLUMNS} from gold.revenue_daily order by order_date",
        tables=["gold.revenue_daily"],
    )


def revenue_monthly() -> pd.DataFrame:
    """gold.revenue_monthly: one row per month, country and channel."""
    return read(
        f"select order_month, is_complete_month, {REVENUE_COLUMNS}"
        " from gold.revenue_monthly order by order_month",
        tables=["gold.revenue_monthly"],
    )


# --- Data quality --------------------------------------------------------------------------


def record_accounting() -> pd.DataFrame:
    """Where every bronze record went, per landing table (silver.dq_record_accounting)."""
    return read(
        """
        select
            source_table, bronze_records, loaded_records, quarantined_records,
            duplicate_records, superseded_records, unaccounted_records, double_counted_records
        from silver.dq_record_accounting
        order by source_table
        """,
        tables=["silver.dq_record_accounting"],
    )


def quarantine_by_rule() -> pd.DataFrame:
    """Quarantined records per landing table and rule (silver.dq_quarantine); empty when no
    record was quarantined."""
    return read(
        """
        select source_table, rule_name, min(reason) as reason, count(*) as records
        from silver.dq_quarantine
        group by source_table, rule_name
        order by records desc, source_table, rule_name
        """,
        tables=["silver.dq_quarantine"],
        may_be_empty=True,
    )


def ingestion_freshness() -> pd.DataFrame:
    """Per landing table: bronze records and when the latest was ingested
    (silver.dq_record_counts)."""
    return read(
        """
        select source_table, bronze_records, _max_ingested_at as max_ingested_at
        from silver.dq_record_counts
        order by source_table
        """,
        tables=["silver.dq_record_counts"],
    )


def sources_json_path() -> Path:
    """dbt's source freshness results: target/sources.json (DBT_TARGET_PATH overrides)."""
    return REPO_ROOT / os.environ.get("DBT_TARGET_PATH", "target") / "sources.json"


def source_freshness() -> pd.DataFrame:
    """The last `dbt source freshness` per source: status, newest record (its loaded_at_field),
    age and thresholds, from target/sources.json."""
    path = sources_json_path()
    if not path.exists():
        raise DataUnavailable(
            f"No dbt source freshness results at {path}: run `make freshness` (`{BUILD}` does)."
        )
    results = json.loads(path.read_text())
    checked_at = results["metadata"]["generated_at"]

    def threshold(criteria: dict, key: str) -> str:
        after = criteria.get(key) or {}
        return f"{after['count']} {after['period']}" if after.get("count") else ""

    return pd.DataFrame(
        [
            {
                "source": result["unique_id"].split(".", 2)[-1],
                "status": result["status"],
                "max_loaded_at": result.get("max_loaded_at"),
                "age_hours": (result.get("max_loaded_at_time_ago_in_s") or 0) / 3600,
                "warn_after": threshold(result.get("criteria", {}), "warn_after"),
                "error_after": threshold(result.get("criteria", {}), "error_after"),
                "checked_at": checked_at,
            }
            for result in results["results"]
        ]
    )


def delivery_volumes() -> pd.DataFrame:
    """Bronze records delivered per landing table and day, with the z-score against the
    training window and the anomaly flag (silver.dq_delivery_volumes)."""
    return read(
        """
        select
            source_table, delivery_date, records, training_mean, training_stddev, z_score,
            is_volume_anomaly, anomaly_direction
        from silver.dq_delivery_volumes
        order by source_table, delivery_date
        """,
        tables=["silver.dq_delivery_volumes"],
    )


def delivery_anomalies() -> pd.DataFrame:
    """The flagged volume and freshness findings (silver.dq_delivery_anomalies); empty when
    nothing is anomalous."""
    return read(
        """
        select
            delivery_date, source_table, anomaly_type, reason, records, expected_records,
            z_score, days_late
        from silver.dq_delivery_anomalies
        order by delivery_date desc, source_table, anomaly_type
        """,
        tables=["silver.dq_delivery_anomalies"],
        may_be_empty=True,
    )


# --- Churn model ---------------------------------------------------------------------------


def churn_scores() -> pd.DataFrame:
    """gold.churn_scores with each customer's RFM segment (null without a purchase)."""
    return read(
        """
        select scores.*, rfm.rfm_segment
        from gold.churn_scores as scores
        left join gold.customer_rfm as rfm on scores.customer_id = rfm.customer_id
        """,
        tables=["gold.churn_scores", "gold.customer_rfm"],
    )


def champion() -> ChampionInfo:
    """The registered churn model's @champion: version, its run's metrics and promotion tags,
    from the registry of python_jobs/churn/config.py (MLFLOW_TRACKING_URI and friends)."""
    settings = ChurnSettings.from_env()
    store = sqlite_path(settings.registry_uri or "")
    version = store.stat().st_mtime_ns if store is not None and store.exists() else 0
    return _champion(settings.tracking_uri, settings.registry_uri, settings.model_name, version)


@st.cache_data(show_spinner=False, ttl=60)
def _champion(
    tracking_uri: str | None, registry_uri: str | None, model_name: str | None, version: int
) -> ChampionInfo:
    # imported here: the registry brings MLflow and scikit-learn, which only this page needs
    from mlflow.exceptions import MlflowException

    from python_jobs.churn.registry import champion_info

    settings = ChurnSettings.from_env(
        tracking_uri=tracking_uri, registry_uri=registry_uri, model_name=model_name
    )
    try:
        return champion_info(settings)
    except ChurnJobError as exc:
        raise DataUnavailable(str(exc)) from exc
    except MlflowException as exc:
        raise DataUnavailable(
            f"The model registry {registry_uri} could not be read ({exc.message})."
        ) from exc
