"""The CRM source (JSON lines): one record per customer on creation, then one per change
(tier, city, email, marketing consent, phone) and a tombstone on deletion.

Customers existing before the first day are exported in full on the first day. A record
carries every attribute as it is after the change; the country keeps the spelling chosen
for the customer. preferred_language is exported from the drift day on.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrays import concat, group_starts, normalised
from .columns import (
    as_arrow,
    int_str,
    iso_utc,
    join,
    json_bool,
    json_str,
    pick,
    pick_in_groups,
    set_rows,
)
from .config import (
    CRM_CHANGE_KIND_WEIGHTS,
    CRM_CHANGE_MIN_AGE_DAYS,
    CRM_CHANGE_RATE,
    DIRT_RATES,
    EMAIL_STYLE_CUTOFFS,
    LANGUAGE_MISSING_SHARE,
    MARKETING_CONSENT_SHARE,
    MIN_DIRT_IN_WINDOW,
    SWISS_FRENCH_SHARE,
    TIER_WEIGHTS,
)
from .entities import ENTITIES
from .value_sets import (
    CITIES,
    COUNTRIES,
    COUNTRY_DIAL,
    COUNTRY_LANGUAGE,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    LANGUAGES,
    LAST_NAMES,
    TIERS,
)
from .writers import EntityRecords, text_records

if TYPE_CHECKING:
    from .world import Customers, World

# Record kinds; 1-5 are the changes, of the attribute named. Tombstones sort last at a tie.
CREATED, TIER, CITY, EMAIL, CONSENT, PHONE, TOMBSTONE = 0, 1, 2, 3, 4, 5, 9
COUNTRY_CODES = list(COUNTRIES)


@dataclass
class Attributes:
    """What a customer is created with and keeps: index into the value sets."""

    first_name: np.ndarray
    last_name: np.ndarray
    tier: np.ndarray
    consent: np.ndarray
    language: np.ndarray  # -1: not known


@dataclass
class CrmRecords:
    """The records, sorted by customer, time and kind (tombstones last)."""

    customer: np.ndarray
    kind: np.ndarray
    secs: np.ndarray  # updated_at, unix seconds
    day: np.ndarray  # extract day
    group_start: np.ndarray  # index of the customer's first record

    def latest(self, kind: int) -> np.ndarray:
        """Index of the latest change of this kind at or before each record, else -1."""
        last_pos = np.maximum.accumulate(np.where(self.kind == kind, np.arange(len(self.kind)), -1))
        return np.where(last_pos >= self.group_start, last_pos, -1)


def customer_records(world: World, customers: Customers) -> EntityRecords:
    """The CRM records of every customer, with their dirt: malformed lines and null ids
    (only on change records, so each customer keeps a readable first record), invalid
    emails (not on tombstones) and duplicates."""
    params, rng = world.params, world.rngs["crm"]
    attributes = _attributes(rng, customers)
    records = _records(world, customers)
    columns = _attribute_columns(rng, customers, attributes, records)
    rates, picker, day = DIRT_RATES["customers"], world.dirt_picker, records.day
    dirt = np.zeros(len(day), dtype=np.int8)
    change = (records.kind >= TIER) & (records.kind <= PHONE)
    malformed = picker.inject(dirt, "malformed_json", change, day, rates["malformed_json"])
    nulls = picker.inject(dirt, "null_required", change, day, rates["null_required"])
    invalid = records.kind != TOMBSTONE
    bad_email = picker.inject(dirt, "invalid_email", invalid, day, rates["invalid_email"])
    src, dup_day = picker.duplicates(
        dirt, day, rates["exact_duplicate"], day != params.drift_day - 1, params.horizon
    )
    columns["email"] = set_rows(
        columns["email"], bad_email, _broken_emails(columns["email"], bad_email)
    )
    ids = pc.take(customers.ids, as_arrow(records.customer))
    ids = set_rows(ids, nulls, pa.nulls(len(nulls), pa.string()))
    lines = _json_lines(world, customers, attributes, records, columns, ids)
    lines = set_rows(lines, malformed, _truncated(rng, lines, malformed))
    return text_records("customers", lines, day, dirt, records.secs, src, dup_day)


def _attributes(rng: np.random.Generator, customers: Customers) -> Attributes:
    """Names, tier, consent and preferred language (the country's; some Swiss speak
    French; a few unknown)."""
    count = customers.count
    first_name = rng.integers(0, len(FIRST_NAMES), count)
    last_name = rng.integers(0, len(LAST_NAMES), count)
    tier = rng.choice(len(TIERS), count, p=normalised(TIER_WEIGHTS))
    consent = rng.random(count) < MARKETING_CONSENT_SHARE
    by_country = np.array([LANGUAGES.index(COUNTRY_LANGUAGE[k]) for k in COUNTRY_CODES])
    language = by_country[customers.country]
    swiss = (customers.country == COUNTRY_CODES.index("CH")) & (
        rng.random(count) < SWISS_FRENCH_SHARE
    )
    language = np.where(swiss, LANGUAGES.index("fr"), language)
    language = np.where(rng.random(count) < LANGUAGE_MISSING_SHARE, -1, language)
    return Attributes(first_name, last_name, tier, consent, language)


def _records(world: World, customers: Customers) -> CrmRecords:
    """Existing customers' full export on the first day (at a time after their signup),
    new customers' creation, their changes, and tombstones. A customer's first record is
    delivered on their first CRM day (late for the lagged ones)."""
    rng, signup_at = world.rngs["crm"], customers.signup_at
    existing = signup_at < 0
    customer = [np.flatnonzero(existing), np.flatnonzero(~existing)]
    at = [rng.uniform(signup_at[existing], 0.0), signup_at[~existing]]
    kind = [np.zeros(int(existing.sum())), np.zeros(int((~existing).sum()))]
    change_customer, change_at = _changes(world, customers)
    customer.append(change_customer)
    at.append(change_at)
    kind.append(1 + rng.choice(5, len(change_customer), p=CRM_CHANGE_KIND_WEIGHTS))
    deleted = np.flatnonzero(np.isfinite(customers.deleted_at))
    customer.append(deleted)
    at.append(customers.deleted_at[deleted])
    kind.append(np.full(len(deleted), TOMBSTONE))
    customer, at, kind = concat(customer), concat(at, np.float64), concat(kind)
    order = np.lexsort((kind == TOMBSTONE, at, customer))
    customer, at, kind = customer[order], at[order], kind[order]
    group_start = group_starts(customer)
    is_first = np.arange(len(customer)) == group_start
    secs = world.epoch_seconds(at)
    day = np.where(is_first, customers.first_crm_day[customer], world.day_of_seconds(secs))
    return CrmRecords(customer, kind, secs, np.maximum(day, 0), group_start)


def _changes(world: World, customers: Customers) -> tuple[np.ndarray, np.ndarray]:
    """Customer and time of each change: CRM_CHANGE_RATE per day from
    CRM_CHANGE_MIN_AGE_DAYS after signup until deletion; in a tiny window, a few extra so
    the change-only dirt kinds can appear."""
    rng, days, horizon = world.rngs["crm"], world.params.days, world.params.horizon
    lo = np.maximum(customers.signup_at + CRM_CHANGE_MIN_AGE_DAYS, 0.0)
    hi = np.minimum(customers.deleted_at, horizon)
    n_changes = rng.poisson(CRM_CHANGE_RATE * np.clip(hi - lo, 0.0, None))
    change_customer = np.repeat(np.arange(customers.count), n_changes)
    change_at = rng.uniform(lo[change_customer], hi[change_customer])
    window_hi = np.minimum(hi, days)
    missing = 3 * MIN_DIRT_IN_WINDOW - int((change_at < days).sum())
    candidates = np.flatnonzero(lo < window_hi)
    if missing > 0 and len(candidates):
        extra = rng.choice(candidates, size=missing)
        change_customer = np.concatenate([change_customer, extra])
        change_at = np.concatenate([change_at, rng.uniform(lo[extra], window_hi[extra])])
    return change_customer, change_at


def _attribute_columns(
    rng: np.random.Generator, customers: Customers, attributes: Attributes, records: CrmRecords
) -> dict[str, pa.Array]:
    """Each changeable attribute as of each record: its initial value, or the value drawn
    for the latest change of it. Consent flips at each of its changes."""
    count, country = customers.count, customers.country
    record_country = country[records.customer]

    def latest(kind: int, initial: pa.Array, changed: pa.Array) -> pa.Array:
        pos = records.latest(kind)
        both = pa.concat_arrays([initial, changed])
        return pc.take(both, as_arrow(np.where(pos >= 0, count + pos, records.customer)))

    city_groups = [CITIES[k] for k in COUNTRY_CODES]
    cities = pick_in_groups(city_groups, country, rng.integers(0, 1 << 30, count))
    record_cities = pick_in_groups(
        city_groups, record_country, rng.integers(0, 1 << 30, len(records.customer))
    )
    new_tiers = rng.choice(len(TIERS), len(records.customer), p=normalised(TIER_WEIGHTS))
    columns = {"tier": latest(TIER, pick(TIERS, attributes.tier), pick(TIERS, new_tiers))}
    columns["city"] = latest(CITY, cities, record_cities)
    columns["email"] = latest(EMAIL, _emails(rng, count), _emails(rng, len(records.customer)))
    is_consent = records.kind == CONSENT
    toggles = (
        np.cumsum(is_consent) - np.concatenate([[0], np.cumsum(is_consent)])[records.group_start]
    )
    columns["consent"] = json_bool(attributes.consent[records.customer] ^ (toggles % 2 == 1))
    columns["phone"] = latest(PHONE, _phones(rng, country), _phones(rng, record_country))
    # each customer's country is written in one of its spellings, kept across records
    spellings = [COUNTRIES[k] for k in COUNTRY_CODES]
    spelling = pick_in_groups(spellings, country, rng.integers(0, 1 << 30, count))
    columns["country"] = pc.take(spelling, as_arrow(records.customer))
    return columns


def _email_part(name: str) -> str:
    """A name as it appears in an email address: lower-case ASCII letters and digits."""
    name = name.replace("ß", "ss").replace("ø", "o").replace("ł", "l")
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _emails(rng: np.random.Generator, count: int) -> pa.Array:
    """Addresses made of a name, a number and a domain in one of four patterns; a few in
    title or upper case, or with a space before or after (EMAIL_STYLE_CUTOFFS)."""
    first = pick([_email_part(x) for x in FIRST_NAMES], rng.integers(0, len(FIRST_NAMES), count))
    last = pick([_email_part(x) for x in LAST_NAMES], rng.integers(0, len(LAST_NAMES), count))
    number = int_str(rng.integers(1, 100, count))
    domain = pick(EMAIL_DOMAINS, rng.integers(0, len(EMAIL_DOMAINS), count))
    local = pc.choose(
        as_arrow(rng.integers(0, 4, count).astype(np.int8)),
        join(first, ".", last),
        join(first, ".", last, number),
        join(pc.utf8_slice_codeunits(first, 0, 1), last),
        join(first, "_", last, number),
    )
    address = join(local, "@", domain)
    style = rng.random(count)
    title, upper, leading, trailing = EMAIL_STYLE_CUTOFFS
    address = pc.if_else(as_arrow(style < title), pc.utf8_title(address), address)
    address = pc.if_else(
        as_arrow((style >= title) & (style < upper)), pc.utf8_upper(address), address
    )
    address = pc.if_else(
        as_arrow((style >= upper) & (style < leading)), join(" ", address), address
    )
    address = pc.if_else(
        as_arrow((style >= leading) & (style < trailing)), join(address, " "), address
    )
    return address


def _phones(rng: np.random.Generator, country: np.ndarray) -> pa.Array:
    """Mobile numbers in one of four national or international notations."""
    count = len(country)
    dial = pick([COUNTRY_DIAL[k] for k in COUNTRY_CODES], country)
    prefix = int_str(rng.integers(150, 180, count))
    number = int_str(rng.integers(1_000_000, 10_000_000, count))
    return pc.choose(
        as_arrow(rng.integers(0, 4, count).astype(np.int8)),
        join("+", dial, " ", prefix, " ", number),
        join("0", prefix, " ", number),
        join("+", dial, "-", prefix, "-", number),
        join("(0", prefix, ") ", number),
    )


def _broken_emails(email: pa.Array, rows: np.ndarray) -> pa.Array:
    """The addresses of `rows` made invalid, in turn: no @, nothing after it, a double dot
    before the top-level domain, a double @."""
    chosen = pc.take(email, as_arrow(np.asarray(rows, dtype=np.int64)))
    return pc.choose(
        as_arrow((np.arange(len(rows)) % 4).astype(np.int8)),
        pc.replace_substring(chosen, "@", "."),
        pc.replace_substring_regex(chosen, r"@.*$", "@"),
        pc.replace_substring_regex(chosen, r"\.([A-Za-z]+)(\s*)$", r"..\1\2"),
        pc.replace_substring(chosen, "@", "@@"),
    )


def _json_lines(
    world: World,
    customers: Customers,
    attributes: Attributes,
    records: CrmRecords,
    columns: dict[str, pa.Array],
    ids: pa.Array,
) -> pa.Array:
    """One JSON object per record, in the contract's column order; preferred_language
    is added from the drift day on."""
    customer = records.customer
    values = [
        json_str(ids),
        json_str(pick(FIRST_NAMES, attributes.first_name[customer])),
        json_str(pick(LAST_NAMES, attributes.last_name[customer])),
        json_str(columns["email"]),
        json_str(columns["phone"]),
        json_str(columns["country"]),
        json_str(columns["city"]),
        json_str(columns["tier"]),
        columns["consent"],
        json_str(iso_utc(world.epoch_seconds(customers.signup_at[customer]))),
        json_str(iso_utc(records.secs)),
        json_bool(records.kind == TOMBSTONE),
    ]
    names = ENTITIES["customers"].columns
    parts: list[pa.Array | str] = []
    for k, (name, value) in enumerate(zip(names, values, strict=False)):
        parts += [("{" if k == 0 else ",") + f'"{name}":', value]
    plain = join(*parts, "}\n")
    language = json_str(pick(LANGUAGES, attributes.language[customer]))
    drifted = join(*parts, ',"preferred_language":', language, "}\n")
    return pc.if_else(as_arrow(records.day >= world.params.drift_day), drifted, plain)


def _truncated(rng: np.random.Generator, lines: pa.Array, rows: np.ndarray) -> list[str]:
    """The lines of `rows` cut off mid-object (a few hundred at most)."""
    cut = []
    for row in rows:
        text = lines[int(row)].as_py()
        stop = int(rng.integers(12, max(13, len(text) - 8)))
        cut.append(text[:stop] + "\n")
    return cut
