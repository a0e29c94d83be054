"""The world."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrays import _concat, _explode, _group_starts, _weights
from .columns import (
    _ascii,
    arr,
    csv_field,
    csv_lines,
    fixed_ids,
    hex_text,
    int_str,
    iso_utc,
    join,
    json_bool,
    json_str,
    lit,
    money,
    pick,
    pick_dict,
    set_rows,
)
from .config import (
    ANON_VISITORS_PER_DAY,
    CRM_CHANGE_RATE,
    CRM_LAG_SHARE,
    CUSTOMER_ID_BASE,
    CUSTOMERS_AT_START,
    DELETE_SHARE,
    DIRT_RATES,
    DRIFT_FRACTION,
    DROPOUT_A,
    DROPOUT_B,
    EXTRA_HORIZON_DAYS,
    FIRST_PURCHASE_AT_SIGNUP,
    GENERATOR_VERSION,
    MIN_DIRT_IN_WINDOW,
    ORDER_ID_BASE,
    PRE_WINDOW_DAYS,
    PRODUCT_CHANGES_PER_PRODUCT,
    PRODUCT_ID_BASE,
    PRODUCTS,
    PURCHASE_RATE_ALPHA,
    PURCHASE_SHAPE_R,
    SIGNUPS_PER_DAY,
    SPEND_GAMMA,
    SPEND_P,
    SPEND_Q,
    TICKET_BACKGROUND_RATE,
    TICKET_ID_BASE,
    TICKET_LAST_ORDER_BOOST,
    TICKET_PER_ORDER_BASE,
    TICKET_PER_ORDER_DROPOUT,
    WEB_DEAD_FACTOR,
    WEB_SESSION_BASE,
    WEB_SESSIONS_PER_LAMBDA,
    D,
)
from .dirt import DirtPicker
from .entities import ENTITIES, EVENTS_SCHEMA, TICKETS_SCHEMA, TS_US
from .value_sets import (
    ADJECTIVES,
    CANCEL_SHARE,
    CATEGORIES,
    CHANGE_TYPES,
    CITIES,
    COLORS,
    COUNTRIES,
    COUNTRY_CURRENCY,
    COUNTRY_DIAL,
    COUNTRY_LANGUAGE,
    COUNTRY_WEIGHTS,
    COUPON_SHARE,
    COUPONS,
    CURRENCIES,
    DEVICE_WEIGHTS,
    DEVICES,
    EMAIL_DOMAINS,
    EVENT_TYPES,
    FIRST_NAMES,
    FREE_SHIPPING_FROM_EUR,
    FX_PER_EUR,
    ITEMS_PER_ORDER_WEIGHTS,
    LANGUAGES,
    LAST_NAMES,
    ORDER_CHANNEL_WEIGHTS,
    ORDER_CHANNELS,
    ORDER_STATUSES,
    ORGANIC_REFERRERS,
    QUANTITY_WEIGHTS,
    RETURN_SHARE,
    SHIPPING_CENTS,
    TICKET_CATEGORIES,
    TICKET_CHANNEL_WEIGHTS,
    TICKET_CHANNELS,
    TICKET_DELETE_SHARE,
    TICKET_PRIORITIES,
    TICKET_PRIORITY_WEIGHTS,
    TICKET_STATUSES,
    TIER_WEIGHTS,
    TIERS,
    UNKNOWN_CURRENCIES,
    UTM_CAMPAIGNS,
    UTM_REFERRER,
    WRONG_QUANTITIES,
)
from .writers import EntityOut


# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Params:
    seed: int
    scale: float
    days: int
    start: dt.date

    @property
    def horizon(self) -> int:
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
        return (self.start - dt.date(1970, 1, 1)).days * 86400

    def day_date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=int(day))

    def scaled(self, base: float, minimum: int = 1) -> int:
        return max(minimum, round(base * self.scale))


# --------------------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------------------
@dataclass
class Customers:
    n: int
    signup: np.ndarray  # float days from start
    lam: np.ndarray  # purchases per day while alive
    pdrop: np.ndarray  # dropout probability after each purchase
    nu: np.ndarray  # Gamma-Gamma spend rate
    country: np.ndarray  # index into COUNTRIES
    crm_day: np.ndarray  # day of the customer's first CRM record
    lagged: np.ndarray  # CRM record exported 1-3 days after signup
    delete_t: np.ndarray  # deletion time or inf
    death_t: np.ndarray  # time of the purchase after which they dropped out, or inf
    purchase_c: np.ndarray  # purchases (all, also before the window): customer
    purchase_t: np.ndarray  # and time
    ids: pa.Array


@dataclass
class Catalog:
    n: int
    ids: pa.Array
    category: np.ndarray
    base_cents: np.ndarray  # list price at start (EUR cents)
    active0: np.ndarray
    ch_product: np.ndarray  # changes sorted by (product, time)
    ch_t: np.ndarray
    ch_cents: np.ndarray  # price after the change
    ch_active: np.ndarray  # active flag after the change
    names: pa.Array
    brands: pa.Array
    created_t: np.ndarray

    def state_at(self, product: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """List price (cents) and active flag of products at times t."""
        cents = self.base_cents[product].copy()
        active = self.active0[product].copy()
        if len(self.ch_t):
            span = 10_000.0
            keys = self.ch_product * span + self.ch_t
            pos = np.searchsorted(keys, product * span + t, side="right") - 1
            hit = (pos >= 0) & (self.ch_product[np.maximum(pos, 0)] == product)
            cents[hit] = self.ch_cents[pos[hit]]
            active[hit] = self.ch_active[pos[hit]]
        return cents, active


@dataclass
class Orders:
    n: int
    customer: np.ndarray
    t: np.ndarray
    secs: np.ndarray
    channel: np.ndarray
    ids: pa.Array
    first_item: np.ndarray
    item_product: np.ndarray
    n_items: np.ndarray
    final_before_death: np.ndarray


class World:
    def __init__(self, params: Params, on_step=None) -> None:
        self.p = params
        seq = np.random.SeedSequence([params.seed, GENERATOR_VERSION])
        names = ("customers", "purchases", "catalog", "orders", "crm", "web", "support", "dirt")
        self.rngs = dict(
            zip(names, (np.random.default_rng(s) for s in seq.spawn(len(names))), strict=True)
        )
        self.picker = DirtPicker(self.rngs["dirt"], params.days)
        self.on_step = on_step or (lambda _name: None)
        self.out: dict[str, EntityOut] = {}
        self.stats: dict[str, float] = {}  # diagnostics of the simulation

    def secs(self, t: np.ndarray) -> np.ndarray:
        return self.p.start_epoch + np.floor(np.asarray(t) * 86400.0).astype(np.int64)

    def day_of_secs(self, secs: np.ndarray) -> np.ndarray:
        return (np.asarray(secs) - self.p.start_epoch) // 86400

    def build(self) -> World:
        self.on_step("customers")
        self.cust = self._customers()
        self.on_step("products")
        self.catalog = self._catalog()
        self._products_out()
        self.on_step("orders")
        self.orders = self._orders()
        self.on_step("crm")
        self._crm()
        self.on_step("web events")
        self._events()
        self.on_step("support tickets")
        self._tickets()
        return self

    # ---------------------------------------------------------------- customers
    def _customers(self) -> Customers:
        p, rng, H = self.p, self.rngs["customers"], self.p.horizon
        n_pre = p.scaled(CUSTOMERS_AT_START, 20)
        n_new = p.scaled(SIGNUPS_PER_DAY * H, 20)
        signup = np.sort(
            np.concatenate([rng.uniform(-PRE_WINDOW_DAYS, 0.0, n_pre), rng.uniform(0.0, H, n_new)])
        )
        n = len(signup)
        lam = rng.gamma(PURCHASE_SHAPE_R, 1.0 / PURCHASE_RATE_ALPHA, n)
        pdrop = rng.beta(DROPOUT_A, DROPOUT_B, n)
        nu = rng.gamma(SPEND_Q, 1.0 / SPEND_GAMMA, n)
        country = rng.choice(len(COUNTRIES), n, p=_weights(COUNTRY_WEIGHTS[c] for c in COUNTRIES))

        # CRM export lag of some new customers: their first record arrives 1-3 days late
        signup_day = np.floor(signup).astype(np.int64)
        new = signup >= 0
        lagged = np.zeros(n, dtype=bool)
        for stratum, minimum in (
            (new & (signup_day < p.days), 3),
            (new & (signup_day >= p.days), 0),
        ):
            cand = np.flatnonzero(stratum)
            k = min(len(cand), max(minimum, round(CRM_LAG_SHARE * len(cand))))
            lagged[rng.choice(cand, size=k, replace=False)] = True
        crm_day = np.where(new, signup_day, 0) + lagged * rng.integers(1, 4, n)

        # deletions: ~1% of the customers over the window, at least 7 days after signup
        delete_t = np.full(n, np.inf)
        earliest = np.maximum(signup + 7.0, 0.0)
        for lo, hi, share, minimum in (
            (0, p.days, DELETE_SHARE, 2),
            (p.days, H, DELETE_SHARE * (H - p.days) / p.days, 0),
        ):
            cand = np.flatnonzero((earliest < hi) & ~np.isfinite(delete_t))
            exist = int((signup < hi).sum())
            k = min(len(cand), max(minimum, round(share * exist)))
            chosen = rng.choice(cand, size=k, replace=False)
            start = np.maximum(earliest[chosen], lo)
            delete_t[chosen] = rng.uniform(start, hi)

        # buy till you die, from signup (purchases before the window decide who is alive)
        prng = self.rngs["purchases"]
        first_buy = new & ((prng.random(n) < FIRST_PURCHASE_AT_SIGNUP) | lagged)
        stop = np.minimum(delete_t, H)
        death_t = np.full(n, np.inf)
        idx = np.arange(n)
        t = signup + np.where(first_buy, prng.exponential(0.02, n), prng.exponential(1.0 / lam))
        out_c, out_t = [], []
        while len(idx):
            keep = t < stop[idx]
            idx, t = idx[keep], t[keep]
            if not len(idx):
                break
            out_c.append(idx)
            out_t.append(t)
            dies = prng.random(len(idx)) < pdrop[idx]
            death_t[idx[dies]] = t[dies]
            idx, t = idx[~dies], t[~dies]
            t = t + prng.exponential(1.0 / lam[idx])
        purchase_c = _concat(out_c)
        purchase_t = _concat(out_t, np.float64)
        return Customers(
            n=n,
            signup=signup,
            lam=lam,
            pdrop=pdrop,
            nu=nu,
            country=country,
            crm_day=crm_day,
            lagged=lagged,
            delete_t=delete_t,
            death_t=death_t,
            purchase_c=purchase_c,
            purchase_t=purchase_t,
            ids=fixed_ids("C", CUSTOMER_ID_BASE + np.arange(n), 7),
        )

    # ---------------------------------------------------------------- products
    def _catalog(self) -> Catalog:
        p, rng, H = self.p, self.rngs["catalog"], self.p.horizon
        n = p.scaled(PRODUCTS, 50)
        cats = list(CATEGORIES)
        category = rng.integers(0, len(cats), n)
        median = np.array([CATEGORIES[c][2] for c in cats])[category]
        price = np.clip(median * rng.lognormal(0.0, 0.8, n), 2.0, 1500.0)
        base_cents = np.round(price).astype(np.int64) * 100 - 1
        active0 = rng.random(n) > 0.03

        brand_names, name_list = [], []
        for i in range(len(cats)):
            brands, nouns, _ = CATEGORIES[cats[i]]
            brand_names.append(brands)
            name_list.append(nouns)
        b_idx = rng.integers(0, 1 << 30, n)
        n_idx = rng.integers(0, 1 << 30, n)
        brand_flat = [b for bs in brand_names for b in bs]
        brand_off = np.cumsum([0] + [len(bs) for bs in brand_names])[:-1]
        noun_flat = [x for ns in name_list for x in ns]
        noun_off = np.cumsum([0] + [len(ns) for ns in name_list])[:-1]
        brand_counts = np.array([len(bs) for bs in brand_names])
        noun_counts = np.array([len(ns) for ns in name_list])
        brands = pick(brand_flat, brand_off[category] + b_idx % brand_counts[category])
        nouns = pick(noun_flat, noun_off[category] + n_idx % noun_counts[category])
        adjectives = pick(ADJECTIVES, rng.integers(0, len(ADJECTIVES), n))
        names = join(brands, " ", adjectives, " ", nouns)
        style = rng.random(n)
        with_color = join(names, ", ", pick(COLORS, rng.integers(0, len(COLORS), n)))
        with_quote = join(
            names, ' "', pick(("Limited", "Edition 2", "XL"), rng.integers(0, 3, n)), '"'
        )
        names = pc.if_else(arr(style < 0.06), with_color, names)
        names = pc.if_else(arr((style >= 0.06) & (style < 0.08)), with_quote, names)

        # changes, spread evenly over the horizon: price changes and (de)activations
        n_changes = max(H // 3, round(PRODUCT_CHANGES_PER_PRODUCT * p.scale * PRODUCTS * H / 180))
        ch_t = (np.arange(n_changes) + rng.uniform(0.05, 0.95, n_changes)) * H / n_changes
        ch_product = rng.integers(0, n, n_changes)
        kind_price = rng.random(n_changes) < 0.75
        factor = rng.uniform(0.8, 1.2, n_changes)
        ch_cents = np.zeros(n_changes, dtype=np.int64)
        ch_active = np.zeros(n_changes, dtype=bool)
        cur_cents, cur_active = base_cents.copy(), active0.copy()
        for k in range(n_changes):  # a few hundred changes at most, sequential by nature
            j = ch_product[k]
            if kind_price[k]:
                cur_cents[j] = max(199, round(cur_cents[j] * factor[k] / 100) * 100 - 1)
            else:
                cur_active[j] = not cur_active[j]
            ch_cents[k], ch_active[k] = cur_cents[j], cur_active[j]
        order = np.lexsort((ch_t, ch_product))
        return Catalog(
            n=n,
            ids=fixed_ids("P", PRODUCT_ID_BASE + np.arange(n), 5),
            category=category,
            base_cents=base_cents,
            active0=active0,
            ch_product=ch_product[order],
            ch_t=ch_t[order],
            ch_cents=ch_cents[order],
            ch_active=ch_active[order],
            names=names,
            brands=brands,
            created_t=rng.uniform(-400.0, -1.0, n),
        )

    def _products_out(self) -> None:
        cat, p = self.catalog, self.p
        # the initial full catalog (day 0), then one row per change
        prod = np.concatenate([np.arange(cat.n), cat.ch_product])
        t = np.concatenate([cat.created_t, cat.ch_t])
        cents = np.concatenate([cat.base_cents, cat.ch_cents])
        active = np.concatenate([cat.active0, cat.ch_active])
        secs = self.secs(t)
        day = np.maximum(self.day_of_secs(secs), 0)
        dirt = np.zeros(len(prod), dtype=np.int8)
        src, dup_day = self.picker.duplicates(
            dirt,
            day,
            DIRT_RATES["products"]["exact_duplicate"],
            np.ones(len(prod), bool),
            p.horizon,
        )
        cats = list(CATEGORIES)
        fields = [
            pc.take(cat.ids, arr(prod)),
            csv_field(pc.take(cat.names, arr(prod))),
            pick(cats, cat.category[prod]),
            csv_field(pc.take(cat.brands, arr(prod))),
            money(cents),
            pick(("EUR",), np.zeros(len(prod), dtype=np.int64)),
            json_bool(active),
            iso_utc(secs),
        ]
        lines = csv_lines(fields)
        self.out["products"] = self._finish_lines("products", lines, day, dirt, secs, src, dup_day)

    def _finish_lines(
        self,
        entity: str,
        lines: pa.Array,
        day: np.ndarray,
        dirt: np.ndarray,
        sort_key: np.ndarray,
        dup_src: np.ndarray,
        dup_day: np.ndarray,
    ) -> EntityOut:
        """Append the duplicates and sort everything by delivery day, then by sort_key."""
        all_lines = pa.concat_arrays(
            [lines, pc.take(lines, arr(np.asarray(dup_src, dtype=np.int64)))]
        )
        all_day = np.concatenate([day, dup_day]).astype(np.int64)
        all_dirt = np.concatenate([dirt, np.full(len(dup_src), D["exact_duplicate"], np.int8)])
        key = np.concatenate([sort_key, sort_key[dup_src]])
        tie = np.concatenate([np.arange(len(day)), dup_src])
        order = np.lexsort((tie, key, all_day))
        spec = ENTITIES[entity]
        header = ",".join(c for c in spec.columns if c != spec.drift_column) + "\n"
        header_drift = ",".join(spec.columns) + "\n"
        return EntityOut(
            day=all_day[order],
            dirt=all_dirt[order],
            lines=pc.take(all_lines, arr(order)).combine_chunks()
            if isinstance(all_lines, pa.ChunkedArray)
            else pc.take(all_lines, arr(order)),
            header=header.encode() if spec.fmt == "csv" else b"",
            header_drift=header_drift.encode() if spec.fmt == "csv" else b"",
        )

    # ---------------------------------------------------------------- orders
    def _orders(self) -> Orders:
        p, rng, c, cat = self.p, self.rngs["orders"], self.cust, self.catalog
        H = p.horizon
        keep = c.purchase_t >= 0
        order = np.argsort(c.purchase_t[keep], kind="stable")
        cust = c.purchase_c[keep][order]
        t = c.purchase_t[keep][order]
        n = len(t)
        secs = self.secs(t)
        final_before_death = c.death_t[cust] == t

        channel = rng.choice(3, n, p=_weights(ORDER_CHANNEL_WEIGHTS))
        cur_names = list(CURRENCIES)
        currency = np.array([cur_names.index(COUNTRY_CURRENCY[k]) for k in COUNTRIES])[
            c.country[cust]
        ]
        currency = np.where(rng.random(n) < 0.10, 0, currency)  # some pay in EUR anyway
        coupon = np.where(rng.random(n) < COUPON_SHARE, rng.integers(0, len(COUPONS), n), -1)

        # items: products chosen around the Gamma-Gamma spend target
        n_items = 1 + rng.choice(8, n, p=_weights(ITEMS_PER_ORDER_WEIGHTS))
        item_order, pos, first_item = _explode(n_items)
        m = len(item_order)
        qty = 1 + rng.choice(4, m, p=_weights(QUANTITY_WEIGHTS))
        spend = rng.gamma(SPEND_P, 1.0 / c.nu[cust])  # EUR, per order
        units = np.bincount(item_order, weights=qty, minlength=n)
        target = spend[item_order] / units[item_order] * rng.lognormal(0.0, 0.35, m)
        by_price = np.argsort(cat.base_cents, kind="stable")
        sorted_price = cat.base_cents[by_price] / 100.0
        spot = np.searchsorted(sorted_price, target) + rng.integers(-12, 13, m)
        product = by_price[np.clip(spot, 0, cat.n - 1)]
        item_t = t[item_order]
        list_cents, active = cat.state_at(product, item_t)
        # an inactive product is replaced by the nearest always-active one in price
        always = cat.active0.copy()
        always[cat.ch_product[~cat.ch_active]] = False
        if not always.any():
            always[:] = True
        ok_sorted = np.flatnonzero(always[by_price])
        rank = np.argsort(by_price)[product]
        near = ok_sorted[np.clip(np.searchsorted(ok_sorted, rank), 0, len(ok_sorted) - 1)]
        product = np.where(active, product, by_price[near])
        list_cents, _ = cat.state_at(product, item_t)
        fx = np.array([FX_PER_EUR[k] for k in CURRENCIES])[currency[item_order]]
        discount = rng.choice(np.array([0.0, 0.05, 0.10, 0.15]), m, p=[0.8, 0.1, 0.06, 0.04])
        unit_cents = np.maximum(1, np.round(list_cents * fx * (1.0 - discount))).astype(np.int64)
        subtotal = np.bincount(item_order, weights=qty * unit_cents, minlength=n)
        subtotal = np.round(subtotal).astype(np.int64)
        fx_order = np.array([FX_PER_EUR[k] for k in CURRENCIES])[currency]
        ship_table = np.array([SHIPPING_CENTS[k] for k in CURRENCIES])
        shipping = np.where(
            subtotal / 100.0 / fx_order >= FREE_SHIPPING_FROM_EUR, 0, ship_table[currency]
        )
        shipping = np.where(coupon == COUPONS.index("FREESHIP"), 0, shipping)
        total = subtotal + shipping
        order_nums = ORDER_ID_BASE + np.arange(n)
        ids = fixed_ids("O", order_nums, 9)

        # status versions
        u = rng.random(n)
        cancelled = u < CANCEL_SHARE
        returned = (u >= CANCEL_SHARE) & (u < CANCEL_SHARE + RETURN_SHARE)
        t_ship = t + rng.uniform(1.0, 2.0, n)
        t_deliv = np.maximum(t + rng.uniform(2.0, 5.0, n), t_ship + 0.25)
        t_cancel = t + rng.uniform(0.02, 1.0, n)
        t_return = t_deliv + rng.uniform(3.0, 20.0, n)
        v_order = [np.arange(n)]
        v_status = [np.zeros(n, dtype=np.int64)]
        v_t = [t]
        for status, mask, when in (
            (1, ~cancelled, t_ship),
            (2, ~cancelled, t_deliv),
            (3, cancelled, t_cancel),
            (4, returned, t_return),
        ):
            sel = np.flatnonzero(mask & (when < H))
            v_order.append(sel)
            v_status.append(np.full(len(sel), status))
            v_t.append(when[sel])
        vo = _concat(v_order)
        vs = _concat(v_status)
        vsecs = np.concatenate([secs, self.secs(_concat(v_t[1:], np.float64))])
        vday = self.day_of_secs(vsecs)
        vcust = cust[vo]

        # orders dirt (one kind per row); unknown_customer is a fact, not injected
        rates = DIRT_RATES["orders"]
        dirt = np.zeros(len(vo), dtype=np.int8)
        dirt[vday < c.crm_day[vcust]] = D["unknown_customer"]
        pk = self.picker
        wrong = pk.inject(
            dirt, "csv_wrong_type", np.ones(len(vo), bool), vday, rates["csv_wrong_type"]
        )
        missing = pk.inject(
            dirt, "csv_missing_fields", np.ones(len(vo), bool), vday, rates["csv_missing_fields"]
        )
        nulls = pk.inject(
            dirt, "null_required", np.ones(len(vo), bool), vday, rates["null_required"]
        )
        badcur = pk.inject(
            dirt, "unknown_currency", np.ones(len(vo), bool), vday, rates["unknown_currency"]
        )
        drift = p.drift_day
        src, dup_day = pk.duplicates(dirt, vday, rates["exact_duplicate"], vday != drift - 1, H)

        # fields that need no CSV quoting are joined as they are; the garbled totals are
        # quoted here, the product names in the catalog through csv_field
        cust_col = fixed_ids("C", CUSTOMER_ID_BASE + vcust, 7)
        cust_col = set_rows(cust_col, nulls, [""] * len(nulls))
        cur_col = pick(CURRENCIES, currency[vo])
        cur_col = set_rows(cur_col, badcur, list(rng.choice(UNKNOWN_CURRENCIES, len(badcur))))
        garbled = []
        for k, row in enumerate(wrong):  # a few per thousand rows
            cents = int(total[vo[row]])
            garbled.append(
                (
                    f'"{cents // 100},{cents % 100:02d}"'[:-2] + 'O"',
                    f"EUR {cents / 100:.2f}",
                    "n/a",
                )[k % 3]
            )
        total_col = set_rows(money(total[vo]), wrong, garbled)
        fields = [
            fixed_ids("O", ORDER_ID_BASE + vo, 9),
            cust_col,
            pick(ORDER_STATUSES, vs),
            pick(ORDER_CHANNELS, channel[vo]),
            cur_col,
            total_col,
            money(shipping[vo]),
            iso_utc(secs[vo]),
            iso_utc(vsecs),
        ]
        coupon_field = join(",", pc.fill_null(pick(COUPONS, coupon[vo]), lit("")))
        suffix = pc.if_else(arr(vday >= drift), coupon_field, lit(""))
        lines = join(pc.binary_join_element_wise(*fields, lit(",")), suffix, "\n")
        short = csv_lines([pc.take(f, arr(missing)) for f in fields[:3]])
        lines = set_rows(lines, missing, short)
        self.out["orders"] = self._finish_lines("orders", lines, vday, dirt, vsecs, src, dup_day)

        # order items, exported once with the placed version
        iday = vday[:n][item_order]
        irates = DIRT_RATES["order_items"]
        idirt = np.zeros(m, dtype=np.int8)
        every = np.ones(m, dtype=bool)
        iwrong = pk.inject(idirt, "csv_wrong_type", every, iday, irates["csv_wrong_type"])
        imissing = pk.inject(idirt, "csv_missing_fields", every, iday, irates["csv_missing_fields"])
        ineg = pk.inject(idirt, "negative_quantity", every, iday, irates["negative_quantity"])
        isrc, idup_day = pk.duplicates(idirt, iday, irates["exact_duplicate"], every, H)
        signed = qty.copy()
        signed[ineg] = -qty[ineg]
        qty_col = set_rows(int_str(signed), iwrong, list(rng.choice(WRONG_QUANTITIES, len(iwrong))))
        ifields = [
            fixed_ids("O", ORDER_ID_BASE + item_order, 9),
            int_str(pos + 1),
            fixed_ids("P", PRODUCT_ID_BASE + product, 5),
            qty_col,
            money(unit_cents),
            iso_utc(secs[item_order]),
        ]
        ilines = csv_lines(ifields)
        ishort = csv_lines([pc.take(f, arr(imissing)) for f in ifields[:3]])
        ilines = set_rows(ilines, imissing, ishort)
        isort = secs[item_order] * 16 + pos
        self.out["order_items"] = self._finish_lines(
            "order_items", ilines, iday, idirt, isort, isrc, idup_day
        )
        return Orders(
            n=n,
            customer=cust,
            t=t,
            secs=secs,
            channel=channel,
            ids=ids,
            first_item=first_item,
            item_product=product,
            n_items=n_items,
            final_before_death=final_before_death,
        )

    # ---------------------------------------------------------------- CRM
    def _crm(self) -> None:
        p, rng, c = self.p, self.rngs["crm"], self.cust
        H, n = p.horizon, c.n
        codes = list(COUNTRIES)
        # customer attributes
        first = rng.integers(0, len(FIRST_NAMES), n)
        last = rng.integers(0, len(LAST_NAMES), n)
        city_off = np.cumsum([0] + [len(CITIES[k]) for k in codes])[:-1]
        city_n = np.array([len(CITIES[k]) for k in codes])
        city_flat = [x for k in codes for x in CITIES[k]]
        tier = rng.choice(4, n, p=_weights(TIER_WEIGHTS))
        consent = rng.random(n) < 0.55
        lang_codes = np.array([LANGUAGES.index(COUNTRY_LANGUAGE[k]) for k in codes])[c.country]
        swiss = (c.country == codes.index("CH")) & (rng.random(n) < 0.3)
        lang_codes = np.where(swiss, LANGUAGES.index("fr"), lang_codes)
        lang_codes = np.where(rng.random(n) < 0.03, -1, lang_codes)

        # records: full export of existing customers on day 0, creations, changes, tombstones
        existing = c.signup < 0
        r_cust = [np.flatnonzero(existing), np.flatnonzero(~existing)]
        r_t = [rng.uniform(c.signup[existing], 0.0), c.signup[~existing]]
        r_kind = [np.zeros(int(existing.sum())), np.zeros(int((~existing).sum()))]
        lo = np.maximum(c.signup + 7.0, 0.0)
        hi = np.minimum(c.delete_t, H)
        n_changes = rng.poisson(CRM_CHANGE_RATE * np.clip(hi - lo, 0.0, None))
        ch_cust = np.repeat(np.arange(n), n_changes)
        ch_t = rng.uniform(lo[ch_cust], hi[ch_cust])
        # tiny windows: a few extra changes so the change-only dirt kinds can appear
        window_hi = np.minimum(hi, p.days)
        short = 3 * MIN_DIRT_IN_WINDOW - int((ch_t < p.days).sum())
        cand = np.flatnonzero(lo < window_hi)
        if short > 0 and len(cand):
            extra = rng.choice(cand, size=short)
            ch_cust = np.concatenate([ch_cust, extra])
            ch_t = np.concatenate([ch_t, rng.uniform(lo[extra], window_hi[extra])])
        r_cust.append(ch_cust)
        r_t.append(ch_t)
        r_kind.append(1 + rng.choice(5, len(ch_cust), p=[0.35, 0.2, 0.15, 0.25, 0.05]))
        deleted = np.flatnonzero(np.isfinite(c.delete_t))
        r_cust.append(deleted)
        r_t.append(c.delete_t[deleted])
        r_kind.append(np.full(len(deleted), 9))
        rc = _concat(r_cust)
        rt = _concat(r_t, np.float64)
        rk = _concat(r_kind)
        order = np.lexsort((rk == 9, rt, rc))
        rc, rt, rk = rc[order], rt[order], rk[order]
        nr = len(rc)
        gstart = _group_starts(rc)
        is_first = np.arange(nr) == gstart
        secs = self.secs(rt)
        day = np.where(is_first, c.crm_day[rc], self.day_of_secs(secs))
        day = np.maximum(day, 0)

        def carried(kind: int) -> np.ndarray:
            """Index of the latest change of this kind at or before each record, else -1."""
            last_pos = np.maximum.accumulate(np.where(rk == kind, np.arange(nr), -1))
            return np.where(last_pos >= gstart, last_pos, -1)

        def emails(count: int) -> pa.Array:
            f = pick([_ascii(x) for x in FIRST_NAMES], rng.integers(0, len(FIRST_NAMES), count))
            la = pick([_ascii(x) for x in LAST_NAMES], rng.integers(0, len(LAST_NAMES), count))
            num = int_str(rng.integers(1, 100, count))
            dom = pick(EMAIL_DOMAINS, rng.integers(0, len(EMAIL_DOMAINS), count))
            local = pc.choose(
                arr(rng.integers(0, 4, count).astype(np.int8)),
                join(f, ".", la),
                join(f, ".", la, num),
                join(pc.utf8_slice_codeunits(f, 0, 1), la),
                join(f, "_", la, num),
            )
            address = join(local, "@", dom)
            style = rng.random(count)
            address = pc.if_else(arr(style < 0.08), pc.utf8_title(address), address)
            address = pc.if_else(
                arr((style >= 0.08) & (style < 0.10)), pc.utf8_upper(address), address
            )
            address = pc.if_else(arr((style >= 0.10) & (style < 0.12)), join(" ", address), address)
            address = pc.if_else(arr((style >= 0.12) & (style < 0.13)), join(address, " "), address)
            return address

        def phones(country: np.ndarray) -> pa.Array:
            count = len(country)
            dial = pick([COUNTRY_DIAL[k] for k in codes], country)
            a = int_str(rng.integers(150, 180, count))
            b = int_str(rng.integers(1_000_000, 10_000_000, count))
            return pc.choose(
                arr(rng.integers(0, 4, count).astype(np.int8)),
                join("+", dial, " ", a, " ", b),
                join("0", a, " ", b),
                join("+", dial, "-", a, "-", b),
                join("(0", a, ") ", b),
            )

        def attribute(kind: int, initial: pa.Array, changed: pa.Array) -> pa.Array:
            pos = carried(kind)
            return pc.take(
                pa.concat_arrays([initial, changed]), arr(np.where(pos >= 0, n + pos, rc))
            )

        cities0 = pick(
            city_flat, city_off[c.country] + rng.integers(0, 1 << 30, n) % city_n[c.country]
        )
        cities1 = pick(
            city_flat,
            city_off[c.country[rc]] + rng.integers(0, 1 << 30, nr) % city_n[c.country[rc]],
        )
        tier_col = attribute(
            1, pick(TIERS, tier), pick(TIERS, rng.choice(4, nr, p=_weights(TIER_WEIGHTS)))
        )
        city_col = attribute(2, cities0, cities1)
        email_col = attribute(3, emails(n), emails(nr))
        n_toggles = np.cumsum(rk == 4) - np.concatenate([[0], np.cumsum(rk == 4)])[gstart]
        consent_col = json_bool(consent[rc] ^ (n_toggles % 2 == 1))
        phone_col = attribute(5, phones(c.country), phones(c.country[rc]))
        # each customer's country is written in one of its spellings, kept across records
        country_flat = [s for k in codes for s in COUNTRIES[k]]
        country_off = np.cumsum([0] + [len(COUNTRIES[k]) for k in codes])[:-1]
        country_n = np.array([len(COUNTRIES[k]) for k in codes])
        spelling = country_off[c.country] + rng.integers(0, 1 << 30, n) % country_n[c.country]
        country_col = pick(country_flat, spelling[rc])

        # dirt: malformed lines and null ids only on change records, so every customer
        # keeps a readable first record; nothing on tombstones
        rates = DIRT_RATES["customers"]
        dirt = np.zeros(nr, dtype=np.int8)
        change = (rk >= 1) & (rk <= 5)
        pk = self.picker
        malformed = pk.inject(dirt, "malformed_json", change, day, rates["malformed_json"])
        nulls = pk.inject(dirt, "null_required", change, day, rates["null_required"])
        bad_email = pk.inject(dirt, "invalid_email", rk != 9, day, rates["invalid_email"])
        src, dup_day = pk.duplicates(dirt, day, rates["exact_duplicate"], day != p.drift_day - 1, H)

        variants = pc.take(email_col, arr(np.asarray(bad_email, dtype=np.int64)))
        which = arr((np.arange(len(bad_email)) % 4).astype(np.int8))
        broken = pc.choose(
            which,
            pc.replace_substring(variants, "@", "."),
            pc.replace_substring_regex(variants, r"@.*$", "@"),
            pc.replace_substring_regex(variants, r"\.([A-Za-z]+)(\s*)$", r"..\1\2"),
            pc.replace_substring(variants, "@", "@@"),
        )
        email_col = set_rows(email_col, bad_email, broken)
        id_col = pc.take(c.ids, arr(rc))
        id_col = set_rows(id_col, nulls, pa.nulls(len(nulls), pa.string()))

        parts: list[pa.Array | str] = []
        values = [
            json_str(id_col),
            json_str(pick(FIRST_NAMES, first[rc])),
            json_str(pick(LAST_NAMES, last[rc])),
            json_str(email_col),
            json_str(phone_col),
            json_str(country_col),
            json_str(city_col),
            json_str(tier_col),
            consent_col,
            json_str(iso_utc(self.secs(c.signup[rc]))),
            json_str(iso_utc(secs)),
            json_bool(rk == 9),
        ]
        for k, (name, value) in enumerate(zip(ENTITIES["customers"].columns, values, strict=False)):
            parts += [("{" if k == 0 else ",") + f'"{name}":', value]
        plain = join(*parts, "}\n")
        lang = json_str(pick(LANGUAGES, lang_codes[rc]))
        drifted = join(*parts, ',"preferred_language":', lang, "}\n")
        lines = pc.if_else(arr(day >= p.drift_day), drifted, plain)
        cut = []
        for row in malformed:  # a few hundred at most: truncate mid-object
            text = lines[int(row)].as_py()
            stop = int(rng.integers(12, max(13, len(text) - 8)))
            cut.append(text[:stop] + "\n")
        lines = set_rows(lines, malformed, cut)
        self.out["customers"] = self._finish_lines(
            "customers", lines, day, dirt, secs, src, dup_day
        )

    # ---------------------------------------------------------------- web events
    def _events(self) -> None:
        p, rng, c, o, cat = self.p, self.rngs["web"], self.cust, self.orders, self.catalog
        H, n = p.horizon, c.n
        # browsers: one per customer, a second one for 30%, then the anonymous visitors
        has_second = rng.random(n) < 0.3
        second = np.full(n, -1)
        second[has_second] = n + np.arange(int(has_second.sum()))
        n_cust_browsers = n + int(has_second.sum())
        n_anon = p.scaled(ANON_VISITORS_PER_DAY * H, 10)
        n_browsers = n_cust_browsers + n_anon
        device = rng.choice(3, n_browsers, p=_weights(DEVICE_WEIGHTS))

        s_start, s_n, s_browser, s_cust, s_mode, s_order = [], [], [], [], [], []

        def session_sizes(count: int) -> np.ndarray:
            return np.minimum(20, rng.geometric(1 / 4.2, count))

        def add(start, size, browser, cust, mode, order) -> None:
            s_start.append(np.asarray(start, dtype=np.float64))
            s_n.append(np.asarray(size, dtype=np.int64))
            s_browser.append(np.asarray(browser, dtype=np.int64))
            s_cust.append(np.asarray(cust, dtype=np.int64))
            s_mode.append(np.asarray(mode, dtype=np.int64))
            s_order.append(np.asarray(order, dtype=np.int64))

        def browser_of(cust: np.ndarray) -> np.ndarray:
            use_second = (second[cust] >= 0) & (rng.random(len(cust)) < 0.25)
            return np.where(use_second, second[cust], cust)

        # regular sessions: alive customers at a rate tied to their purchase rate,
        # a small fraction of it after they dropped out
        rate = WEB_SESSION_BASE + WEB_SESSIONS_PER_LAMBDA * c.lam
        end = np.minimum(c.delete_t, H)
        alive_lo = np.maximum(c.signup, -0.1)
        alive_hi = np.minimum(c.death_t, end)
        dead_lo = np.maximum(c.death_t, -0.1)
        for lo, hi, factor in ((alive_lo, alive_hi, 1.0), (dead_lo, end, WEB_DEAD_FACTOR)):
            span = np.clip(hi - lo, 0.0, None)
            span[~np.isfinite(span)] = 0.0
            count = rng.poisson(factor * rate * span)
            who = np.repeat(np.arange(n), count)
            start = rng.uniform(lo[who], hi[who])
            k = len(who)
            mode = rng.choice(3, k, p=[0.2, 0.7, 0.1])  # 0 anonymous, 1 logged in, 2 logs in
            add(start, session_sizes(k), browser_of(who), who, mode, np.full(k, -1))

        # anonymous browsing before signing up, then the signup session (logs in mid-way)
        new = np.flatnonzero(c.signup >= -14.0)
        pre = rng.choice(4, len(new), p=[0.4, 0.3, 0.2, 0.1])
        who = np.repeat(new, pre)
        add(
            c.signup[who] - rng.uniform(0.05, 14.0, len(who)),
            session_sizes(len(who)),
            who,
            who,
            np.zeros(len(who)),
            np.full(len(who), -1),
        )
        add(
            c.signup[new] - rng.uniform(2.0, 10.0, len(new)) / 1440.0,
            rng.integers(2, 9, len(new)),
            new,
            new,
            np.ones(len(new)),
            np.full(len(new), -1),
        )

        # purchase sessions: every web/app order ends a session with a purchase event
        online = np.flatnonzero(o.channel < 2)
        oc = o.customer[online]
        browser = np.where(o.channel[online] == 1, oc, browser_of(oc))
        add(
            o.t[online],  # anchored at the end below
            3 + np.minimum(17, rng.geometric(1 / 3.0, len(online)) - 1),
            browser,
            oc,
            1 + (rng.random(len(online)) < 0.15),
            online,
        )

        # visitors who never log in
        first_seen = rng.uniform(-30.0, H, n_anon)
        visits = rng.geometric(0.45, n_anon)
        who = np.repeat(np.arange(n_anon), visits)
        _, vpos, vstart = _explode(visits)
        gap = np.where(vpos == 0, 0.0, rng.exponential(6.0, len(who)))
        cum_gap = np.cumsum(gap)
        start = first_seen[who] + cum_gap - cum_gap[vstart[who]]
        add(
            start,
            session_sizes(len(who)),
            n_cust_browsers + who,
            np.full(len(who), -1),
            np.zeros(len(who)),
            np.full(len(who), -1),
        )

        ss = _concat(s_start, np.float64)
        sn = _concat(s_n)
        sb = _concat(s_browser)
        sc = _concat(s_cust)
        sm = _concat(s_mode)
        so = _concat(s_order)
        n_sessions = len(ss)
        sess, pos, starts = _explode(sn)
        gaps = np.clip(rng.exponential(50.0, len(sess)), 1.0, 600.0) + rng.random(len(sess))
        gaps[pos == 0] = 0.0
        cum = np.cumsum(gaps)
        offset = cum - cum[starts[sess]]
        last = offset[starts + sn - 1]
        anchored = so >= 0
        session_t0 = np.where(anchored, ss - last / 86400.0, ss)
        t = session_t0[sess] + offset / 86400.0
        ev_cust = sc[sess]
        ev_order = so[sess]
        from_end = sn[sess] - 1 - pos

        etype = rng.choice(4, len(sess), p=[0.40, 0.45, 0.12, 0.03])
        etype[pos == 0] = np.where(rng.random(int((pos == 0).sum())) < 0.7, 0, 1)
        purchase_session = ev_order >= 0
        etype = np.where(purchase_session & (from_end == 0), 4, etype)
        etype = np.where(purchase_session & (from_end == 1), 3, etype)
        etype = np.where(purchase_session & (from_end == 2), 2, etype)
        popularity = 1.0 / np.arange(1, cat.n + 1) ** 0.8
        product = rng.permutation(cat.n)[
            rng.choice(cat.n, len(sess), p=popularity / popularity.sum())
        ]
        ordered_product = o.item_product[o.first_item[np.maximum(ev_order, 0)]]
        product = np.where(purchase_session & (from_end == 2), ordered_product, product)
        product = np.where((etype == 1) | (etype == 2), product, -1)

        # who is logged in: mode 1 all events, mode 2 from a random position on
        login_pos = rng.integers(0, np.maximum(sn - 2, 1))[sess] + 1
        mode = sm[sess]
        logged = (ev_cust >= 0) & ((mode == 1) | ((mode == 2) & (pos >= login_pos)))
        logged &= t >= c.signup[np.maximum(ev_cust, 0)]
        keep = (t >= 0.0) & (t < H)
        idx = np.flatnonzero(keep)
        sess, pos, t, etype, product = sess[idx], pos[idx], t[idx], etype[idx], product[idx]
        ev_cust = np.where(logged[idx], ev_cust[idx], -1)
        ev_order = np.where(etype == 4, ev_order[idx], -1)
        m = len(idx)
        us = np.int64(p.start_epoch) * 1_000_000 + np.floor(t * 86_400_000_000.0).astype(np.int64)
        day = (us // 1_000_000 - p.start_epoch) // 86400

        self.stats["anonymous_visitor_event_share"] = float(
            (sb[sess] >= n_cust_browsers).mean() if m else 0.0
        )

        # session-level campaign and referrer on the session's first event
        campaign = np.where(
            rng.random(n_sessions) < 0.3, rng.integers(0, len(UTM_CAMPAIGNS), n_sessions), -1
        )
        organic = np.where(
            rng.random(n_sessions) < 0.45, rng.integers(0, len(ORGANIC_REFERRERS), n_sessions), -1
        )
        first_ev = pos == 0
        ev_campaign = np.where(first_ev, campaign[sess], -1)
        ref_values = list(ORGANIC_REFERRERS) + [x for x in UTM_REFERRER]
        ref_idx = np.where(campaign >= 0, len(ORGANIC_REFERRERS) + campaign, organic)
        ref_idx = np.where(
            (campaign >= 0) & np.array([x is None for x in UTM_REFERRER])[np.maximum(campaign, 0)],
            -1,
            ref_idx,
        )
        ev_ref = np.where(first_ev, ref_idx[sess], -1)

        static = [
            "/",
            "/search",
            "/sale",
            "/account",
            "/cart",
            *[f"/category/{k}" for k in CATEGORIES],
        ]
        urls = [*static, "/checkout", "/checkout/confirmation"]
        urls += [f"/product/P{PRODUCT_ID_BASE + k:05d}" for k in range(cat.n)]
        url_idx = np.where(etype == 0, rng.integers(0, len(static), m), 0)
        url_idx = np.where(etype == 3, len(static), url_idx)
        url_idx = np.where(etype == 4, len(static) + 1, url_idx)
        url_idx = np.where(product >= 0, len(static) + 2 + product, url_idx)

        # dirt
        rates = DIRT_RATES["events"]
        dirt = np.zeros(m, dtype=np.int8)
        dirt[(ev_cust >= 0) & (day < c.crm_day[np.maximum(ev_cust, 0)])] = D["unknown_customer"]
        pk = self.picker
        nulls = pk.inject(dirt, "null_required", np.ones(m, bool), day, rates["null_required"])
        late_limit = np.where(day < p.days, p.days - 1, H - 1)
        late_ok = day + 1 <= late_limit
        late = pk.inject(dirt, "late_event", late_ok, day, rates["late_event"])
        deliver = day.copy()
        room = late_limit[late] - day[late]
        deliver[late] = day[late] + 1 + rng.integers(0, np.minimum(room, 3))
        src, dup_day = pk.duplicates(dirt, deliver, rates["exact_duplicate"], None, H)

        # final order first (by delivery day, then time), then every column in that order
        all_day = np.concatenate([deliver, dup_day])
        all_dirt = np.concatenate([dirt, np.full(len(src), D["exact_duplicate"], np.int8)])
        key = np.concatenate([us, us[src]])
        tie = np.concatenate([np.arange(m), src])
        order = np.lexsort((tie, key, all_day))
        r = tie[order]  # event index of each output row
        event_raw = np.frombuffer(rng.bytes(16 * m), dtype=np.uint8).reshape(m, 16)
        browser_raw = np.frombuffer(rng.bytes(16 * n_browsers), dtype=np.uint8).reshape(-1, 16)
        null_mask = np.zeros(m, dtype=bool)
        null_mask[nulls] = True
        browser = sb[sess[r]]
        camp = ev_campaign[r]
        table = pa.Table.from_arrays(
            [
                hex_text(event_raw[r]),
                hex_text(browser_raw[browser], uuid=True),
                fixed_ids("C", CUSTOMER_ID_BASE + ev_cust[r], 7, mask=ev_cust[r] < 0),
                pick_dict(EVENT_TYPES, etype[r]),
                arr(us[r], TS_US, mask=null_mask[r]),
                pick_dict(urls, url_idx[r]),
                fixed_ids("P", PRODUCT_ID_BASE + product[r], 5, mask=product[r] < 0),
                fixed_ids("O", ORDER_ID_BASE + ev_order[r], 9, mask=ev_order[r] < 0),
                pick_dict([x[0] for x in UTM_CAMPAIGNS], camp),
                pick_dict([x[1] for x in UTM_CAMPAIGNS], camp),
                pick_dict([x[2] for x in UTM_CAMPAIGNS], camp),
                pick_dict(ref_values, ev_ref[r]),
                pick_dict(DEVICES, device[browser]),
            ],
            names=EVENTS_SCHEMA.names,
        )
        self.out["events"] = EntityOut(day=all_day[order], dirt=all_dirt[order], table=table)

    # ---------------------------------------------------------------- support
    def _tickets(self) -> None:
        p, rng, c, o = self.p, self.rngs["support"], self.cust, self.orders
        H = p.horizon
        # tickets after orders (more likely for customers about to drop out) and background
        q = TICKET_PER_ORDER_BASE + TICKET_PER_ORDER_DROPOUT * c.pdrop[o.customer]
        q = np.minimum(0.9, q + TICKET_LAST_ORDER_BOOST * o.final_before_death)
        from_order = np.flatnonzero(rng.random(o.n) < q)
        t_cust = [o.customer[from_order]]
        t_created = [o.t[from_order] + rng.uniform(0.3, 10.0, len(from_order))]
        t_cat = [rng.choice(4, len(from_order), p=[0.2, 0.45, 0.3, 0.05])]
        t_last = [o.final_before_death[from_order]]
        lo = np.maximum(c.signup, 0.0)
        hi = np.minimum(np.minimum(c.delete_t, H), c.death_t + 30.0)
        span = np.clip(hi - lo, 0.0, None)
        span[~np.isfinite(span)] = 0.0
        count = rng.poisson(TICKET_BACKGROUND_RATE * (1 + 4 * c.pdrop) * span)
        who = np.repeat(np.arange(c.n), count)
        t_cust.append(who)
        t_created.append(rng.uniform(lo[who], hi[who]))
        t_cat.append(rng.choice(4, len(who), p=[0.4, 0.0, 0.1, 0.5]))
        t_last.append(np.zeros(len(who), dtype=bool))
        cust = _concat(t_cust)
        created = _concat(t_created, np.float64)
        created = np.maximum(created, c.crm_day[cust] + rng.uniform(1.0, 2.0, len(cust)))
        category = _concat(t_cat)
        last_order = _concat(t_last, bool)
        keep = created < np.minimum(c.delete_t[cust], H)
        order = np.argsort(created[keep], kind="stable")
        cust, created = cust[keep][order], created[keep][order]
        category, last_order = category[keep][order], last_order[keep][order]
        nt = len(cust)
        priority = rng.choice(4, nt, p=_weights(TICKET_PRIORITY_WEIGHTS))
        channel = rng.choice(3, nt, p=_weights(TICKET_CHANNEL_WEIGHTS))
        score = np.clip(
            np.round(4.4 - 5.0 * c.pdrop[cust] - 1.0 * last_order + rng.normal(0, 0.7, nt)), 1, 5
        ).astype(np.int64)
        score = np.where(rng.random(nt) < 0.6, score, -1)

        # lifecycle: new -> open -> (pending) -> solved -> closed; 2% get deleted early
        stage_t = np.full((nt, 5), np.nan)
        stage_t[:, 0] = created
        stage_t[:, 1] = created + rng.exponential(0.15, nt)
        pending = rng.random(nt) < 0.5
        stage_t[:, 2] = np.where(pending, stage_t[:, 1] + rng.exponential(1.0, nt), np.nan)
        before_solved = np.where(pending, stage_t[:, 2], stage_t[:, 1])
        stage_t[:, 3] = before_solved + rng.exponential(1.5, nt)
        stage_t[:, 4] = stage_t[:, 3] + rng.uniform(2.0, 7.0, nt)
        deleted = rng.random(nt) < TICKET_DELETE_SHARE
        delete_t = np.where(deleted, created + rng.uniform(0.01, 1.0, nt), np.inf)
        valid = np.isfinite(stage_t) & (stage_t < np.minimum(delete_t, H)[:, None])
        tk, stage = np.nonzero(valid)  # row-major: by ticket, then stage
        st = stage_t[tk, stage]
        prev = np.arange(len(tk)) - 1  # previous valid stage of the same ticket
        has_prev = stage > 0
        del_tk = np.flatnonzero(deleted & (delete_t < H))
        last_valid = np.searchsorted(tk, del_tk, side="right") - 1

        stage_us = self._us(st)

        def score_at(stage_of_row: np.ndarray, ticket: np.ndarray) -> np.ndarray:
            return np.where(stage_of_row >= 3, score[ticket], -1)  # rated once solved

        # commits: one per insert/update (stage rows) plus one per delete
        n_stage, n_del = len(tk), len(del_tk)
        commit_us = np.concatenate([stage_us, self._us(delete_t[del_tk])])
        commit_order = np.argsort(commit_us, kind="stable")
        version = np.empty(n_stage + n_del, dtype=np.int64)
        version[commit_order] = 1 + np.arange(n_stage + n_del)

        upd = np.flatnonzero(has_prev)
        ins = np.flatnonzero(~has_prev)
        # rows: (ticket, status, satisfaction, updated_at, change type, commit index)
        r_tk = np.concatenate([tk[ins], tk[upd], tk[upd], del_tk])
        r_status = np.concatenate([stage[ins], stage[prev[upd]], stage[upd], stage[last_valid]])
        r_score = np.concatenate(
            [
                score_at(stage[ins], tk[ins]),
                score_at(stage[prev[upd]], tk[upd]),
                score_at(stage[upd], tk[upd]),
                score_at(stage[last_valid], del_tk),
            ]
        )
        r_updated = np.concatenate(
            [stage_us[ins], stage_us[prev[upd]], stage_us[upd], stage_us[last_valid]]
        )
        r_change = np.concatenate(
            [np.zeros(len(ins)), np.ones(len(upd)), np.full(len(upd), 2), np.full(n_del, 3)]
        ).astype(np.int64)
        r_commit = np.concatenate([ins, upd, upd, n_stage + np.arange(n_del)])
        r_version = version[r_commit]
        r_commit_us = commit_us[r_commit]
        nr = len(r_tk)
        day = (r_commit_us // 1_000_000 - p.start_epoch) // 86400

        # out-of-order: delay a commit past the file of the ticket's next commit. Only
        # commits at even positions within their ticket, so no two neighbours move.
        rates = DIRT_RATES["ticket_changes"]
        dirt = np.zeros(nr, dtype=np.int8)
        by = np.lexsort((r_version, r_tk))
        tk_s, ver_s, day_s = r_tk[by], r_version[by], day[by]
        commit_rank = self._rank_within(tk_s, ver_s)
        # next commit (higher version) of the same ticket: the first row after this commit
        next_row = np.searchsorted(tk_s * (1 << 40) + ver_s, tk_s * (1 << 40) + ver_s, side="right")
        has_next = next_row < nr
        has_next[has_next] = tk_s[has_next] == tk_s[next_row[has_next]]
        next_day = np.where(has_next, day_s[np.minimum(next_row, nr - 1)], -1)
        limit = np.where(day_s < p.days, p.days - 1, H - 1)
        eligible_s = (
            has_next & (commit_rank % 2 == 0) & (next_day + 1 <= limit) & (next_day - day_s <= 2)
        )
        eligible = np.zeros(nr, dtype=bool)
        eligible[by] = eligible_s
        # pick whole commits: choose rows, then extend to the commit's other row
        rows = self.picker.choose(eligible, day, rates["out_of_order_change"] / 1.7)
        chosen_versions = np.unique(r_version[rows])
        late = np.isin(r_version, chosen_versions)
        dirt[late] = D["out_of_order_change"]
        nd = np.zeros(nr, dtype=np.int64)
        nd[by] = next_day
        lim = np.zeros(nr, dtype=np.int64)
        lim[by] = limit
        deliver = day.copy()
        per_version_shift = rng.integers(1, 3, len(chosen_versions))
        shift = per_version_shift[np.searchsorted(chosen_versions, r_version[late])]
        deliver[late] = np.minimum(nd[late] + shift, lim[late])

        # duplicates in the next file only when no higher version of the ticket was
        # delivered up to this file (else the copy would also be out of order)
        tk_d, ver_d, del_d = r_tk[by], r_version[by], deliver[by]
        later_min = self._suffix_min_by_group(tk_d, del_d, ver_d)
        next_ok = np.zeros(nr, dtype=bool)
        next_ok[by] = later_min >= del_d + 1
        src, dup_day = self.picker.duplicates(dirt, deliver, rates["exact_duplicate"], next_ok, H)

        ticket_ids = fixed_ids("T", TICKET_ID_BASE + np.arange(nt), 8)
        created_us = self._us(created)
        score_mask = r_score < 0
        table = pa.Table.from_arrays(
            [
                pc.take(ticket_ids, arr(r_tk)),
                pc.take(c.ids, arr(cust[r_tk])),
                pick_dict(TICKET_CATEGORIES, category[r_tk]),
                pick_dict(TICKET_PRIORITIES, priority[r_tk]),
                pick_dict(TICKET_STATUSES, r_status),
                pick_dict(TICKET_CHANNELS, channel[r_tk]),
                arr(np.maximum(r_score, 0).astype(np.int32), mask=score_mask),
                arr(created_us[r_tk], TS_US),
                arr(r_updated, TS_US),
                pick_dict(CHANGE_TYPES, r_change),
                arr(np.asarray(r_version, dtype=np.int64)),
                arr(r_commit_us, TS_US),
            ],
            names=TICKETS_SCHEMA.names,
        )
        all_day = np.concatenate([deliver, dup_day])
        all_dirt = np.concatenate([dirt, np.full(len(src), D["exact_duplicate"], np.int8)])
        shuffle = rng.random(len(all_day))  # rows inside each file are shuffled
        order = np.lexsort((shuffle, all_day))
        rows_all = np.concatenate([np.arange(nr), src])[order]
        self.out["ticket_changes"] = EntityOut(
            day=all_day[order], dirt=all_dirt[order], table=table.take(arr(rows_all))
        )

    def _us(self, t: np.ndarray) -> np.ndarray:
        return np.int64(self.p.start_epoch) * 1_000_000 + np.floor(
            np.asarray(t) * 86_400_000_000.0
        ).astype(np.int64)

    @staticmethod
    def _rank_within(group: np.ndarray, version: np.ndarray) -> np.ndarray:
        """Dense rank of version (0-based) within each group of a (group, version)-sorted array."""
        n = len(group)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        new_group = np.ones(n, dtype=bool)
        new_group[1:] = group[1:] != group[:-1]
        new_version = np.ones(n, dtype=bool)
        new_version[1:] = (version[1:] != version[:-1]) | new_group[1:]
        dense = np.cumsum(new_version) - 1
        return dense - dense[_group_starts(group)]

    @staticmethod
    def _suffix_min_by_group(
        group: np.ndarray, values: np.ndarray, version: np.ndarray
    ) -> np.ndarray:
        """For each row of a (group, version)-sorted array: the minimum of `values` over the
        rows of the same group with a strictly higher version (a large number if none)."""
        n = len(group)
        big = np.int64(1 << 40)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        rg, rv, rver = group[::-1], values[::-1].astype(np.int64), version[::-1]
        new_group = np.r_[True, rg[1:] != rg[:-1]]
        seg = np.cumsum(new_group).astype(np.int64) - 1
        cap = np.int64(1 << 30)
        # segmented running minimum: maximum.accumulate of (segment, cap - value) keys
        running = np.maximum.accumulate(seg * (2 * cap) + (cap - np.minimum(rv, cap - 1)))
        run_min = cap - (running - seg * (2 * cap))
        new_block = new_group | np.r_[True, rver[1:] != rver[:-1]]
        block_start = np.maximum.accumulate(np.where(new_block, np.arange(n), 0))
        before = block_start - 1  # last row of the previous (higher) version in reverse
        same = (before >= 0) & ~new_group[block_start]
        out = np.where(same, run_min[np.maximum(before, 0)], big)
        return out[::-1].copy()
