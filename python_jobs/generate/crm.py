"""The CRM source (JSON lines): one record per contact on creation, then one per change
(tier, city, email, marketing consent, phone) and a tombstone on deletion.

Every person has a first contact, created at signup; DUPLICATE_CONTACT_SHARE of them get
a second one later, as CRMs do: a name with a typo, the primary address in another style,
the secondary address or none, the same phone in another notation or none. A deletion
tombstones the first contact only (the duplicate is not known to be the same person).
Contacts existing before the first day are exported in full on the first day. A record
carries every attribute as it is after the change; the country keeps the spelling chosen
for the contact; an email change is the person's (identity.py), a phone change re-enters
the same number in another notation. preferred_language is exported from the drift day on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrays import concat, group_starts, normalised
from .columns import (
    as_arrow,
    fixed_ids,
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
    CUSTOMER_ID_BASE,
    DIRT_RATES,
    DUPLICATE_CONTACT_AFTER_DAYS,
    DUPLICATE_CONTACT_SHARE,
    DUPLICATE_EMAIL_WEIGHTS,
    DUPLICATE_NAME_TYPO_SHARE,
    DUPLICATE_PHONE_SHARE,
    LANGUAGE_MISSING_SHARE,
    MARKETING_CONSENT_SHARE,
    MIN_DIRT_IN_WINDOW,
    SWISS_FRENCH_SHARE,
    TIER_WEIGHTS,
)
from .entities import ENTITIES
from .identity import phone_text, styled_emails, typo_names
from .truth import TruthRecords, bits
from .value_sets import (
    CITIES,
    COUNTRIES,
    COUNTRY_LANGUAGE,
    FIRST_NAMES,
    LANGUAGES,
    LAST_NAMES,
    TIERS,
)
from .writers import EntityRecords, text_records

if TYPE_CHECKING:
    from .identity import Identities
    from .world import Customers, World

# Record kinds; 1-5 are the changes, of the attribute named. Tombstones sort last at a tie.
CREATED, TIER, CITY, EMAIL, CONSENT, PHONE, TOMBSTONE = 0, 1, 2, 3, 4, 5, 9
DRAWN_CHANGES = np.array([TIER, CITY, CONSENT, PHONE])  # CRM_CHANGE_KIND_WEIGHTS' order
PRIMARY, SECONDARY, NO_EMAIL = 0, 1, 2  # a contact's address (DUPLICATE_EMAIL_WEIGHTS)
COUNTRY_CODES = list(COUNTRIES)


@dataclass
class Contacts:
    """CRM contacts: contact c < persons is person c's first (id C{CUSTOMER_ID_BASE + c}),
    the duplicates follow in order of creation."""

    person: np.ndarray
    created_at: np.ndarray  # signup of a first contact
    first_crm_day: np.ndarray  # extract day of the contact's first record
    deleted_at: np.ndarray  # inf for duplicates
    is_duplicate: np.ndarray
    email_kind: np.ndarray  # PRIMARY, SECONDARY or NO_EMAIL
    has_phone: np.ndarray
    has_typo: np.ndarray
    first_name: pa.Array
    last_name: pa.Array
    ids: pa.Array

    @property
    def count(self) -> int:
        return len(self.person)


@dataclass
class Attributes:
    """What a contact is created with and keeps: index into the value sets."""

    tier: np.ndarray
    consent: np.ndarray
    language: np.ndarray  # -1: not known


@dataclass
class CrmRecords:
    """The records, sorted by contact, time and kind (tombstones last)."""

    customer: np.ndarray  # the contact
    kind: np.ndarray
    secs: np.ndarray  # updated_at, unix seconds
    day: np.ndarray  # extract day
    group_start: np.ndarray  # index of the contact's first record

    def latest(self, kind: int) -> np.ndarray:
        """Index of the latest change of this kind at or before each record, else -1."""
        last_pos = np.maximum.accumulate(np.where(self.kind == kind, np.arange(len(self.kind)), -1))
        return np.where(last_pos >= self.group_start, last_pos, -1)


def customer_records(world: World, customers: Customers, identities: Identities) -> EntityRecords:
    """The CRM records of every contact, with their dirt: malformed lines and null ids
    (only on change records, so each contact keeps a readable first record), invalid
    emails (not on tombstones) and duplicates; and the contacts' true persons."""
    params, rng = world.params, world.rngs["crm"]
    contacts = _contacts(world, customers, identities)
    country = customers.country[contacts.person]
    attributes = _attributes(rng, contacts, country)
    records = _records(world, contacts, identities)
    columns = _attribute_columns(rng, contacts, identities, attributes, records, country)
    rates, picker, day = DIRT_RATES["customers"], world.dirt_picker, records.day
    dirt = np.zeros(len(day), dtype=np.int8)
    change = (records.kind >= TIER) & (records.kind <= PHONE)
    malformed = picker.inject(dirt, "malformed_json", change, day, rates["malformed_json"])
    nulls = picker.inject(dirt, "null_required", change, day, rates["null_required"])
    has_email = (records.kind != TOMBSTONE) & columns["email"].is_valid().to_numpy(False)
    bad_email = picker.inject(dirt, "invalid_email", has_email, day, rates["invalid_email"])
    src, dup_day = picker.duplicates(
        dirt, day, rates["exact_duplicate"], day != params.drift_day - 1, params.horizon
    )
    columns["email"] = set_rows(
        columns["email"], bad_email, _broken_emails(columns["email"], bad_email)
    )
    ids = pc.take(contacts.ids, as_arrow(records.customer))
    ids = set_rows(ids, nulls, pa.nulls(len(nulls), pa.string()))
    lines = _json_lines(world, contacts, attributes, records, columns, ids)
    lines = set_rows(lines, malformed, _truncated(rng, lines, malformed))
    result = text_records("customers", lines, day, dirt, records.secs, src, dup_day)
    result.truth = _truth(contacts, identities)
    return result


def _contacts(world: World, customers: Customers, identities: Identities) -> Contacts:
    """Each person's first contact, then DUPLICATE_CONTACT_SHARE duplicates created
    DUPLICATE_CONTACT_AFTER_DAYS later (within the horizon, before a deletion), with their
    address, phone and name typos (in the first or the last name)."""
    rng, n = world.rngs["crm"], customers.count
    dup = np.flatnonzero(rng.random(n) < DUPLICATE_CONTACT_SHARE)
    dup_at = customers.signup_at[dup] + rng.uniform(*DUPLICATE_CONTACT_AFTER_DAYS, len(dup))
    keep = dup_at < np.minimum(customers.deleted_at[dup], world.params.horizon)
    by_time = np.argsort(dup_at[keep], kind="stable")
    dup, dup_at = dup[keep][by_time], dup_at[keep][by_time]
    k = len(dup)
    person = np.concatenate([np.arange(n), dup])
    is_duplicate = np.arange(n + k) >= n
    has_typo = is_duplicate & (rng.random(n + k) < DUPLICATE_NAME_TYPO_SHARE)
    in_first = has_typo & (rng.random(n + k) < 0.5)
    first = pick(FIRST_NAMES, identities.first_name[person])
    last = pick(LAST_NAMES, identities.last_name[person])
    in_first, in_last = np.flatnonzero(in_first), np.flatnonzero(has_typo & ~in_first)
    first = set_rows(first, in_first, typo_names(rng, [first[int(r)].as_py() for r in in_first]))
    last = set_rows(last, in_last, typo_names(rng, [last[int(r)].as_py() for r in in_last]))
    return Contacts(
        person=person,
        created_at=np.concatenate([customers.signup_at, dup_at]),
        first_crm_day=np.concatenate(
            [customers.first_crm_day, np.maximum(np.floor(dup_at), 0).astype(np.int64)]
        ),
        deleted_at=np.concatenate([customers.deleted_at, np.full(k, np.inf)]),
        is_duplicate=is_duplicate,
        email_kind=np.concatenate(
            [np.zeros(n, np.int64), rng.choice(3, k, p=normalised(DUPLICATE_EMAIL_WEIGHTS))]
        ),
        has_phone=np.concatenate([np.ones(n, bool), rng.random(k) < DUPLICATE_PHONE_SHARE]),
        has_typo=has_typo,
        first_name=first,
        last_name=last,
        ids=fixed_ids("C", CUSTOMER_ID_BASE + np.arange(n + k), 7),
    )


def _attributes(rng: np.random.Generator, contacts: Contacts, country: np.ndarray) -> Attributes:
    """Tier, consent and preferred language (the country's; some Swiss speak French; a
    few unknown)."""
    count = contacts.count
    tier = rng.choice(len(TIERS), count, p=normalised(TIER_WEIGHTS))
    consent = rng.random(count) < MARKETING_CONSENT_SHARE
    by_country = np.array([LANGUAGES.index(COUNTRY_LANGUAGE[k]) for k in COUNTRY_CODES])
    language = by_country[country]
    swiss = (country == COUNTRY_CODES.index("CH")) & (rng.random(count) < SWISS_FRENCH_SHARE)
    language = np.where(swiss, LANGUAGES.index("fr"), language)
    language = np.where(rng.random(count) < LANGUAGE_MISSING_SHARE, -1, language)
    return Attributes(tier, consent, language)


def _records(world: World, contacts: Contacts, identities: Identities) -> CrmRecords:
    """Existing contacts' full export on the first day (at a time after their creation),
    new contacts' creation, their changes, the person's email change on the first
    contact, and tombstones. A contact's first record is delivered on its first CRM day
    (late for the lagged ones)."""
    rng, created_at = world.rngs["crm"], contacts.created_at
    existing = created_at < 0
    customer = [np.flatnonzero(existing), np.flatnonzero(~existing)]
    at = [rng.uniform(created_at[existing], 0.0), created_at[~existing]]
    kind = [np.zeros(int(existing.sum())), np.zeros(int((~existing).sum()))]
    change_customer, change_at = _changes(world, contacts)
    customer.append(change_customer)
    at.append(change_at)
    drawn = rng.choice(
        len(DRAWN_CHANGES), len(change_customer), p=normalised(CRM_CHANGE_KIND_WEIGHTS)
    )
    kind.append(DRAWN_CHANGES[drawn])
    changes_email = np.flatnonzero(np.isfinite(identities.email_changed_at))
    customer.append(changes_email)  # the person's first contact has the person's index
    at.append(identities.email_changed_at[changes_email])
    kind.append(np.full(len(changes_email), EMAIL))
    deleted = np.flatnonzero(np.isfinite(contacts.deleted_at))
    customer.append(deleted)
    at.append(contacts.deleted_at[deleted])
    kind.append(np.full(len(deleted), TOMBSTONE))
    customer, at, kind = concat(customer), concat(at, np.float64), concat(kind)
    order = np.lexsort((kind == TOMBSTONE, at, customer))
    customer, at, kind = customer[order], at[order], kind[order]
    group_start = group_starts(customer)
    is_first = np.arange(len(customer)) == group_start
    secs = world.epoch_seconds(at)
    day = np.where(is_first, contacts.first_crm_day[customer], world.day_of_seconds(secs))
    return CrmRecords(customer, kind, secs, np.maximum(day, 0), group_start)


def _changes(world: World, contacts: Contacts) -> tuple[np.ndarray, np.ndarray]:
    """Contact and time of each change: CRM_CHANGE_RATE per day from
    CRM_CHANGE_MIN_AGE_DAYS after creation until deletion; in a tiny window, a few extra
    so the change-only dirt kinds can appear."""
    rng, days, horizon = world.rngs["crm"], world.params.days, world.params.horizon
    lo = np.maximum(contacts.created_at + CRM_CHANGE_MIN_AGE_DAYS, 0.0)
    hi = np.minimum(contacts.deleted_at, horizon)
    n_changes = rng.poisson(CRM_CHANGE_RATE * np.clip(hi - lo, 0.0, None))
    change_customer = np.repeat(np.arange(contacts.count), n_changes)
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
    rng: np.random.Generator,
    contacts: Contacts,
    identities: Identities,
    attributes: Attributes,
    records: CrmRecords,
    country: np.ndarray,
) -> dict[str, pa.Array]:
    """Each changeable attribute as of each record: its initial value, or the value drawn
    for the latest change of it. Consent flips at each of its changes."""
    count, person = contacts.count, contacts.person
    record_person = person[records.customer]
    record_country = country[records.customer]

    def latest(kind: int, initial: pa.Array, changed: pa.Array) -> pa.Array:
        pos = records.latest(kind)
        both = pa.concat_arrays([initial, changed])
        return pc.take(both, as_arrow(np.where(pos >= 0, count + pos, records.customer)))

    city_groups = [CITIES[k] for k in COUNTRY_CODES]
    cities = pick_in_groups(city_groups, country, identities.city_draw[person])
    record_cities = pick_in_groups(
        city_groups, record_country, rng.integers(0, 1 << 30, len(records.customer))
    )
    new_tiers = rng.choice(len(TIERS), len(records.customer), p=normalised(TIER_WEIGHTS))
    columns = {"tier": latest(TIER, pick(TIERS, attributes.tier), pick(TIERS, new_tiers))}
    columns["city"] = latest(CITY, cities, record_cities)
    new_email = pc.take(identities.new_email, as_arrow(record_person))
    columns["email"] = latest(
        EMAIL, _contact_emails(rng, contacts, identities), styled_emails(rng, new_email)
    )
    is_consent = records.kind == CONSENT
    toggles = (
        np.cumsum(is_consent) - np.concatenate([[0], np.cumsum(is_consent)])[records.group_start]
    )
    columns["consent"] = json_bool(attributes.consent[records.customer] ^ (toggles % 2 == 1))
    phones = latest(
        PHONE, phone_text(rng, identities, person), phone_text(rng, identities, record_person)
    )
    no_phone = np.flatnonzero(~contacts.has_phone[records.customer])
    columns["phone"] = set_rows(phones, no_phone, pa.nulls(len(no_phone), pa.string()))
    # each contact's country is written in one of its spellings, kept across records
    spellings = [COUNTRIES[k] for k in COUNTRY_CODES]
    spelling = pick_in_groups(spellings, country, rng.integers(0, 1 << 30, count))
    columns["country"] = pc.take(spelling, as_arrow(records.customer))
    return columns


def _contact_emails(
    rng: np.random.Generator, contacts: Contacts, identities: Identities
) -> pa.Array:
    """Each contact's address at creation, styled: the person's primary address then,
    the secondary one, or none (duplicates, DUPLICATE_EMAIL_WEIGHTS)."""
    primary = identities.email_at(contacts.person, contacts.created_at)
    secondary = pc.take(identities.secondary_email, as_arrow(contacts.person))
    address = pc.if_else(as_arrow(contacts.email_kind == SECONDARY), secondary, primary)
    none = np.flatnonzero(contacts.email_kind == NO_EMAIL)
    return styled_emails(rng, set_rows(address, none, pa.nulls(len(none), pa.string())))


def _truth(contacts: Contacts, identities: Identities) -> TruthRecords:
    """Each contact's person; the planted duplicates, typos, family addresses and email
    changes."""
    first = ~contacts.is_duplicate
    in_family = identities.family_of[contacts.person] >= 0
    changes = np.isfinite(identities.email_changed_at[contacts.person])
    return TruthRecords(
        source="crm.customers",
        keys=contacts.ids,
        person=contacts.person,
        day=np.maximum(contacts.first_crm_day, 0),
        planted=bits(
            duplicate_contact=contacts.is_duplicate,
            name_typo=contacts.has_typo,
            family_shared_email=first & in_family,
            email_changed=first & changes,
        ),
        eligible=bits(
            duplicate_contact=first,
            name_typo=contacts.is_duplicate,
            family_shared_email=first,
            email_changed=first & ~in_family,
        ),
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
    contacts: Contacts,
    attributes: Attributes,
    records: CrmRecords,
    columns: dict[str, pa.Array],
    ids: pa.Array,
) -> pa.Array:
    """One JSON object per record, in the contract's column order; preferred_language
    is added from the drift day on."""
    customer = records.customer
    rows = as_arrow(customer)
    values = [
        json_str(ids),
        json_str(pc.take(contacts.first_name, rows)),
        json_str(pc.take(contacts.last_name, rows)),
        json_str(columns["email"]),
        json_str(columns["phone"]),
        json_str(columns["country"]),
        json_str(columns["city"]),
        json_str(columns["tier"]),
        columns["consent"],
        json_str(iso_utc(world.epoch_seconds(contacts.created_at[customer]))),
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
