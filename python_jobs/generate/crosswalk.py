"""The optional crosswalk (CSV), as many CRMs export it: which shop account a CRM contact
is linked to. CROSSWALK_SHARE of the persons have their first contact linked to their
account, exported 0 to CROSSWALK_LAG_DAYS days after the contact (never after a deletion).
Duplicate contacts are never linked: the CRM does not know they are the same person. No
link is removed (`is_deleted` is false on every row)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow.compute as pc

from .columns import as_arrow, csv_lines, fixed_ids, iso_utc, json_bool
from .config import CROSSWALK_LAG_DAYS, CROSSWALK_SHARE, CUSTOMER_ID_BASE, DIRT_RATES
from .writers import EntityRecords, text_records

if TYPE_CHECKING:
    from .identity import Identities
    from .world import Customers, World


def account_link_records(
    world: World, customers: Customers, identities: Identities
) -> EntityRecords:
    """One row per link (crm_id, shop_account_id, linked_at, is_deleted); dirt: duplicates."""
    rng, horizon = world.rngs["identity"], world.params.horizon
    count = customers.count
    linked = rng.random(count) < CROSSWALK_SHARE
    lag = rng.integers(0, CROSSWALK_LAG_DAYS + 1, count) + rng.random(count)
    linked_at = np.maximum(customers.first_crm_day, 0) + lag
    person = np.flatnonzero(linked & (linked_at < np.minimum(customers.deleted_at, horizon)))
    secs = world.epoch_seconds(linked_at[person])
    day = world.day_of_seconds(secs)
    dirt = np.zeros(len(person), dtype=np.int8)
    rate = DIRT_RATES["account_links"]["exact_duplicate"]
    src, dup_day = world.dirt_picker.duplicates(dirt, day, rate, None, horizon)
    lines = csv_lines(
        [
            fixed_ids("C", CUSTOMER_ID_BASE + person, 7),
            pc.take(identities.account_ids, as_arrow(person)),
            iso_utc(secs),
            json_bool(np.zeros(len(person), dtype=bool)),
        ]
    )
    return text_records("account_links", lines, day, dirt, secs, src, dup_day)
