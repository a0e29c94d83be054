"""Who each person is, across the sources: names, email addresses over time, a phone, a
shop account, and the family members who share an address.

Person i is customer i of world.py. Every source writes what its own system knows of a
person (CRM contacts, shop accounts and the order's contact details, a ticket's requester,
a browser); this module is the one place that knows they are the same person, and the
truth file (truth.py) writes it down. Addresses are unique to their person unless planted
as a family's shared address (FAMILY_SHARED_EMAIL_SHARE). Email and phone values are
canonical here; each source writes them in a style or notation of its own
(`styled_emails`, `phone_text`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columns import as_arrow, fixed_ids, int_str, join, pick
from .config import (
    ACCOUNT_ID_BASE,
    EMAIL_CHANGE_MIN_AGE_DAYS,
    EMAIL_CHANGE_SHARE,
    EMAIL_STYLE_CUTOFFS,
    FAMILY_SHARED_EMAIL_SHARE,
)
from .value_sets import COUNTRIES, COUNTRY_DIAL, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES

if TYPE_CHECKING:
    from .world import Customers, World

COUNTRY_CODES = list(COUNTRIES)
EMAIL_PATTERNS = 4  # first.last, first.last<n>, <f>last, first_last<n>
PHONE_NOTATIONS = 4  # +49 151 1234567, 0151 1234567, +49-151-1234567, (0151) 1234567
ADDRESS_KINDS = 3  # each person's primary, changed and secondary address


@dataclass
class Identities:
    """Person i's identity: names (index into the value sets), canonical addresses, phone,
    shop account and family."""

    first_name: np.ndarray
    last_name: np.ndarray
    email: pa.Array  # primary address until email_changed_at
    new_email: pa.Array  # primary address from email_changed_at on
    email_changed_at: np.ndarray  # inf: never
    secondary_email: pa.Array  # used by some tickets and duplicate CRM contacts
    family_of: np.ndarray  # the family member sharing the primary address, or -1
    city_draw: np.ndarray  # draw of the city (pick_in_groups); family members share it
    dial: pa.Array  # country calling code
    phone_prefix: np.ndarray  # mobile prefix, national, without the leading 0
    phone_number: np.ndarray
    account_ids: pa.Array  # each person's shop account id

    def email_at(self, person: np.ndarray, at: np.ndarray) -> pa.Array:
        """The canonical primary address of each person at each time."""
        person = np.asarray(person, dtype=np.int64)
        changed = as_arrow(np.asarray(at) >= self.email_changed_at[person])
        rows = as_arrow(person)
        return pc.if_else(changed, pc.take(self.new_email, rows), pc.take(self.email, rows))


def simulate_identities(world: World, customers: Customers) -> Identities:
    """Names, unique addresses (a family's shared), email changes, phones and accounts."""
    rng, count = world.rngs["identity"], customers.count
    first = rng.integers(0, len(FIRST_NAMES), count)
    last = rng.integers(0, len(LAST_NAMES), count)
    family_of = _family_pairs(rng, customers.country)
    # the later member of a pair takes the earlier one's last name, city and address
    joins = np.flatnonzero((family_of >= 0) & (family_of < np.arange(count)))
    last[joins] = last[family_of[joins]]
    same_first = joins[first[joins] == first[family_of[joins]]]
    first[same_first] = (first[same_first] + 1) % len(FIRST_NAMES)
    addresses = _unique_addresses(rng, np.tile(first, ADDRESS_KINDS), np.tile(last, ADDRESS_KINDS))
    household = np.arange(count)
    household[joins] = family_of[joins]
    city_draw = rng.integers(0, 1 << 30, count)[household]
    return Identities(
        first_name=first,
        last_name=last,
        email=pc.take(addresses.slice(0, count), as_arrow(household)),
        new_email=addresses.slice(count, count),
        email_changed_at=_email_changes(rng, world.params.horizon, customers, family_of),
        secondary_email=addresses.slice(2 * count, count),
        family_of=family_of,
        city_draw=city_draw,
        dial=pick([COUNTRY_DIAL[k] for k in COUNTRY_CODES], customers.country),
        phone_prefix=rng.integers(150, 180, count),
        phone_number=rng.integers(1_000_000, 10_000_000, count),
        account_ids=fixed_ids("A", ACCOUNT_ID_BASE + rng.permutation(count), 7),
    )


def _family_pairs(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    """Pairs of persons of the same country, FAMILY_SHARED_EMAIL_SHARE of the persons:
    each one's partner, or -1."""
    count = len(country)
    pairs = min(count // 2, max(1, round(FAMILY_SHARED_EMAIL_SHARE * count / 2)))
    chosen = rng.choice(count, size=2 * pairs, replace=False)
    chosen = chosen[np.lexsort((rng.random(len(chosen)), country[chosen]))]
    a, b = chosen[0::2], chosen[1::2]
    same = country[a] == country[b]
    family_of = np.full(count, -1)
    family_of[a[same]], family_of[b[same]] = b[same], a[same]
    return family_of


def _email_changes(
    rng: np.random.Generator, horizon: int, customers: Customers, family_of: np.ndarray
) -> np.ndarray:
    """When each person's primary address changes (inf: never): EMAIL_CHANGE_SHARE of the
    persons outside a family, uniformly from EMAIL_CHANGE_MIN_AGE_DAYS after signup (and
    the first day) to the end of the horizon, before any deletion."""
    lo = np.maximum(customers.signup_at + EMAIL_CHANGE_MIN_AGE_DAYS, 0.0)
    changes = (rng.random(len(lo)) < EMAIL_CHANGE_SHARE) & (family_of < 0) & (lo < horizon)
    at = rng.uniform(np.minimum(lo, horizon), horizon)
    return np.where(changes & (at < customers.deleted_at), at, np.inf)


def _email_part(name: str) -> str:
    """A name as it appears in an email address: lower-case ASCII letters and digits."""
    name = name.replace("ß", "ss").replace("ø", "o").replace("ł", "l")
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _unique_addresses(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> pa.Array:
    """An address per row made of the row's names, a number and a domain in one of
    EMAIL_PATTERNS patterns; a row whose address an earlier row has gets
    first.last<100 + row>, so no two rows share one."""
    count = len(first)
    first_part = pick([_email_part(x) for x in FIRST_NAMES], first)
    last_part = pick([_email_part(x) for x in LAST_NAMES], last)
    number = int_str(rng.integers(1, 100, count))
    domain = pick(EMAIL_DOMAINS, rng.integers(0, len(EMAIL_DOMAINS), count))
    local = pc.choose(
        as_arrow(rng.integers(0, EMAIL_PATTERNS, count).astype(np.int8)),
        join(first_part, ".", last_part),
        join(first_part, ".", last_part, number),
        join(pc.utf8_slice_codeunits(first_part, 0, 1), last_part),
        join(first_part, "_", last_part, number),
    )
    address = join(local, "@", domain)
    _, first_seen = np.unique(address.to_numpy(zero_copy_only=False), return_index=True)
    taken = np.ones(count, dtype=bool)
    taken[first_seen] = False
    unique = join(first_part, ".", last_part, int_str(100 + np.arange(count)), "@", domain)
    return pc.if_else(as_arrow(taken), unique, address)


def styled_emails(rng: np.random.Generator, address: pa.Array) -> pa.Array:
    """Addresses as a person or a form typed them: a few in title or upper case, or with a
    space before or after (EMAIL_STYLE_CUTOFFS); nulls stay null."""
    style = rng.random(len(address))
    title, upper, leading, trailing = EMAIL_STYLE_CUTOFFS
    address = pc.if_else(as_arrow(style < title), pc.utf8_title(address), address)
    address = pc.if_else(
        as_arrow((style >= title) & (style < upper)), pc.utf8_upper(address), address
    )
    address = pc.if_else(
        as_arrow((style >= upper) & (style < leading)), join(" ", address), address
    )
    return pc.if_else(
        as_arrow((style >= leading) & (style < trailing)), join(address, " "), address
    )


def phone_text(rng: np.random.Generator, identities: Identities, person: np.ndarray) -> pa.Array:
    """Each person's mobile number in one of PHONE_NOTATIONS national or international
    notations, drawn per row."""
    person = np.asarray(person, dtype=np.int64)
    dial = pc.take(identities.dial, as_arrow(person))
    prefix = int_str(identities.phone_prefix[person])
    number = int_str(identities.phone_number[person])
    return pc.choose(
        as_arrow(rng.integers(0, PHONE_NOTATIONS, len(person)).astype(np.int8)),
        join("+", dial, " ", prefix, " ", number),
        join("0", prefix, " ", number),
        join("+", dial, "-", prefix, "-", number),
        join("(0", prefix, ") ", number),
    )


def typo_names(rng: np.random.Generator, names: list[str]) -> list[str]:
    """Each name with one typo after its first letter: a letter dropped, doubled, or
    swapped with the next one (a few hundred names at most)."""
    kinds = rng.integers(0, 3, len(names))
    draws = rng.integers(0, 1 << 30, len(names))
    typos = []
    for name, kind, draw in zip(names, kinds, draws, strict=True):
        at = 1 + int(draw) % max(1, len(name) - 2)
        if kind == 0:
            typos.append(name[:at] + name[at + 1 :])
        elif kind == 1:
            typos.append(name[: at + 1] + name[at:])
        else:
            swapped = name[:at] + name[at + 1 : at + 2] + name[at] + name[at + 2 :]
            typos.append(swapped if swapped != name else name[:at] + name[at + 1 :])
    return typos
