"""Money, as a user sees it: orders of different years convert at the FX rates of their own
date, an order older than the rate history is quarantined with a reason naming its currency
and date, and `--vars '{reporting_currency: USD}'` gives every amount in USD.

Built end to end on DuckDB from a small generated sample plus one landing file of older
orders; the expected amounts are computed here from the `fx_rates` seed itself."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from test_pipeline import DBT, REPO, dbt, dbt_env, generate

pytestmark = pytest.mark.slow

FX_SEED = REPO / "seeds" / "reference" / "fx_rates.csv"
CENT = Decimal("0.01")
# the models that convert and quarantine, and what they need
SELECTION = ["--select", "+fct_orders", "+dq_quarantine", "--indirect-selection", "cautious"]
# orders older than the sample, in one more landing file: (id, currency, total, ordered_at)
HISTORY = [
    ("O900000001", "USD", "100.00", "2019-05-14T10:00:00Z"),
    ("O900000002", "USD", "100.00", "2024-05-14T10:00:00Z"),
    ("O900000003", "GBP", "50.00", "2014-06-30T10:00:00Z"),  # before GBP's first rate
]


def seed_rates() -> dict[str, list[tuple[dt.date, Decimal]]]:
    """The rate history of the seed: currency -> [(valid_from, rate_to_eur)], by date."""
    rates: dict[str, list[tuple[dt.date, Decimal]]] = {}
    with FX_SEED.open() as f:
        for row in csv.DictReader(f):
            rates.setdefault(row["currency_code"], []).append(
                (dt.date.fromisoformat(row["valid_from"]), Decimal(row["rate_to_eur"]))
            )
    return {code: sorted(history) for code, history in rates.items()}


def rate_on(currency: str, day: dt.date) -> Decimal:
    """The rate in force on `day`: the one with the latest valid_from on or before it."""
    in_force = [rate for valid_from, rate in seed_rates()[currency] if valid_from <= day]
    assert in_force, f"no {currency} rate in force on {day}"
    return in_force[-1]


def expected_amount(amount: Decimal, currency: str, reporting: str, day: dt.date) -> Decimal:
    """amount x rate_to_eur(currency) / rate_to_eur(reporting), the quotient kept to 10
    decimals as the models do, rounded to the cent."""
    cross = (rate_on(currency, day) / rate_on(reporting, day)).quantize(Decimal("1e-10"))
    return (amount * cross).quantize(CENT, ROUND_HALF_UP)


def query(workdir: Path, db: str, sql: str) -> list[tuple]:
    with duckdb.connect(str(workdir / f"{db}.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("money")
    generate(workdir, "--scale", "0.002", "--days", "30", "--seed", "3", "--end-date", "2026-06-30")
    orders_dir = workdir / "landing" / "ecommerce" / "orders"
    # the older orders are a known buyer's: the shop account and email of a sample order
    with next(iter(sorted(orders_dir.glob("orders_*.csv")))).open() as f:
        buyer = next(row for row in csv.DictReader(f) if row["shop_account_id"] and row["email"])
    with (orders_dir / "orders_history.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["order_id", "shop_account_id", "order_status", "channel", "currency", "order_total",
             "shipping_amount", "ordered_at", "updated_at", "email", "phone"]
        )  # fmt: skip
        for order_id, currency, total, at in HISTORY:
            writer.writerow(
                [order_id, buyer["shop_account_id"], "delivered", "web", currency, total, "0.00",
                 at, at, buyer["email"], buyer["phone"]]
            )  # fmt: skip
    return workdir


@pytest.fixture(scope="module")
def eur_build(landing: Path) -> Path:
    dbt(landing, "eur", "build", *SELECTION)
    return landing


@pytest.fixture(scope="module")
def usd_build(landing: Path) -> Path:
    dbt(landing, "usd", "build", *SELECTION, "--vars", "{reporting_currency: USD}")
    return landing


def test_orders_of_2019_and_2024_convert_at_their_own_rates(eur_build: Path) -> None:
    amounts = dict(
        query(
            eur_build,
            "eur",
            "select order_id, order_total_reporting from gold.fct_orders "
            "where order_id in ('O900000001', 'O900000002')",
        )
    )
    in_2019 = expected_amount(Decimal("100.00"), "USD", "EUR", dt.date(2019, 5, 14))
    in_2024 = expected_amount(Decimal("100.00"), "USD", "EUR", dt.date(2024, 5, 14))
    assert in_2019 != in_2024  # the seed's USD rates of the two years differ
    assert amounts == {"O900000001": in_2019, "O900000002": in_2024}


def test_order_before_the_first_rate_is_quarantined_naming_currency_and_date(
    eur_build: Path,
) -> None:
    first_gbp_rate = seed_rates()["GBP"][0][0]
    assert dt.date(2014, 6, 30) < first_gbp_rate
    quarantined = query(
        eur_build,
        "eur",
        "select reason, raw_record from silver.dq_quarantine where rule_name = 'fx_rate_in_force'",
    )
    # only the old order: every order of the sample has a rate in force
    assert len(quarantined) == 1
    reason, raw_record = quarantined[0]
    assert "O900000003" in raw_record
    assert reason == "no FX rate for GBP in force on 2014-06-30 (the fx_rates seed starts later)"
    assert query(
        eur_build, "eur", "select count(*) from gold.fct_orders where order_id = 'O900000003'"
    ) == [(0,)]


def test_reporting_currency_usd_gives_usd_amounts(eur_build: Path, usd_build: Path) -> None:
    sql = (
        "select order_id, currency_code, order_total, order_total_reporting, order_date, "
        "reporting_currency from gold.fct_orders"
    )
    eur = {row[0]: row for row in query(eur_build, "eur", sql)}
    usd = {row[0]: row for row in query(usd_build, "usd", sql)}
    assert eur.keys() == usd.keys() and len(usd) > 100
    assert {row[5] for row in eur.values()} == {"EUR"}
    assert {row[5] for row in usd.values()} == {"USD"}
    assert {row[1] for row in usd.values()} > {"EUR", "USD"}  # several currencies converted
    for order_id, (_, currency, total, in_usd, day, _) in usd.items():
        # the order's EUR amount divided by the USD rate (EUR per USD) of the order date,
        # up to the cent the EUR amount was rounded to
        in_eur = eur[order_id][3]
        assert abs(in_usd - in_eur / rate_on("USD", day)) <= CENT, order_id
        # and exactly the amount the seed gives from the order's own currency
        assert in_usd == expected_amount(total, currency, "USD", day), order_id
    # a known order: 100 USD of 2019 is 100 USD whatever its EUR value
    assert usd["O900000001"][3] == Decimal("100.00")


def test_changing_the_reporting_currency_of_a_built_warehouse_stops_with_the_command(
    eur_build: Path,
) -> None:
    done = dbt(
        eur_build,
        "eur",
        "build",
        "--select",
        "stg_ecommerce__orders",
        "--vars",
        "{reporting_currency: USD}",
        check=False,
    )
    assert done.returncode != 0
    assert "holds amounts in EUR but reporting_currency is USD" in done.stdout
    # the command carries the run's vars, the wanted currency among them
    assert (
        "dbt build --full-refresh --select tag:silver tag:gold"
        ' --vars \'{"reporting_currency": "USD"}\'' in done.stdout
    )
    # nothing was merged in the other currency
    assert query(
        eur_build, "eur", "select distinct reporting_currency from silver.stg_ecommerce__orders"
    ) == [("EUR",)]


def test_a_reporting_currency_that_is_not_a_code_is_refused(landing: Path) -> None:
    done = subprocess.run(
        [DBT, "compile", "--select", "base_ecommerce__orders", "--vars",
         "{reporting_currency: \"EUR'; drop table x; --\"}"],
        cwd=REPO,
        env=dbt_env(landing, "refused"),
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode != 0
    assert "var reporting_currency must be an ISO 4217 code" in done.stdout
