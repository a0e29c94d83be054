"""The Customer 360 dashboard (dashboard/), page by page, without a browser: Streamlit's
AppTest runs app.py and switches to each page, against the sample warehouse of `make run`
(which `make test` builds before pytest), then against a missing warehouse, an empty one and
one whose tables have no rows. Every number checked here is read from the warehouse too."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data, ui
from python_jobs.churn.config import ChurnSettings
from python_jobs.warehouse import duckdb_path

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "dashboard" / "app.py"
PAGES = ["customer_lookup", "segments", "revenue", "data_quality", "churn_model"]
TITLES = {
    "customer_lookup": "Customer lookup",
    "segments": "Segments",
    "revenue": "Revenue",
    "data_quality": "Data quality",
    "churn_model": "Churn model",
}
# the first table each page reads, the one an empty warehouse is missing first
FIRST_TABLE = {
    "customer_lookup": "gold.customer_360",
    "segments": "gold.customer_rfm",
    "revenue": "gold.revenue_monthly",
    "data_quality": "silver.dq_record_accounting",
    "churn_model": "gold.churn_scores",
}


@pytest.fixture(scope="module")
def sample_warehouse() -> Path:
    """The warehouse of `make run` (C360_DUCKDB_PATH), with the churn scores of its champion."""
    path = duckdb_path()
    if not path.exists():
        pytest.skip(f"no sample warehouse at {path}: run make run first (make test does)")
    with duckdb.connect(str(path), read_only=True) as con:
        tables = {
            t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()
        }
    if "churn_scores" not in tables:
        pytest.skip(f"{path} has no gold.churn_scores: run make run first (make test does)")
    return path


def query(path: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).df()


# The MLflow store of the sample warehouse: the one of the environment the suite started in
# (make test's), read when this module is collected, before any test runs. Other tests train
# into stores of their own, and mlflow.set_tracking_uri writes its URI into os.environ, so
# reading the environment at test time could give another test's store.
SAMPLE_STORE = ChurnSettings.from_env()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    """Sets the dashboard's environment for one test, starting from the sample's MLflow store;
    MLflow's variables, which mlflow.set_tracking_uri writes into os.environ, are put back
    afterwards."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", SAMPLE_STORE.tracking_uri or "")
    monkeypatch.setenv("MLFLOW_REGISTRY_URI", SAMPLE_STORE.registry_uri or "")

    def set_env(**values: str | Path) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, str(value))

    return set_env


def widget(at: AppTest, key: str):
    """The text input, radio, select box or multiselect with ``key``."""
    for kind in ("text_input", "radio", "selectbox", "multiselect"):
        for element in getattr(at, kind):
            if element.key == key:
                return element
    raise KeyError(key)


def open_page(page: str, **widgets: object) -> AppTest:
    """app.py switched to ``page``, after setting ``widgets`` (key -> value); no exception."""
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    if page != PAGES[0]:
        at.switch_page(f"views/{page}.py").run()
    for key, value in widgets.items():
        widget(at, key).set_value(value)
    if widgets:
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def warnings(at: AppTest) -> list[str]:
    return [warning.value for warning in at.warning]


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def test_missing_values_are_said_in_words() -> None:
    """DuckDB gives a null string as NaN in a column that holds others, as None alone."""
    assert ui.text(float("nan"), "no email") == ui.text(None, "no email") == "no email"
    assert ui.text("a@b.c", "no email") == "a@b.c"
    assert ui.flag(float("nan")) is ui.flag(None) is False
    assert ui.flag(True) is True
    assert ui.money(float("nan")) == ui.count(None) == ui.share(pd.NA) == "—"
    assert (ui.money(1234.5), ui.money(1234.5, 0), ui.count(1234), ui.share(0.1234)) == (
        "1,234.50",
        "1,234",
        "1,234",
        "12.3%",
    )


def test_a_float_sum_of_cents_rounds_as_the_warehouse_decimal_sum() -> None:
    """pandas sums the revenue columns as floats; the warehouse sums decimals exactly."""
    cents = ["451.12", "308.30", "253.08"]
    float_sum = pd.Series([float(c) for c in cents]).sum()
    assert float_sum != 1012.5
    exact = sum(Decimal(c) for c in cents)
    assert ui.money(float_sum, 0) == f"{exact:,.0f}" == "1,012"
    assert ui.money(float_sum) == "1,012.50"


# --- the sample warehouse ------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_the_sample_warehouse(sample_warehouse: Path, env, page: str) -> None:
    env(C360_DUCKDB_PATH=sample_warehouse)
    at = open_page(page)
    assert at.title[0].value == TITLES[page]
    assert charts(at), "every page draws at least one chart"
    assert at.metric
    unbuilt = [w for w in warnings(at) if not w.startswith("Not built yet: ")]
    assert not unbuilt, unbuilt


def test_lookup_shows_what_the_warehouse_holds_of_the_customer(sample_warehouse: Path, env) -> None:
    env(C360_DUCKDB_PATH=sample_warehouse)
    # a customer with orders, sessions and tickets, scored and with a CLV
    customer = query(
        sample_warehouse,
        """
        select c.customer_id, c.rfm_segment, s.model_version, s.risk_band
        from gold.customer_360 as c
        inner join gold.churn_scores as s on c.customer_id = s.customer_id
        inner join gold.customer_clv as v on c.customer_id = v.customer_id
        where c.orders_count > 1 and c.sessions_count > 0 and c.tickets_count > 0
        order by c.customer_id
        limit 1
        """,
    ).iloc[0]
    counts = query(
        sample_warehouse,
        """
        select
            (select count(*) from gold.fct_orders where customer_id = $1) as orders,
            (select count(*) from silver.int_web_sessions where customer_id = $1) as sessions,
            (select orders_count from gold.customer_360 where customer_id = $1) as c360_orders
        """,
        [customer.customer_id],
    ).iloc[0]
    at = open_page("customer_lookup", search=customer.customer_id)

    assert at.selectbox(key="customer").value == customer.customer_id
    shown = metrics(at)
    assert shown["Orders"] == f"{counts.orders:,}" == f"{counts.c360_orders:,}"
    assert shown["RFM segment"] == customer.rfm_segment
    assert shown["Churn risk"].endswith(f"({customer.risk_band})")
    assert any(f"version {customer.model_version}" in c.value for c in at.caption)
    assert "P(alive)" in shown and shown["P(alive)"].endswith("%")
    labels = [tab.label for tab in at.tabs]
    assert labels[0] == f"Orders ({counts.orders:,})"
    assert labels[1] == f"Web sessions ({counts.sessions:,})"
    assert len(at.dataframe[0].value) == counts.orders


def test_lookup_says_why_a_one_purchase_customer_is_alive(sample_warehouse: Path, env) -> None:
    """BG/NBD gives P(alive) 100 % to every customer without a repeat purchase: the page says
    so beside the figure, and not for a customer with repeat purchases."""
    env(C360_DUCKDB_PATH=sample_warehouse)
    single, repeat = (
        query(
            sample_warehouse,
            f"""
            select c.customer_id
            from gold.customer_360 as c
            inner join gold.customer_clv as v on c.customer_id = v.customer_id
            where c.purchases_count {condition}
            order by c.customer_id
            limit 1
            """,
        )
        .iloc[0]
        .customer_id
        for condition in ("= 1", "> 1")
    )
    note = "one purchase: P(alive) is 100 % by the model's construction"
    at = open_page("customer_lookup", search=single)
    assert metrics(at)["P(alive)"] == "100.0%"
    assert any(note in caption.value for caption in at.caption)
    at = open_page("customer_lookup", search=repeat)
    assert not any(note in caption.value for caption in at.caption)


def test_lookup_finds_a_customer_by_any_of_their_source_ids(sample_warehouse: Path, env) -> None:
    env(C360_DUCKDB_PATH=sample_warehouse)
    crm_id, customer_id = query(
        sample_warehouse,
        "select source_id, customer_id from silver.int_customer_identities "
        "where node_type = 'crm' order by source_id limit 1",
    ).iloc[0]
    at = open_page("customer_lookup", search=crm_id)
    assert at.selectbox(key="customer").value == customer_id


def test_lookup_shows_a_customer_unknown_to_the_crm(sample_warehouse: Path, env) -> None:
    """No name, email or phone: said in words, never as 'nan' or 'None'."""
    env(C360_DUCKDB_PATH=sample_warehouse)
    customer_id, orders = query(
        sample_warehouse,
        "select customer_id, orders_count from gold.customer_360 "
        "where not is_known_to_crm and email is null order by orders_count desc, customer_id "
        "limit 1",
    ).iloc[0]
    at = open_page("customer_lookup", search=customer_id)
    assert at.header[0].value == "Customer unknown to the CRM"
    assert metrics(at)["Orders"] == f"{orders:,}"
    shown = [m.value for m in at.markdown] + [str(at.selectbox(key="customer").options)]
    assert not [line for line in shown if "nan" in line.split() or "None" in line]
    assert "no email" in at.markdown[0].value


def test_lookup_says_when_no_customer_matches(sample_warehouse: Path, env) -> None:
    env(C360_DUCKDB_PATH=sample_warehouse)
    at = open_page("customer_lookup", search="no such customer anywhere")
    assert [i.value for i in at.info] == ["No customer matches 'no such customer anywhere'."]
    assert not at.metric


def test_rfm_scored_at_the_as_of_date_is_customer_rfm(sample_warehouse: Path, env) -> None:
    """The dashboard's own RFM scoring (for the movement between segments) follows
    customer_rfm's rules: at 0 days before the as-of date it gives its segments."""
    env(C360_DUCKDB_PATH=sample_warehouse)
    expected = query(sample_warehouse, "select customer_id, rfm_segment from gold.customer_rfm")
    scored = data.rfm_segments_as_of(0)
    pd.testing.assert_frame_equal(
        scored.sort_values("customer_id").reset_index(drop=True),
        expected.sort_values("customer_id").reset_index(drop=True),
    )
    movement = data.rfm_movement(0)
    assert (movement.previous_segment == movement.current_segment).all()
    assert movement.customers.sum() == len(expected)


def test_segments_page_counts_the_customers_of_customer_rfm(sample_warehouse: Path, env) -> None:
    env(C360_DUCKDB_PATH=sample_warehouse)
    customers = len(query(sample_warehouse, "select customer_id from gold.customer_rfm"))
    at = open_page("segments", movement_days=30)
    shown = metrics(at)
    assert shown["Customers with a purchase"] == f"{customers:,}"
    moved = sum(
        int(shown[label].replace(",", ""))
        for label in ("Changed segment", "Same segment", "First purchase since")
    )
    assert moved == customers
    assert any("30 days earlier" in str(chart.proto.spec) for chart in charts(at))


@pytest.mark.parametrize("grain", ["month", "day"])
def test_revenue_page_totals_are_the_warehouse_totals(
    sample_warehouse: Path, env, grain: str
) -> None:
    env(C360_DUCKDB_PATH=sample_warehouse)
    total, web, currency = query(
        sample_warehouse,
        "select sum(net_revenue_reporting), "
        "sum(net_revenue_reporting) filter (where channel = 'web'), "
        "any_value(reporting_currency) from gold.revenue_daily",
    ).iloc[0]
    label = f"Net revenue ({currency})"
    assert metrics(open_page("revenue", grain=grain))[label] == f"{total:,.0f}"
    at = open_page("revenue", grain=grain, channels=["web"])
    assert metrics(at)[label] == f"{web:,.0f}"


def test_data_quality_page_accounts_for_every_record(sample_warehouse: Path, env) -> None:
    env(C360_DUCKDB_PATH=sample_warehouse)
    bronze, quarantined = query(
        sample_warehouse,
        "select (select cast(sum(bronze_records) as bigint) from silver.dq_record_accounting), "
        "(select count(*) from silver.dq_quarantine)",
    ).iloc[0]
    at = open_page("data_quality")
    assert metrics(at)["Bronze records"] == f"{bronze:,}"
    assert any(s.value.startswith("Every bronze record is accounted for") for s in at.success)
    by_rule = next(d.value for d in at.dataframe if "rule_name" in d.value.columns)
    assert by_rule.records.sum() == quarantined
    monitored = set(
        query(sample_warehouse, "select table_name from information_schema.tables").table_name
    ) >= {"dq_delivery_volumes", "dq_delivery_anomalies"}
    not_built = [w for w in warnings(at) if w.startswith("Not built yet: ")]
    if monitored:
        assert not not_built
    else:
        assert len(not_built) == 1 and "silver.dq_delivery_anomalies" in not_built[0]


def test_churn_page_shows_the_champion_and_its_scores(sample_warehouse: Path, env) -> None:
    env(C360_DUCKDB_PATH=sample_warehouse)
    champion = data.champion()
    high, version = query(
        sample_warehouse,
        "select count(*) filter (where risk_band = 'high'), any_value(model_version) "
        "from gold.churn_scores",
    ).iloc[0]
    at = open_page("churn_model")
    assert any(f"@champion is version **{champion.version}**" in m.value for m in at.markdown)
    shown = metrics(at)
    assert shown["ROC AUC"] == f"{champion.metrics['roc_auc']:.3f}"
    assert shown["High risk"] == f"{high:,}"
    stale = [w for w in warnings(at) if "scores with the champion" in w]
    assert bool(stale) == (str(version) != champion.version)


# --- no warehouse, an empty one, empty tables ----------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_when_there_is_no_warehouse(tmp_path: Path, env, page: str) -> None:
    missing = tmp_path / "missing.duckdb"
    env(
        C360_DUCKDB_PATH=missing,
        MLFLOW_TRACKING_URI=f"sqlite:///{tmp_path / 'mlflow' / 'mlflow.db'}",
        MLFLOW_REGISTRY_URI=f"sqlite:///{tmp_path / 'mlflow' / 'mlflow.db'}",
        DBT_TARGET_PATH=tmp_path / "target",
    )
    at = open_page(page)
    assert at.title[0].value == TITLES[page]
    assert f"No warehouse at {missing} (C360_DUCKDB_PATH): build it with `make run`." in warnings(
        at
    )
    assert len(warnings(at)) == len(set(warnings(at))), "each sentence once"
    assert not missing.exists(), "the dashboard never creates the warehouse"
    if page == "churn_model":
        assert any("has no @champion" in w for w in warnings(at))
        assert not (tmp_path / "mlflow" / "mlflow.db").exists()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_names_the_missing_table_of_an_empty_warehouse(
    tmp_path: Path, env, page: str
) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    env(
        C360_DUCKDB_PATH=empty,
        MLFLOW_TRACKING_URI=f"sqlite:///{tmp_path / 'mlflow.db'}",
        MLFLOW_REGISTRY_URI=f"sqlite:///{tmp_path / 'mlflow.db'}",
        DBT_TARGET_PATH=tmp_path / "target",
    )
    at = open_page(page)
    table = FIRST_TABLE[page]
    assert any(
        w.startswith(f"Table {table} is not in the warehouse {empty}: ") for w in warnings(at)
    ), warnings(at)
    assert all(
        "make run" in w or "make build" in w or "python_jobs train" in w for w in warnings(at)
    ), warnings(at)
    if page == "data_quality":
        assert any(
            w.startswith("Not built yet: Table silver.dq_delivery_anomalies") for w in warnings(at)
        )
        assert any("No dbt source freshness results" in w for w in warnings(at))


def test_a_page_says_when_a_build_holds_the_warehouse(tmp_path: Path, env) -> None:
    """A process writing the warehouse (a dbt build) locks it: the page says to wait."""
    locked = tmp_path / "locked.duckdb"
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('open', flush=True); "
            "sys.stdin.read()",
            str(locked),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "open"
        env(C360_DUCKDB_PATH=locked)
        at = open_page("revenue")
        assert any(
            w.startswith(f"The warehouse {locked} cannot be opened read-only")
            and "wait for the build to finish" in w
            for w in warnings(at)
        ), warnings(at)
    finally:
        writer.communicate(timeout=30)


def test_a_page_says_when_a_table_is_older_than_the_dashboard(tmp_path: Path, env) -> None:
    """A table without the columns the page reads (an older build): a sentence, not a
    traceback."""
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute("create schema gold")
        con.execute("create table gold.revenue_monthly as select 'DE' as country_code")
    env(C360_DUCKDB_PATH=old)
    at = open_page("revenue")
    assert any(
        w.startswith(f"Reading gold.revenue_monthly from the warehouse {old} failed (")
        and w.endswith("needs `make run`.")
        for w in warnings(at)
    ), warnings(at)


@pytest.fixture(scope="module")
def hollow_warehouse(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every table and view of the sample warehouse, as a table with its columns and no rows."""
    path = tmp_path_factory.mktemp("hollow") / "hollow.duckdb"
    # attached under its own name, which the views of silver name their tables by
    sample = sample_warehouse.stem
    with duckdb.connect(str(path)) as con:
        con.execute(f"attach '{sample_warehouse}' as \"{sample}\" (read_only)")
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = ?",
            [sample],
        ).fetchall()
        for schema, table in tables:
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(
                f'create table "{schema}"."{table}" as '
                f'select * from "{sample}"."{schema}"."{table}" limit 0'
            )
    return path


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_which_table_has_no_rows(hollow_warehouse: Path, env, page: str) -> None:
    env(C360_DUCKDB_PATH=hollow_warehouse)
    at = open_page(page)
    table = FIRST_TABLE[page]
    assert f"Table {table} has no rows in {hollow_warehouse}: " in " ".join(warnings(at))


# --- the delivery anomalies of the monitoring models ---------------------------------------


def write_monitoring_tables(path: Path, anomalies: bool) -> None:
    """silver.dq_delivery_volumes and dq_delivery_anomalies as the monitoring models make
    them (the interface of issue 14): ten days of orders, the last one half the usual, and
    ten normal days of CRM customers; when ``anomalies`` is false, the orders' drop is not
    flagged."""
    days = pd.date_range("2026-06-01", periods=10).date
    volumes = pd.DataFrame(
        {
            "source_table": ["ecommerce.orders"] * 10 + ["crm.customers"] * 10,
            "delivery_date": [*days, *days],
            "records": [100, 104, 98, 101, 99, 103, 97, 102, 100, 50] + [100] * 10,
            "training_days": 7,
            "training_mean": 100.0,
            "training_stddev": 2.5,
        }
    )
    volumes["z_score"] = (volumes.records - volumes.training_mean) / volumes.training_stddev
    volumes["is_volume_anomaly"] = anomalies & (volumes.z_score.abs() > 3)
    volumes["anomaly_direction"] = volumes.is_volume_anomaly.map({True: "drop", False: None})
    found = pd.DataFrame(
        {
            "source_table": ["ecommerce.orders"],
            "delivery_date": [days[-1]],
            "anomaly_type": ["volume"],
            "records": [50],
            "expected_records": [100.0],
            "z_score": [-20.0],
            "days_late": [None],
            "reason": ["ecommerce.orders delivered 50 records on 2026-06-10, 100 expected"],
        }
    )
    if not anomalies:
        found = found.iloc[:0]
    with duckdb.connect(str(path)) as con:
        con.execute("create schema silver")
        con.register("volumes", volumes)
        con.register("found", found)
        con.execute("create table silver.dq_delivery_volumes as select * from volumes")
        con.execute("create table silver.dq_delivery_anomalies as select * from found")


def test_data_quality_page_shows_the_delivery_anomalies(tmp_path: Path, env) -> None:
    warehouse = tmp_path / "monitored.duckdb"
    write_monitoring_tables(warehouse, anomalies=True)
    env(C360_DUCKDB_PATH=warehouse, DBT_TARGET_PATH=tmp_path / "target")
    at = open_page("data_quality")
    assert [e.value for e in at.error] == [
        "1 delivery anomaly: a volume far from the usual, or late."
    ]
    found = next(d.value for d in at.dataframe if "anomaly_type" in d.value.columns)
    assert found.reason.tolist() == [
        "ecommerce.orders delivered 50 records on 2026-06-10, 100 expected"
    ]
    # the chart opens on the landing table of the anomaly
    assert at.selectbox(key="volume_source").value == "ecommerce.orders"
    assert charts(at), "the volume chart"
    assert not any(w.startswith("Not built yet") for w in warnings(at))
    # the tables of the other sections are missing from this warehouse, and said so
    assert any(w.startswith("Table silver.dq_record_accounting is not in") for w in warnings(at))


def test_data_quality_page_says_when_no_delivery_is_anomalous(tmp_path: Path, env) -> None:
    warehouse = tmp_path / "monitored.duckdb"
    write_monitoring_tables(warehouse, anomalies=False)
    env(C360_DUCKDB_PATH=warehouse, DBT_TARGET_PATH=tmp_path / "target")
    at = open_page("data_quality")
    assert "No delivery volume or freshness anomaly." in [s.value for s in at.success]
    assert not at.error
    assert at.selectbox(key="volume_source").value == "crm.customers"
