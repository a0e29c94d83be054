"""The simulated world: its parameters and clock, its customers, and the order in which the
sources are simulated.

Times inside the simulation are float days since the first requested day (0.0 is its
midnight UTC, negative before it). The world covers `Params.horizon` days, the requested
ones and EXTRA_HORIZON_DAYS more, so `--next-day` can simulate it again from the same
parameters and write the following day.

Each part draws from its own random stream, spawned from the seed in the order of
RNG_STREAMS; within a part the order of the draws is part of the output, so a change that
adds, drops or reorders a draw changes the landing files (see tests/python/test_generate.py,
the golden-output test).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import crm, crosswalk, ecommerce, support, web
from .arrays import concat, normalised
from .config import (
    COUNTRY_WEIGHTS,
    CRM_LAG_DAYS_MAX,
    CRM_LAG_SHARE,
    CUSTOMERS_AT_START,
    DELETE_MIN_AGE_DAYS,
    DELETE_SHARE,
    DRIFT_FRACTION,
    DROPOUT_A,
    DROPOUT_B,
    EXTRA_HORIZON_DAYS,
    FIRST_PURCHASE_AT_SIGNUP,
    FIRST_PURCHASE_DELAY_DAYS,
    GENERATOR_VERSION,
    MIN_CUSTOMERS,
    MIN_DELETES_IN_WINDOW,
    MIN_LAGGED_IN_WINDOW,
    PRE_WINDOW_DAYS,
    PURCHASE_RATE_ALPHA,
    PURCHASE_SHAPE_R,
    SIGNUPS_PER_DAY,
    SPEND_GAMMA,
    SPEND_Q,
)
from .dirt import DirtPicker
from .identity import Identities, simulate_identities
from .truth import TruthRecords
from .value_sets import COUNTRIES
from .writers import EntityRecords

RNG_STREAMS = (
    "customers",
    "purchases",
    "catalog",
    "orders",
    "crm",
    "web",
    "support",
    "dirt",
    "identity",
)
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class Params:
    """What a run simulates: the seed, the volume and the requested days."""

    seed: int
    scale: float
    days: int
    start: dt.date  # the first requested (extract) day

    @property
    def horizon(self) -> int:
        """Days simulated from `start`: the requested ones and EXTRA_HORIZON_DAYS more."""
        return self.days + EXTRA_HORIZON_DAYS

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days - 1)

    @property
    def drift_day(self) -> int:
        """Day index (0 = start) from which the drifted columns are exported."""
        return max(1, round(self.days * DRIFT_FRACTION))

    @property
    def start_epoch(self) -> int:
        """Unix seconds of `start`'s midnight UTC."""
        return (self.start - dt.date(1970, 1, 1)).days * SECONDS_PER_DAY

    def day_date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=int(day))

    def scaled(self, base: float, minimum: int = 1) -> int:
        """A volume at scale 1 at this run's scale, at least `minimum`."""
        return max(minimum, round(base * self.scale))


@dataclass
class Customers:
    """Every customer, in signup order: customer i is person i (identity.py), whose first
    CRM contact has id C{CUSTOMER_ID_BASE + i}."""

    count: int
    signup_at: np.ndarray  # time of signup (negative: before the first day)
    purchase_rate: np.ndarray  # purchases per day while alive (lambda)
    dropout_prob: np.ndarray  # probability of dropping out after each purchase (p)
    spend_rate: np.ndarray  # Gamma-Gamma spend rate (nu)
    country: np.ndarray  # index into COUNTRIES
    first_crm_day: np.ndarray  # extract day of the customer's first CRM record
    crm_lagged: np.ndarray  # that record is exported 1-3 days after signup
    deleted_at: np.ndarray  # time of deletion, or inf
    dropped_out_at: np.ndarray  # time of the purchase after which they dropped out, or inf
    purchase_customer: np.ndarray  # every purchase, also before the window: its customer
    purchase_at: np.ndarray  # and its time


class World:
    """The parts of the world, simulated by `build` into `records` (entity -> records)."""

    def __init__(self, params: Params, on_step: Callable[[str], None] | None = None) -> None:
        self.params = params
        seeds = np.random.SeedSequence([params.seed, GENERATOR_VERSION]).spawn(len(RNG_STREAMS))
        self.rngs = dict(zip(RNG_STREAMS, (np.random.default_rng(s) for s in seeds), strict=True))
        self.dirt_picker = DirtPicker(self.rngs["dirt"], params.days)
        self.on_step = on_step or (lambda _name: None)
        self.records: dict[str, EntityRecords] = {}

    def epoch_seconds(self, t: np.ndarray) -> np.ndarray:
        """Unix seconds of simulation times."""
        return self.params.start_epoch + np.floor(np.asarray(t) * 86400.0).astype(np.int64)

    def epoch_micros(self, t: np.ndarray) -> np.ndarray:
        """Unix microseconds of simulation times."""
        start = np.int64(self.params.start_epoch) * 1_000_000
        return start + np.floor(np.asarray(t) * 86_400_000_000.0).astype(np.int64)

    def day_of_seconds(self, secs: np.ndarray) -> np.ndarray:
        """Day index (0 = first requested day) of unix seconds."""
        return (np.asarray(secs) - self.params.start_epoch) // SECONDS_PER_DAY

    def day_of_micros(self, micros: np.ndarray) -> np.ndarray:
        """Day index (0 = first requested day) of unix microseconds."""
        return self.day_of_seconds(np.asarray(micros) // 1_000_000)

    def build(self) -> World:
        """Simulate every part. The order is fixed: the entities share the dirt stream."""
        self.on_step("customers")
        self.customers = simulate_customers(self)
        self.identities: Identities = simulate_identities(self, self.customers)
        self.on_step("products")
        self.catalog = ecommerce.simulate_catalog(self)
        self.records["products"] = ecommerce.product_records(self, self.catalog)
        self.on_step("orders")
        self.orders = ecommerce.simulate_orders(self, self.customers, self.catalog)
        self.records["orders"] = ecommerce.order_records(self, self.identities, self.orders)
        self.records["order_items"] = ecommerce.order_item_records(self, self.orders)
        self.on_step("crm")
        self.records["customers"] = crm.customer_records(self, self.customers, self.identities)
        self.records["account_links"] = crosswalk.account_link_records(
            self, self.customers, self.identities
        )
        self.on_step("web events")
        self.records["events"] = web.event_records(
            self, self.customers, self.identities, self.orders, self.catalog
        )
        self.on_step("support tickets")
        self.records["ticket_changes"] = support.ticket_change_records(
            self, self.customers, self.identities, self.orders
        )
        return self

    def truth(self) -> list[TruthRecords]:
        """The true persons of every source's identity records, in entity order."""
        return [r.truth for r in self.records.values() if r.truth is not None]


def simulate_customers(world: World) -> Customers:
    """Customers existing at the start and signing up over the horizon, their CRM export
    lag, deletions, and buy-till-you-die purchases."""
    params, rng, horizon = world.params, world.rngs["customers"], world.params.horizon
    n_existing = params.scaled(CUSTOMERS_AT_START, MIN_CUSTOMERS)
    n_new = params.scaled(SIGNUPS_PER_DAY * horizon, MIN_CUSTOMERS)
    signup_at = np.sort(
        np.concatenate(
            [rng.uniform(-PRE_WINDOW_DAYS, 0.0, n_existing), rng.uniform(0.0, horizon, n_new)]
        )
    )
    count = len(signup_at)
    purchase_rate = rng.gamma(PURCHASE_SHAPE_R, 1.0 / PURCHASE_RATE_ALPHA, count)
    dropout_prob = rng.beta(DROPOUT_A, DROPOUT_B, count)
    spend_rate = rng.gamma(SPEND_Q, 1.0 / SPEND_GAMMA, count)
    country_weights = normalised(COUNTRY_WEIGHTS[c] for c in COUNTRIES)
    country = rng.choice(len(COUNTRIES), count, p=country_weights)
    crm_lagged, first_crm_day = _crm_export_lag(rng, params, signup_at)
    deleted_at = _deletions(rng, params, signup_at)
    dropped_out_at, purchase_customer, purchase_at = _buy_till_you_die(
        world.rngs["purchases"],
        signup_at,
        crm_lagged,
        purchase_rate,
        dropout_prob,
        np.minimum(deleted_at, horizon),
    )
    return Customers(
        count=count,
        signup_at=signup_at,
        purchase_rate=purchase_rate,
        dropout_prob=dropout_prob,
        spend_rate=spend_rate,
        country=country,
        first_crm_day=first_crm_day,
        crm_lagged=crm_lagged,
        deleted_at=deleted_at,
        dropped_out_at=dropped_out_at,
        purchase_customer=purchase_customer,
        purchase_at=purchase_at,
    )


def _crm_export_lag(
    rng: np.random.Generator, params: Params, signup_at: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which new customers' first CRM record arrives 1-3 days late (CRM_LAG_SHARE of them,
    at least MIN_LAGGED_IN_WINDOW in the window), and the day of each first record."""
    signup_day = np.floor(signup_at).astype(np.int64)
    is_new = signup_at >= 0
    lagged = np.zeros(len(signup_at), dtype=bool)
    for stratum, minimum in (
        (is_new & (signup_day < params.days), MIN_LAGGED_IN_WINDOW),
        (is_new & (signup_day >= params.days), 0),
    ):
        candidates = np.flatnonzero(stratum)
        k = min(len(candidates), max(minimum, round(CRM_LAG_SHARE * len(candidates))))
        lagged[rng.choice(candidates, size=k, replace=False)] = True
    lag_days = rng.integers(1, CRM_LAG_DAYS_MAX + 1, len(signup_at))
    first_crm_day = np.where(is_new, signup_day, 0) + lagged * lag_days
    return lagged, first_crm_day


def _deletions(rng: np.random.Generator, params: Params, signup_at: np.ndarray) -> np.ndarray:
    """Deletion time of each customer, or inf: DELETE_SHARE of the customers over the
    window (at least MIN_DELETES_IN_WINDOW), as many per day after it, each at least
    DELETE_MIN_AGE_DAYS after signup."""
    days, horizon = params.days, params.horizon
    deleted_at = np.full(len(signup_at), np.inf)
    earliest = np.maximum(signup_at + DELETE_MIN_AGE_DAYS, 0.0)
    for lo, hi, share, minimum in (
        (0, days, DELETE_SHARE, MIN_DELETES_IN_WINDOW),
        (days, horizon, DELETE_SHARE * (horizon - days) / days, 0),
    ):
        candidates = np.flatnonzero((earliest < hi) & ~np.isfinite(deleted_at))
        existing = int((signup_at < hi).sum())
        k = min(len(candidates), max(minimum, round(share * existing)))
        chosen = rng.choice(candidates, size=k, replace=False)
        start = np.maximum(earliest[chosen], lo)
        deleted_at[chosen] = rng.uniform(start, hi)
    return deleted_at


def _buy_till_you_die(
    rng: np.random.Generator,
    signup_at: np.ndarray,
    crm_lagged: np.ndarray,
    purchase_rate: np.ndarray,
    dropout_prob: np.ndarray,
    stop_at: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Purchases from signup until `stop_at`: exponential gaps at the customer's rate and,
    after each purchase, dropout with the customer's probability (purchases before the
    window decide who is alive). FIRST_PURCHASE_AT_SIGNUP of the new customers, and every
    lagged one, buy right at signup. Returns dropout times, and each purchase's customer
    and time, round by round."""
    count = len(signup_at)
    is_new = signup_at >= 0
    buys_at_signup = is_new & ((rng.random(count) < FIRST_PURCHASE_AT_SIGNUP) | crm_lagged)
    dropped_out_at = np.full(count, np.inf)
    who = np.arange(count)
    at = signup_at + np.where(
        buys_at_signup,
        rng.exponential(FIRST_PURCHASE_DELAY_DAYS, count),
        rng.exponential(1.0 / purchase_rate),
    )
    out_customer, out_at = [], []
    while len(who):
        keep = at < stop_at[who]
        who, at = who[keep], at[keep]
        if not len(who):
            break
        out_customer.append(who)
        out_at.append(at)
        drops = rng.random(len(who)) < dropout_prob[who]
        dropped_out_at[who[drops]] = at[drops]
        who, at = who[~drops], at[~drops]
        at = at + rng.exponential(1.0 / purchase_rate[who])
    return dropped_out_at, concat(out_customer), concat(out_at, np.float64)
