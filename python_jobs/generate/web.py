"""The web source (parquet): tracking events of browser sessions.

Every customer has a browser (30% a second one); anonymous visitors have one each. Sessions
come from alive customers at a rate tied to their purchase rate (and a little after they
dropped out), from browsing before signup, the signup itself, every web or app order (the
session ends in its purchase event), and visitors who never log in. An event carries the
customer's shop account id only while the session is logged in. The truth file names the
person of every browser (anonymous_id): a customer's, or an anonymous visitor, who is
nobody else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from .arrays import concat, explode, normalised
from .columns import as_arrow, fixed_ids, hex_text, pick, pick_dict
from .config import (
    ANON_FIRST_SEEN_FROM_DAYS,
    ANON_VISIT_GAP_MEAN_DAYS,
    ANON_VISITORS_PER_DAY,
    ANON_VISITS_P,
    CAMPAIGN_SHARE,
    DEVICE_WEIGHTS,
    DIRT_RATES,
    EVENT_GAP_MEAN_SECONDS,
    EVENT_GAP_RANGE_SECONDS,
    EVENT_TYPE_WEIGHTS,
    FIRST_EVENT_PAGE_VIEW_SHARE,
    LATE_EVENT_MAX_DAYS,
    LOGIN_IN_PURCHASE_SESSION_SHARE,
    MAX_SESSION_EVENTS,
    MIN_ANON_VISITORS,
    MIN_PURCHASE_SESSION_EVENTS,
    ORDER_ID_BASE,
    ORGANIC_REFERRER_SHARE,
    PRE_SIGNUP_SESSION_DAYS,
    PRE_SIGNUP_SESSION_WEIGHTS,
    PRODUCT_ID_BASE,
    PRODUCT_POPULARITY_EXPONENT,
    PURCHASE_SESSION_EXTRA_EVENTS_MEAN,
    SECOND_BROWSER_SHARE,
    SECOND_BROWSER_USE_SHARE,
    SESSION_EVENTS_MEAN,
    SESSION_MODE_WEIGHTS,
    SESSIONS_BEFORE_START_DAYS,
    SIGNUP_SESSION_EVENTS,
    SIGNUP_SESSION_MINUTES_BEFORE,
    WEB_DEAD_FACTOR,
    WEB_SESSION_BASE,
    WEB_SESSIONS_PER_LAMBDA,
)
from .entities import EVENTS_SCHEMA, TS_US
from .truth import TruthRecords
from .value_sets import (
    CATEGORIES,
    DEVICES,
    EVENT_TYPES,
    ORGANIC_REFERRERS,
    UTM_CAMPAIGNS,
    UTM_REFERRER,
)
from .writers import EntityRecords, with_duplicates

if TYPE_CHECKING:
    from .ecommerce import Catalog, Orders
    from .identity import Identities
    from .world import Customers, Params, World

PAGE_VIEW, PRODUCT_VIEW, ADD_TO_CART, CHECKOUT, PURCHASE = range(5)  # index into EVENT_TYPES
ANONYMOUS, LOGGED_IN, LOGS_IN = 0, 1, 2  # session modes: LOGS_IN part-way through


@dataclass
class Browsers:
    """Browser b: customer b's first browser for b < customers, then second browsers,
    then one per anonymous visitor (from `first_anonymous` on)."""

    second: np.ndarray  # each customer's second browser, or -1
    first_anonymous: int
    anonymous: int
    device: np.ndarray  # index into DEVICES

    @property
    def count(self) -> int:
        return self.first_anonymous + self.anonymous

    def person(self) -> np.ndarray:
        """Each browser's person: its customer, or an anonymous visitor (numbered after
        the customers)."""
        customers = len(self.second)
        owners = np.flatnonzero(self.second >= 0)
        return np.concatenate([np.arange(customers), owners, customers + np.arange(self.anonymous)])


@dataclass
class Sessions:
    """Every session. A purchase session (order >= 0) ends at `start`, the others begin."""

    start: np.ndarray
    size: np.ndarray  # events
    browser: np.ndarray
    customer: np.ndarray  # -1: anonymous visitor
    mode: np.ndarray  # ANONYMOUS, LOGGED_IN or LOGS_IN
    order: np.ndarray  # the order the session ends in, or -1


@dataclass
class SessionBuilder:
    """Sessions, added a group at a time."""

    parts: list[tuple[np.ndarray, ...]] = field(default_factory=list)

    def add(self, start, size, browser, customer, mode, order) -> None:
        self.parts.append((start, size, browser, customer, mode, order))

    def sessions(self) -> Sessions:
        start, size, browser, customer, mode, order = zip(*self.parts, strict=True)
        return Sessions(
            concat([np.asarray(x, dtype=np.float64) for x in start], np.float64),
            *(
                concat([np.asarray(x, dtype=np.int64) for x in column])
                for column in (size, browser, customer, mode, order)
            ),
        )


@dataclass
class Events:
    """The events within the horizon, in session order."""

    session: np.ndarray
    position: np.ndarray  # within the session
    type: np.ndarray  # index into EVENT_TYPES
    product: np.ndarray  # -1: none
    customer: np.ndarray  # -1: not logged in
    order: np.ndarray  # on purchase events, else -1
    micros: np.ndarray  # event_at, unix microseconds
    day: np.ndarray


def event_records(
    world: World, customers: Customers, identities: Identities, orders: Orders, catalog: Catalog
) -> EntityRecords:
    """The events of every session, with their dirt, as one table sorted by delivery day,
    then time."""
    rng = world.rngs["web"]
    browsers = _browsers(rng, world.params, customers.count)
    sessions = _sessions(rng, world, customers, orders, browsers)
    events = _events(rng, world, customers, orders, catalog, sessions)
    campaign, referrer_values, referrer = _attribution(rng, len(sessions.start), events)
    url_values, url = _urls(rng, catalog, events)
    dirt, deliver, nulls, src, dup_day = _event_dirt(world, events)
    all_day, all_dirt = with_duplicates(deliver, dirt, src, dup_day)
    n_events = len(events.day)
    key = np.concatenate([events.micros, events.micros[src]])
    tie = np.concatenate([np.arange(n_events), src])
    rows = np.lexsort((tie, key, all_day))
    event = tie[rows]  # event index of each output row
    event_raw = np.frombuffer(rng.bytes(16 * n_events), dtype=np.uint8).reshape(n_events, 16)
    browser_raw = np.frombuffer(rng.bytes(16 * browsers.count), dtype=np.uint8).reshape(-1, 16)
    null_at = np.zeros(n_events, dtype=bool)
    null_at[nulls] = True
    browser = sessions.browser[events.session[event]]
    customer, product, order = events.customer[event], events.product[event], events.order[event]
    table = pa.Table.from_arrays(
        [
            hex_text(event_raw[event]),
            hex_text(browser_raw[browser], uuid=True),
            pick(identities.account_ids, customer),
            pick_dict(EVENT_TYPES, events.type[event]),
            as_arrow(events.micros[event], TS_US, mask=null_at[event]),
            pick_dict(url_values, url[event]),
            fixed_ids("P", PRODUCT_ID_BASE + product, 5, mask=product < 0),
            fixed_ids("O", ORDER_ID_BASE + order, 9, mask=order < 0),
            pick_dict([source for source, _, _ in UTM_CAMPAIGNS], campaign[event]),
            pick_dict([medium for _, medium, _ in UTM_CAMPAIGNS], campaign[event]),
            pick_dict([name for _, _, name in UTM_CAMPAIGNS], campaign[event]),
            pick_dict(referrer_values, referrer[event]),
            pick_dict(DEVICES, browsers.device[browser]),
        ],
        names=EVENTS_SCHEMA.names,
    )
    records = EntityRecords(day=all_day[rows], dirt=all_dirt[rows], table=table)
    records.truth = _truth(browsers, browser, records.day, hex_text(browser_raw, uuid=True))
    return records


def _truth(
    browsers: Browsers, row_browser: np.ndarray, row_day: np.ndarray, anonymous_ids: pa.Array
) -> TruthRecords:
    """Each browser's person, first delivered with the first file holding one of its
    events (a browser without events in the horizon is never delivered)."""
    never = np.iinfo(np.int64).max
    first_day = np.full(browsers.count, never)
    np.minimum.at(first_day, row_browser, row_day)
    nothing = np.zeros(browsers.count, dtype=np.int64)
    return TruthRecords("web.events", anonymous_ids, browsers.person(), first_day, nothing, nothing)


def _browsers(rng: np.random.Generator, params: Params, customers: int) -> Browsers:
    """Each customer's browser, a second one for SECOND_BROWSER_SHARE of them, one per
    anonymous visitor, and each browser's device."""
    has_second = rng.random(customers) < SECOND_BROWSER_SHARE
    second = np.full(customers, -1)
    second[has_second] = customers + np.arange(int(has_second.sum()))
    first_anonymous = customers + int(has_second.sum())
    anonymous = params.scaled(ANON_VISITORS_PER_DAY * params.horizon, MIN_ANON_VISITORS)
    device = rng.choice(len(DEVICES), first_anonymous + anonymous, p=normalised(DEVICE_WEIGHTS))
    return Browsers(second, first_anonymous, anonymous, device)


def _session_sizes(rng: np.random.Generator, count: int) -> np.ndarray:
    """Events per session: geometric, mean SESSION_EVENTS_MEAN, at most MAX_SESSION_EVENTS."""
    return np.minimum(MAX_SESSION_EVENTS, rng.geometric(1 / SESSION_EVENTS_MEAN, count))


def _browser_of(rng: np.random.Generator, browsers: Browsers, customer: np.ndarray) -> np.ndarray:
    """The browser a customer's session runs in: the second one now and then."""
    second = browsers.second[customer]
    use_second = (second >= 0) & (rng.random(len(customer)) < SECOND_BROWSER_USE_SHARE)
    return np.where(use_second, second, customer)


def _sessions(
    rng: np.random.Generator,
    world: World,
    customers: Customers,
    orders: Orders,
    browsers: Browsers,
) -> Sessions:
    """Every session, in groups: customers', signup, purchase and anonymous sessions."""
    sessions = SessionBuilder()
    _customer_sessions(rng, world.params.horizon, customers, browsers, sessions)
    _signup_sessions(rng, customers, sessions)
    _purchase_sessions(rng, orders, browsers, sessions)
    _anonymous_sessions(rng, world.params.horizon, browsers, sessions)
    return sessions.sessions()


def _customer_sessions(
    rng: np.random.Generator,
    horizon: int,
    customers: Customers,
    browsers: Browsers,
    sessions: SessionBuilder,
) -> None:
    """Sessions of alive customers at a rate tied to their purchase rate, and a fraction
    (WEB_DEAD_FACTOR) of it after they dropped out."""
    rate = WEB_SESSION_BASE + WEB_SESSIONS_PER_LAMBDA * customers.purchase_rate
    end = np.minimum(customers.deleted_at, horizon)
    alive_from = np.maximum(customers.signup_at, -SESSIONS_BEFORE_START_DAYS)
    alive_to = np.minimum(customers.dropped_out_at, end)
    dead_from = np.maximum(customers.dropped_out_at, -SESSIONS_BEFORE_START_DAYS)
    for lo, hi, factor in ((alive_from, alive_to, 1.0), (dead_from, end, WEB_DEAD_FACTOR)):
        span = np.clip(hi - lo, 0.0, None)
        span[~np.isfinite(span)] = 0.0
        count = rng.poisson(factor * rate * span)
        who = np.repeat(np.arange(customers.count), count)
        start = rng.uniform(lo[who], hi[who])
        n_sessions = len(who)
        mode = rng.choice(3, n_sessions, p=SESSION_MODE_WEIGHTS)
        size = _session_sizes(rng, n_sessions)
        sessions.add(
            start, size, _browser_of(rng, browsers, who), who, mode, np.full(n_sessions, -1)
        )


def _signup_sessions(
    rng: np.random.Generator, customers: Customers, sessions: SessionBuilder
) -> None:
    """Anonymous browsing in the PRE_SIGNUP_SESSION_DAYS before signing up, then the signup
    session, which logs in part-way through."""
    new = np.flatnonzero(customers.signup_at >= -PRE_SIGNUP_SESSION_DAYS[1])
    before = rng.choice(len(PRE_SIGNUP_SESSION_WEIGHTS), len(new), p=PRE_SIGNUP_SESSION_WEIGHTS)
    who = np.repeat(new, before)
    start = customers.signup_at[who] - rng.uniform(*PRE_SIGNUP_SESSION_DAYS, len(who))
    size = _session_sizes(rng, len(who))
    sessions.add(start, size, who, who, np.zeros(len(who)), np.full(len(who), -1))
    minutes = rng.uniform(*SIGNUP_SESSION_MINUTES_BEFORE, len(new))
    start = customers.signup_at[new] - minutes / 1440.0
    lo, hi = SIGNUP_SESSION_EVENTS
    size = rng.integers(lo, hi + 1, len(new))
    sessions.add(start, size, new, new, np.ones(len(new)), np.full(len(new), -1))


def _purchase_sessions(
    rng: np.random.Generator, orders: Orders, browsers: Browsers, sessions: SessionBuilder
) -> None:
    """Every web or app order ends a session with a purchase event (app: the customer's
    first browser); LOGIN_IN_PURCHASE_SESSION_SHARE of them log in part-way through."""
    online = np.flatnonzero(orders.channel < 2)  # web, app
    customer = orders.customer[online]
    browser = np.where(orders.channel[online] == 1, customer, _browser_of(rng, browsers, customer))
    extra = rng.geometric(1 / PURCHASE_SESSION_EXTRA_EVENTS_MEAN, len(online)) - 1
    size = MIN_PURCHASE_SESSION_EVENTS + np.minimum(
        MAX_SESSION_EVENTS - MIN_PURCHASE_SESSION_EVENTS, extra
    )
    mode = LOGGED_IN + (rng.random(len(online)) < LOGIN_IN_PURCHASE_SESSION_SHARE)
    sessions.add(orders.placed_at[online], size, browser, customer, mode, online)


def _anonymous_sessions(
    rng: np.random.Generator, horizon: int, browsers: Browsers, sessions: SessionBuilder
) -> None:
    """Visitors who never log in: first seen at a random time, then a few more visits."""
    count = browsers.anonymous
    first_seen = rng.uniform(ANON_FIRST_SEEN_FROM_DAYS, horizon, count)
    visits = rng.geometric(ANON_VISITS_P, count)
    who = np.repeat(np.arange(count), visits)
    _, visit, first_visit = explode(visits)
    gap = np.where(visit == 0, 0.0, rng.exponential(ANON_VISIT_GAP_MEAN_DAYS, len(who)))
    cum_gap = np.cumsum(gap)
    start = first_seen[who] + cum_gap - cum_gap[first_visit[who]]
    size = _session_sizes(rng, len(who))
    browser = browsers.first_anonymous + who
    sessions.add(
        start, size, browser, np.full(len(who), -1), np.zeros(len(who)), np.full(len(who), -1)
    )


def _events(
    rng: np.random.Generator,
    world: World,
    customers: Customers,
    orders: Orders,
    catalog: Catalog,
    sessions: Sessions,
) -> Events:
    """The events of the sessions: times, types, products, who is logged in; those within
    the horizon."""
    size, session_order = sessions.size, sessions.order
    session, position, at = _event_times(rng, sessions.start, size, session_order)
    from_end = size[session] - 1 - position
    order = session_order[session]
    event_type, product = _types_and_products(rng, orders, catalog, position, from_end, order)
    login_at = rng.integers(0, np.maximum(size - 2, 1))[session] + 1
    customer = sessions.customer[session]
    mode = sessions.mode[session]
    logged_in = (customer >= 0) & (
        (mode == LOGGED_IN) | ((mode == LOGS_IN) & (position >= login_at))
    )
    logged_in &= at >= customers.signup_at[np.maximum(customer, 0)]
    keep = np.flatnonzero((at >= 0.0) & (at < world.params.horizon))
    event_type = event_type[keep]
    micros = world.epoch_micros(at[keep])
    return Events(
        session=session[keep],
        position=position[keep],
        type=event_type,
        product=product[keep],
        customer=np.where(logged_in[keep], customer[keep], -1),
        order=np.where(event_type == PURCHASE, order[keep], -1),
        micros=micros,
        day=world.day_of_micros(micros),
    )


def _event_times(
    rng: np.random.Generator, start: np.ndarray, size: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Session and position of each event, and its time: gaps of about
    EVENT_GAP_MEAN_SECONDS; purchase sessions end at their order."""
    session, position, first = explode(size)
    gaps = np.clip(
        rng.exponential(EVENT_GAP_MEAN_SECONDS, len(session)), *EVENT_GAP_RANGE_SECONDS
    ) + rng.random(len(session))
    gaps[position == 0] = 0.0
    cum = np.cumsum(gaps)
    offset = cum - cum[first[session]]
    duration = offset[first + size - 1]
    session_start = np.where(order >= 0, start - duration / 86400.0, start)
    return session, position, session_start[session] + offset / 86400.0


def _types_and_products(
    rng: np.random.Generator,
    orders: Orders,
    catalog: Catalog,
    position: np.ndarray,
    from_end: np.ndarray,
    order: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Event types (a session starts with a page or product view; a purchase session ends
    add_to_cart, checkout, purchase) and the product of product views and carts, by
    Zipf popularity (the ordered product in a purchase session)."""
    event_type = rng.choice(4, len(position), p=EVENT_TYPE_WEIGHTS)
    first = position == 0
    page_view_first = rng.random(int(first.sum())) < FIRST_EVENT_PAGE_VIEW_SHARE
    event_type[first] = np.where(page_view_first, PAGE_VIEW, PRODUCT_VIEW)
    purchase_session = order >= 0
    for steps_from_end, kind in ((0, PURCHASE), (1, CHECKOUT), (2, ADD_TO_CART)):
        event_type = np.where(purchase_session & (from_end == steps_from_end), kind, event_type)
    popularity = 1.0 / np.arange(1, catalog.count + 1) ** PRODUCT_POPULARITY_EXPONENT
    ranked = rng.permutation(catalog.count)
    product = ranked[rng.choice(catalog.count, len(position), p=popularity / popularity.sum())]
    ordered_product = orders.item_product[orders.first_item[np.maximum(order, 0)]]
    product = np.where(purchase_session & (from_end == 2), ordered_product, product)
    with_product = (event_type == PRODUCT_VIEW) | (event_type == ADD_TO_CART)
    return event_type, np.where(with_product, product, -1)


def _attribution(
    rng: np.random.Generator, n_sessions: int, events: Events
) -> tuple[np.ndarray, list[str | None], np.ndarray]:
    """Campaign (index into UTM_CAMPAIGNS) and referrer of each event: set on a session's
    first event, from its campaign or an organic referrer."""
    campaign = np.where(
        rng.random(n_sessions) < CAMPAIGN_SHARE,
        rng.integers(0, len(UTM_CAMPAIGNS), n_sessions),
        -1,
    )
    organic = np.where(
        rng.random(n_sessions) < ORGANIC_REFERRER_SHARE,
        rng.integers(0, len(ORGANIC_REFERRERS), n_sessions),
        -1,
    )
    first = events.position == 0
    referrer_values = [*ORGANIC_REFERRERS, *UTM_REFERRER]
    referrer = np.where(campaign >= 0, len(ORGANIC_REFERRERS) + campaign, organic)
    no_referrer = np.array([x is None for x in UTM_REFERRER])[np.maximum(campaign, 0)]
    referrer = np.where((campaign >= 0) & no_referrer, -1, referrer)
    event_campaign = np.where(first, campaign[events.session], -1)
    return event_campaign, referrer_values, np.where(first, referrer[events.session], -1)


def _urls(
    rng: np.random.Generator, catalog: Catalog, events: Events
) -> tuple[list[str], np.ndarray]:
    """The page of each event: a static page for page views, the checkout pages, or the
    product's page. Returns the pages and each event's index into them."""
    static = ["/", "/search", "/sale", "/account", "/cart", *[f"/category/{k}" for k in CATEGORIES]]
    pages = [*static, "/checkout", "/checkout/confirmation"]
    pages += [f"/product/P{PRODUCT_ID_BASE + k:05d}" for k in range(catalog.count)]
    event_type = events.type
    page = np.where(event_type == PAGE_VIEW, rng.integers(0, len(static), len(event_type)), 0)
    page = np.where(event_type == CHECKOUT, len(static), page)
    page = np.where(event_type == PURCHASE, len(static) + 1, page)
    return pages, np.where(events.product >= 0, len(static) + 2 + events.product, page)


def _event_dirt(world: World, events: Events) -> tuple[np.ndarray, ...]:
    """Dirt codes, delivery days, null-time rows and duplicates (source rows, their days).
    Late events arrive 1 to LATE_EVENT_MAX_DAYS days later, within the window."""
    params, picker, day = world.params, world.dirt_picker, events.day
    rates = DIRT_RATES["events"]
    n_events = len(day)
    dirt = np.zeros(n_events, dtype=np.int8)
    nulls = picker.inject(
        dirt, "null_required", np.ones(n_events, bool), day, rates["null_required"]
    )
    last_day = np.where(day < params.days, params.days - 1, params.horizon - 1)
    late = picker.inject(dirt, "late_event", day + 1 <= last_day, day, rates["late_event"])
    deliver = day.copy()
    room = last_day[late] - day[late]
    shift = world.rngs["web"].integers(0, np.minimum(room, LATE_EVENT_MAX_DAYS))
    deliver[late] = day[late] + 1 + shift
    src, dup_day = picker.duplicates(dirt, deliver, rates["exact_duplicate"], None, params.horizon)
    return dirt, deliver, nulls, src, dup_day
