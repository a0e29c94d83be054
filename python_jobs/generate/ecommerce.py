"""The ecommerce source (CSV files): the product catalog and its changes, orders with
their status versions, and order items.

Orders are the purchases of the customers (world.py) from the first day on. Each order's
items are drawn around its Gamma-Gamma spend; its status changes (shipped, delivered,
cancelled, returned) are exported as new versions of the order row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrays import concat, explode, normalised
from .columns import (
    as_arrow,
    csv_field,
    csv_lines,
    fixed_ids,
    int_str,
    iso_utc,
    join,
    json_bool,
    lit,
    money,
    pick,
    pick_in_groups,
    set_rows,
)
from .config import (
    CANCEL_SHARE,
    CANCELLED_AFTER_DAYS,
    COUPON_SHARE,
    DELIVERED_AFTER_DAYS,
    DELIVERED_AFTER_SHIPPED_MIN_DAYS,
    DIRT_RATES,
    DISCOUNT_WEIGHTS,
    DISCOUNTS,
    FREE_SHIPPING_FROM_EUR,
    GUEST_ORDER_SHARE,
    INACTIVE_AT_START_SHARE,
    ITEM_PRICE_SIGMA,
    ITEM_PRICE_SPREAD,
    ITEMS_PER_ORDER_WEIGHTS,
    LIST_PRICE_RANGE_EUR,
    LIST_PRICE_SIGMA,
    MIN_PRICE_CENTS,
    MIN_PRODUCT_CHANGE_EVERY_DAYS,
    MIN_PRODUCTS,
    ORDER_CHANNEL_WEIGHTS,
    ORDER_ID_BASE,
    ORDER_PHONE_SHARE,
    PAID_IN_EUR_SHARE,
    PRICE_CHANGE_FACTOR,
    PRICE_CHANGE_SHARE,
    PRODUCT_CHANGE_PERIOD_DAYS,
    PRODUCT_CHANGES_PER_PRODUCT,
    PRODUCT_CREATED_DAYS,
    PRODUCT_ID_BASE,
    PRODUCT_NAME_COLOR_SHARE,
    PRODUCT_NAME_EDITION_SHARE,
    PRODUCTS,
    QUANTITY_WEIGHTS,
    RETURN_SHARE,
    RETURNED_AFTER_DAYS,
    SHIPPED_AFTER_DAYS,
    SPEND_P,
)
from .identity import phone_text, styled_emails
from .truth import TruthRecords, bits
from .value_sets import (
    ADJECTIVES,
    CATEGORIES,
    COLORS,
    COUNTRIES,
    COUNTRY_CURRENCY,
    COUPONS,
    CURRENCIES,
    EDITIONS,
    FX_PER_EUR,
    ORDER_CHANNELS,
    ORDER_STATUSES,
    SHIPPING_CENTS,
    UNKNOWN_CURRENCIES,
    WRONG_QUANTITIES,
)
from .writers import EntityRecords, text_records

if TYPE_CHECKING:
    from .identity import Identities
    from .world import Customers, World

PLACED, SHIPPED, DELIVERED, CANCELLED, RETURNED = range(5)  # index into ORDER_STATUSES


# --------------------------------------------------------------------------------------
# Catalog and products
# --------------------------------------------------------------------------------------
@dataclass
class Catalog:
    """Every product (product i has id P{PRODUCT_ID_BASE + i}) and its changes."""

    count: int
    ids: pa.Array
    category: np.ndarray  # index into CATEGORIES
    start_cents: np.ndarray  # list price at the start (EUR cents)
    active_at_start: np.ndarray
    change_product: np.ndarray  # changes, sorted by (product, time)
    change_at: np.ndarray
    change_cents: np.ndarray  # list price after the change
    change_active: np.ndarray  # active flag after the change
    names: pa.Array
    brands: pa.Array
    created_at: np.ndarray

    def state_at(self, product: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """List price (cents) and active flag of products at times t."""
        cents = self.start_cents[product].copy()
        active = self.active_at_start[product].copy()
        if len(self.change_at):
            span = 10_000.0  # (product, time) as one sortable number: times < 10,000 days
            keys = self.change_product * span + self.change_at
            pos = np.searchsorted(keys, product * span + t, side="right") - 1
            hit = (pos >= 0) & (self.change_product[np.maximum(pos, 0)] == product)
            cents[hit] = self.change_cents[pos[hit]]
            active[hit] = self.change_active[pos[hit]]
        return cents, active

    def always_active(self) -> np.ndarray:
        """Products active at the start and never deactivated (all if there are none)."""
        always = self.active_at_start.copy()
        always[self.change_product[~self.change_active]] = False
        if not always.any():
            always[:] = True
        return always


def simulate_catalog(world: World) -> Catalog:
    """Products with a category, a list price around the category's median, a brand and a
    name; then price changes and (de)activations spread evenly over the horizon."""
    params, rng = world.params, world.rngs["catalog"]
    count = params.scaled(PRODUCTS, MIN_PRODUCTS)
    category = rng.integers(0, len(CATEGORIES), count)
    median = np.array([median for _, _, median in CATEGORIES.values()])[category]
    price = np.clip(median * rng.lognormal(0.0, LIST_PRICE_SIGMA, count), *LIST_PRICE_RANGE_EUR)
    start_cents = np.round(price).astype(np.int64) * 100 - 1  # prices end in .99
    active_at_start = rng.random(count) > INACTIVE_AT_START_SHARE
    brands, names = _product_names(rng, category)
    expected = PRODUCT_CHANGES_PER_PRODUCT * params.scale * PRODUCTS * params.horizon
    n_changes = max(
        params.horizon // MIN_PRODUCT_CHANGE_EVERY_DAYS,
        round(expected / PRODUCT_CHANGE_PERIOD_DAYS),
    )
    changes = _catalog_changes(rng, params.horizon, n_changes, start_cents, active_at_start)
    change_product, change_at, change_cents, change_active = changes
    order = np.lexsort((change_at, change_product))
    return Catalog(
        count=count,
        ids=fixed_ids("P", PRODUCT_ID_BASE + np.arange(count), 5),
        category=category,
        start_cents=start_cents,
        active_at_start=active_at_start,
        change_product=change_product[order],
        change_at=change_at[order],
        change_cents=change_cents[order],
        change_active=change_active[order],
        names=names,
        brands=brands,
        created_at=rng.uniform(*PRODUCT_CREATED_DAYS, count),
    )


def _product_names(rng: np.random.Generator, category: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Brand and "Brand Adjective Noun" name of each product. A few names carry a colour
    after a comma or a quoted edition, which the CSV file must quote."""
    count = len(category)
    brand_draw = rng.integers(0, 1 << 30, count)
    noun_draw = rng.integers(0, 1 << 30, count)
    brands = pick_in_groups([brands for brands, _, _ in CATEGORIES.values()], category, brand_draw)
    nouns = pick_in_groups([nouns for _, nouns, _ in CATEGORIES.values()], category, noun_draw)
    adjectives = pick(ADJECTIVES, rng.integers(0, len(ADJECTIVES), count))
    names = join(brands, " ", adjectives, " ", nouns)
    style = rng.random(count)
    with_color = join(names, ", ", pick(COLORS, rng.integers(0, len(COLORS), count)))
    with_edition = join(names, ' "', pick(EDITIONS, rng.integers(0, len(EDITIONS), count)), '"')
    edition_from = PRODUCT_NAME_COLOR_SHARE
    edition_to = PRODUCT_NAME_COLOR_SHARE + PRODUCT_NAME_EDITION_SHARE
    names = pc.if_else(as_arrow(style < edition_from), with_color, names)
    names = pc.if_else(
        as_arrow((style >= edition_from) & (style < edition_to)), with_edition, names
    )
    return brands, names


def _catalog_changes(
    rng: np.random.Generator,
    horizon: int,
    n_changes: int,
    start_cents: np.ndarray,
    active_at_start: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Product, time, list price and active flag after each change, in time order: price
    changes (PRICE_CHANGE_SHARE) and switches of the active flag."""
    change_at = (np.arange(n_changes) + rng.uniform(0.05, 0.95, n_changes)) * horizon / n_changes
    change_product = rng.integers(0, len(start_cents), n_changes)
    is_price_change = rng.random(n_changes) < PRICE_CHANGE_SHARE
    factor = rng.uniform(*PRICE_CHANGE_FACTOR, n_changes)
    change_cents = np.zeros(n_changes, dtype=np.int64)
    change_active = np.zeros(n_changes, dtype=bool)
    cents, active = start_cents.copy(), active_at_start.copy()
    for change in range(n_changes):  # a few hundred changes at most, sequential by nature
        product = change_product[change]
        if is_price_change[change]:
            cents[product] = max(
                MIN_PRICE_CENTS, round(cents[product] * factor[change] / 100) * 100 - 1
            )
        else:
            active[product] = not active[product]
        change_cents[change], change_active[change] = cents[product], active[product]
    return change_product, change_at, change_cents, change_active


def product_records(world: World, catalog: Catalog) -> EntityRecords:
    """The full catalog on the first day (exported as created), then one row per change."""
    product = np.concatenate([np.arange(catalog.count), catalog.change_product])
    at = np.concatenate([catalog.created_at, catalog.change_at])
    cents = np.concatenate([catalog.start_cents, catalog.change_cents])
    active = np.concatenate([catalog.active_at_start, catalog.change_active])
    secs = world.epoch_seconds(at)
    day = np.maximum(world.day_of_seconds(secs), 0)
    dirt = np.zeros(len(product), dtype=np.int8)
    src, dup_day = world.dirt_picker.duplicates(
        dirt,
        day,
        DIRT_RATES["products"]["exact_duplicate"],
        np.ones(len(product), bool),
        world.params.horizon,
    )
    fields = [
        pc.take(catalog.ids, as_arrow(product)),
        csv_field(pc.take(catalog.names, as_arrow(product))),
        pick(list(CATEGORIES), catalog.category[product]),
        csv_field(pc.take(catalog.brands, as_arrow(product))),
        money(cents),
        pick(("EUR",), np.zeros(len(product), dtype=np.int64)),
        json_bool(active),
        iso_utc(secs),
    ]
    return text_records("products", csv_lines(fields), day, dirt, secs, src, dup_day)


# --------------------------------------------------------------------------------------
# Orders and order items
# --------------------------------------------------------------------------------------
@dataclass
class OrderVersions:
    """One row per exported version of an order: placed, then each status change."""

    order: np.ndarray
    status: np.ndarray  # index into ORDER_STATUSES
    secs: np.ndarray  # unix seconds of the change (updated_at)
    day: np.ndarray  # extract day


@dataclass
class Orders:
    """Orders in time order (order i has id O{ORDER_ID_BASE + i}) and their items."""

    count: int
    customer: np.ndarray
    placed_at: np.ndarray
    placed_secs: np.ndarray
    channel: np.ndarray  # index into ORDER_CHANNELS
    currency: np.ndarray  # index into CURRENCIES
    coupon: np.ndarray  # index into COUPONS, -1 for none
    total_cents: np.ndarray
    shipping_cents: np.ndarray
    is_last_before_dropout: np.ndarray  # the customer dropped out after this order
    first_item: np.ndarray  # index of the order's first item
    item_order: np.ndarray
    item_line: np.ndarray  # 0-based line number within the order
    item_product: np.ndarray
    item_quantity: np.ndarray
    item_unit_cents: np.ndarray
    versions: OrderVersions


def simulate_orders(world: World, customers: Customers, catalog: Catalog) -> Orders:
    """The purchases from the first day on, as orders with a channel, a currency, maybe a
    coupon, items, amounts and status versions."""
    rng = world.rngs["orders"]
    in_window = customers.purchase_at >= 0
    by_time = np.argsort(customers.purchase_at[in_window], kind="stable")
    customer = customers.purchase_customer[in_window][by_time]
    placed_at = customers.purchase_at[in_window][by_time]
    count = len(placed_at)
    channel = rng.choice(len(ORDER_CHANNELS), count, p=normalised(ORDER_CHANNEL_WEIGHTS))
    local_currency = np.array([CURRENCIES.index(COUNTRY_CURRENCY[k]) for k in COUNTRIES])
    currency = local_currency[customers.country[customer]]
    currency = np.where(rng.random(count) < PAID_IN_EUR_SHARE, 0, currency)
    coupon = np.where(rng.random(count) < COUPON_SHARE, rng.integers(0, len(COUPONS), count), -1)
    items = _order_items(rng, catalog, customers.spend_rate[customer], placed_at, currency)
    item_order, item_line, first_item, quantity, product, unit_cents = items
    subtotal = np.bincount(item_order, weights=quantity * unit_cents, minlength=count)
    subtotal = np.round(subtotal).astype(np.int64)
    shipping = _shipping_cents(subtotal, currency, coupon)
    placed_secs = world.epoch_seconds(placed_at)
    return Orders(
        count=count,
        customer=customer,
        placed_at=placed_at,
        placed_secs=placed_secs,
        channel=channel,
        currency=currency,
        coupon=coupon,
        total_cents=subtotal + shipping,
        shipping_cents=shipping,
        is_last_before_dropout=customers.dropped_out_at[customer] == placed_at,
        first_item=first_item,
        item_order=item_order,
        item_line=item_line,
        item_product=product,
        item_quantity=quantity,
        item_unit_cents=unit_cents,
        versions=_order_versions(world, placed_at, placed_secs),
    )


def _order_items(
    rng: np.random.Generator,
    catalog: Catalog,
    spend_rate: np.ndarray,
    placed_at: np.ndarray,
    currency: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Items of each order: a number of lines and quantities, and products priced around
    the order's Gamma-Gamma spend per unit (active ones at the time), in its currency.
    Returns item -> order, line, each order's first item, quantity, product, unit cents."""
    count = len(placed_at)
    lines_per_order = 1 + rng.choice(8, count, p=normalised(ITEMS_PER_ORDER_WEIGHTS))
    item_order, line, first_item = explode(lines_per_order)
    n_items = len(item_order)
    quantity = 1 + rng.choice(4, n_items, p=normalised(QUANTITY_WEIGHTS))
    spend = rng.gamma(SPEND_P, 1.0 / spend_rate)  # EUR, per order
    units = np.bincount(item_order, weights=quantity, minlength=count)
    target = spend[item_order] / units[item_order] * rng.lognormal(0.0, ITEM_PRICE_SIGMA, n_items)
    by_price = np.argsort(catalog.start_cents, kind="stable")
    sorted_price = catalog.start_cents[by_price] / 100.0
    spread = rng.integers(-ITEM_PRICE_SPREAD, ITEM_PRICE_SPREAD + 1, n_items)
    product = by_price[
        np.clip(np.searchsorted(sorted_price, target) + spread, 0, catalog.count - 1)
    ]
    item_at = placed_at[item_order]
    _, active = catalog.state_at(product, item_at)
    # an inactive product is replaced by the nearest always-active one in price
    active_by_price = np.flatnonzero(catalog.always_active()[by_price])
    rank = np.argsort(by_price)[product]
    nearest = np.clip(np.searchsorted(active_by_price, rank), 0, len(active_by_price) - 1)
    product = np.where(active, product, by_price[active_by_price[nearest]])
    list_cents, _ = catalog.state_at(product, item_at)
    fx = np.array([FX_PER_EUR[k] for k in CURRENCIES])[currency[item_order]]
    discount = rng.choice(np.array(DISCOUNTS), n_items, p=DISCOUNT_WEIGHTS)
    unit_cents = np.maximum(1, np.round(list_cents * fx * (1.0 - discount))).astype(np.int64)
    return item_order, line, first_item, quantity, product, unit_cents


def _shipping_cents(subtotal: np.ndarray, currency: np.ndarray, coupon: np.ndarray) -> np.ndarray:
    """The currency's shipping fee; free from FREE_SHIPPING_FROM_EUR or with FREESHIP."""
    fx = np.array([FX_PER_EUR[k] for k in CURRENCIES])[currency]
    fee = np.array([SHIPPING_CENTS[k] for k in CURRENCIES])[currency]
    shipping = np.where(subtotal / 100.0 / fx >= FREE_SHIPPING_FROM_EUR, 0, fee)
    return np.where(coupon == COUPONS.index("FREESHIP"), 0, shipping)


def _order_versions(world: World, placed_at: np.ndarray, placed_secs: np.ndarray) -> OrderVersions:
    """Placed, then shipped and delivered, or cancelled; some delivered ones are returned.
    Changes after the horizon are not exported."""
    rng, horizon, count = world.rngs["orders"], world.params.horizon, len(placed_at)
    draw = rng.random(count)
    cancelled = draw < CANCEL_SHARE
    returned = (draw >= CANCEL_SHARE) & (draw < CANCEL_SHARE + RETURN_SHARE)
    shipped_at = placed_at + rng.uniform(*SHIPPED_AFTER_DAYS, count)
    delivered_at = np.maximum(
        placed_at + rng.uniform(*DELIVERED_AFTER_DAYS, count),
        shipped_at + DELIVERED_AFTER_SHIPPED_MIN_DAYS,
    )
    cancelled_at = placed_at + rng.uniform(*CANCELLED_AFTER_DAYS, count)
    returned_at = delivered_at + rng.uniform(*RETURNED_AFTER_DAYS, count)
    order, status, at = [np.arange(count)], [np.zeros(count, dtype=np.int64)], []
    for code, happens, when in (
        (SHIPPED, ~cancelled, shipped_at),
        (DELIVERED, ~cancelled, delivered_at),
        (CANCELLED, cancelled, cancelled_at),
        (RETURNED, returned, returned_at),
    ):
        rows = np.flatnonzero(happens & (when < horizon))
        order.append(rows)
        status.append(np.full(len(rows), code))
        at.append(when[rows])
    secs = np.concatenate([placed_secs, world.epoch_seconds(concat(at, np.float64))])
    return OrderVersions(concat(order), concat(status), secs, world.day_of_seconds(secs))


def order_records(world: World, identities: Identities, orders: Orders) -> EntityRecords:
    """One CSV row per order version: the shop account (none for a guest checkout) and
    the order's email and phone, as the buyer typed them. Dirt: wrong types, missing
    fields, a guest order without an email, unknown currencies and duplicates.
    coupon_code from the drift day."""
    rng, picker, drift_day = world.rngs["orders"], world.dirt_picker, world.params.drift_day
    versions = orders.versions
    order, day = versions.order, versions.day
    rates = DIRT_RATES["orders"]
    guest = rng.random(orders.count) < GUEST_ORDER_SHARE
    dirt = np.zeros(len(order), dtype=np.int8)
    every = np.ones(len(order), bool)
    wrong, missing, bad_currency = (
        picker.inject(dirt, kind, every, day, rates[kind])
        for kind in ("csv_wrong_type", "csv_missing_fields", "unknown_currency")
    )
    nulls = picker.inject(dirt, "null_required", guest[order], day, rates["null_required"])
    src, dup_day = picker.duplicates(
        dirt, day, rates["exact_duplicate"], day != drift_day - 1, world.params.horizon
    )
    # fields that need no CSV quoting are joined as they are; the garbled totals are
    # quoted here, the product names in the catalog through csv_field
    contact = _order_contact(rng, identities, orders, guest)
    account_col = pc.take(contact["shop_account_id"], as_arrow(order))
    email_col = pc.take(contact["email"], as_arrow(order))
    email_col = set_rows(email_col, nulls, [""] * len(nulls))
    currency_col = pick(CURRENCIES, orders.currency[order])
    unknown = list(rng.choice(UNKNOWN_CURRENCIES, len(bad_currency)))
    currency_col = set_rows(currency_col, bad_currency, unknown)
    totals = orders.total_cents[order]
    garbled = [_garbled_total(int(totals[row]), k) for k, row in enumerate(wrong)]
    fields = [
        fixed_ids("O", ORDER_ID_BASE + order, 9),
        account_col,
        pick(ORDER_STATUSES, versions.status),
        pick(ORDER_CHANNELS, orders.channel[order]),
        currency_col,
        set_rows(money(totals), wrong, garbled),
        money(orders.shipping_cents[order]),
        iso_utc(orders.placed_secs[order]),
        iso_utc(versions.secs),
        email_col,
        pc.take(contact["phone"], as_arrow(order)),
    ]
    coupon_field = join(",", pc.fill_null(pick(COUPONS, orders.coupon[order]), lit("")))
    drift_suffix = pc.if_else(as_arrow(day >= drift_day), coupon_field, lit(""))
    lines = join(pc.binary_join_element_wise(*fields, lit(",")), drift_suffix, "\n")
    lines = set_rows(lines, missing, csv_lines([pc.take(f, as_arrow(missing)) for f in fields[:3]]))
    result = text_records("orders", lines, day, dirt, versions.secs, src, dup_day)
    result.truth = TruthRecords(
        source="ecommerce.orders",
        keys=fixed_ids("O", ORDER_ID_BASE + np.arange(orders.count), 9),
        person=orders.customer,
        day=versions.day[: orders.count],
        planted=bits(guest_order=guest),
        eligible=bits(guest_order=np.ones(orders.count, bool)),
    )
    return result


def _order_contact(
    rng: np.random.Generator, identities: Identities, orders: Orders, guest: np.ndarray
) -> dict[str, pa.Array]:
    """Per order, as CSV fields: the buyer's shop account ('' for a guest), their primary
    address at the time (styled as typed) and, for ORDER_PHONE_SHARE, their phone in one
    of its notations."""
    customer = orders.customer
    account = pc.take(identities.account_ids, as_arrow(customer))
    email = styled_emails(rng, identities.email_at(customer, orders.placed_at))
    phone = phone_text(rng, identities, customer)
    no_phone = np.flatnonzero(rng.random(orders.count) >= ORDER_PHONE_SHARE)
    return {
        "shop_account_id": set_rows(account, np.flatnonzero(guest), [""] * int(guest.sum())),
        "email": csv_field(email),
        "phone": set_rows(phone, no_phone, [""] * len(no_phone)),
    }


def _garbled_total(cents: int, k: int) -> str:
    """The k-th wrongly typed total, in turn: a quoted decimal comma ending in the letter
    O, a currency prefix, or n/a."""
    decimal_comma = f'"{cents // 100},{cents % 100:02d}"'[:-2] + 'O"'
    return (decimal_comma, f"EUR {cents / 100:.2f}", "n/a")[k % 3]


def order_item_records(world: World, orders: Orders) -> EntityRecords:
    """One CSV row per item, exported once with the placed version of its order. Dirt:
    wrong types, missing fields, negative quantities and duplicates."""
    rng, picker = world.rngs["orders"], world.dirt_picker
    item_order = orders.item_order
    day = orders.versions.day[: orders.count][item_order]
    rates = DIRT_RATES["order_items"]
    dirt = np.zeros(len(item_order), dtype=np.int8)
    every = np.ones(len(item_order), dtype=bool)
    wrong, missing, negative = (
        picker.inject(dirt, kind, every, day, rates[kind])
        for kind in ("csv_wrong_type", "csv_missing_fields", "negative_quantity")
    )
    src, dup_day = picker.duplicates(
        dirt, day, rates["exact_duplicate"], every, world.params.horizon
    )
    quantity = orders.item_quantity.copy()
    quantity[negative] = -quantity[negative]
    wrong_quantities = list(rng.choice(WRONG_QUANTITIES, len(wrong)))
    placed_secs = orders.placed_secs[item_order]
    fields = [
        fixed_ids("O", ORDER_ID_BASE + item_order, 9),
        int_str(orders.item_line + 1),
        fixed_ids("P", PRODUCT_ID_BASE + orders.item_product, 5),
        set_rows(int_str(quantity), wrong, wrong_quantities),
        money(orders.item_unit_cents),
        iso_utc(placed_secs),
    ]
    lines = set_rows(
        csv_lines(fields), missing, csv_lines([pc.take(f, as_arrow(missing)) for f in fields[:3]])
    )
    sort_key = placed_secs * 16 + orders.item_line
    return text_records("order_items", lines, day, dirt, sort_key, src, dup_day)
