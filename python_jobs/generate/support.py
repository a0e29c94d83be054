"""The support source (parquet): tickets as a Delta change data feed.

Tickets follow orders (more often for customers about to drop out, and most after the
order a customer drops out after) or come in the background. Each goes new -> open ->
(pending) -> solved -> closed, unless deleted early. Every status change is a commit: an
insert, or an update_preimage and update_postimage pair; a deletion is a delete row.

The support desk knows a requester by what they wrote from: an email address (on email
and chat tickets; SECONDARY_EMAIL_TICKET_SHARE of them the person's secondary address) and
a phone number (on phone tickets, and some others), never a CRM id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrays import concat, min_over_higher_versions, normalised, rank_within
from .columns import as_arrow, fixed_ids, pick_dict, set_rows
from .config import (
    CLOSED_AFTER_DAYS,
    DIRT_RATES,
    OPEN_AFTER_MEAN_DAYS,
    OUT_OF_ORDER_MAX_DELAY_DAYS,
    OUT_OF_ORDER_MAX_GAP_DAYS,
    PENDING_MEAN_DAYS,
    PENDING_SHARE,
    ROWS_PER_COMMIT,
    SATISFACTION_BASE,
    SATISFACTION_LAST_ORDER,
    SATISFACTION_NOISE_SD,
    SATISFACTION_PER_DROPOUT,
    SATISFACTION_RATED_SHARE,
    SECONDARY_EMAIL_TICKET_SHARE,
    SOLVED_AFTER_MEAN_DAYS,
    TICKET_AFTER_FIRST_CRM_DAYS,
    TICKET_AFTER_ORDER_DAYS,
    TICKET_BACKGROUND_DROPOUT_FACTOR,
    TICKET_BACKGROUND_RATE,
    TICKET_CATEGORY_WEIGHTS_AFTER_ORDER,
    TICKET_CATEGORY_WEIGHTS_BACKGROUND,
    TICKET_CHANNEL_WEIGHTS,
    TICKET_DELETE_SHARE,
    TICKET_DELETED_AFTER_DAYS,
    TICKET_ID_BASE,
    TICKET_LAST_ORDER_BOOST,
    TICKET_MAX_PER_ORDER,
    TICKET_PER_ORDER_BASE,
    TICKET_PER_ORDER_DROPOUT,
    TICKET_PHONE_CHANNEL_EMAIL_SHARE,
    TICKET_PHONE_SHARE,
    TICKET_PRIORITY_WEIGHTS,
    TICKETS_AFTER_DROPOUT_DAYS,
)
from .dirt import DIRT_CODE
from .entities import TICKETS_SCHEMA, TS_US
from .identity import phone_text, styled_emails
from .truth import TruthRecords, bits
from .value_sets import (
    CHANGE_TYPES,
    TICKET_CATEGORIES,
    TICKET_CHANNELS,
    TICKET_PRIORITIES,
    TICKET_STATUSES,
)
from .writers import EntityRecords, with_duplicates

if TYPE_CHECKING:
    from .ecommerce import Orders
    from .identity import Identities
    from .world import Customers, World

NEW, OPEN, PENDING, SOLVED, CLOSED = range(5)  # index into TICKET_STATUSES
INSERT, UPDATE_PREIMAGE, UPDATE_POSTIMAGE, DELETE = range(4)  # index into CHANGE_TYPES
VERSION_KEY = 1 << 40  # (ticket, version) as one sortable number


@dataclass
class Tickets:
    """Tickets in order of creation: ticket i has id T{TICKET_ID_BASE + i}."""

    customer: np.ndarray
    created_at: np.ndarray
    category: np.ndarray  # index into TICKET_CATEGORIES
    priority: np.ndarray
    channel: np.ndarray
    score: np.ndarray  # satisfaction 1-5 once solved, -1 if never rated


@dataclass
class ChangeRows:
    """The change feed: one row per insert, pre- or post-image, or delete."""

    ticket: np.ndarray
    status: np.ndarray  # index into TICKET_STATUSES
    score: np.ndarray  # -1: null
    updated_micros: np.ndarray
    change: np.ndarray  # index into CHANGE_TYPES
    version: np.ndarray  # _commit_version
    commit_micros: np.ndarray
    day: np.ndarray  # extract day of the commit


def ticket_change_records(
    world: World, customers: Customers, identities: Identities, orders: Orders
) -> EntityRecords:
    """The change feed of every ticket, with its dirt, rows shuffled within each file;
    and each ticket's true person."""
    rng = world.rngs["support"]
    tickets = _tickets(world, customers, orders)
    requester = _requesters(rng, identities, tickets)
    stage_at, deleted_at = _lifecycle(rng, tickets.created_at)
    rows = _change_rows(world, tickets, stage_at, deleted_at)
    dirt, deliver, src, dup_day = _change_dirt(world, rows)
    created = world.epoch_micros(tickets.created_at)
    ticket = rows.ticket
    table = pa.Table.from_arrays(
        [
            pc.take(fixed_ids("T", TICKET_ID_BASE + np.arange(len(created)), 8), as_arrow(ticket)),
            pc.take(requester["email"], as_arrow(ticket)),
            pc.take(requester["phone"], as_arrow(ticket)),
            pick_dict(TICKET_CATEGORIES, tickets.category[ticket]),
            pick_dict(TICKET_PRIORITIES, tickets.priority[ticket]),
            pick_dict(TICKET_STATUSES, rows.status),
            pick_dict(TICKET_CHANNELS, tickets.channel[ticket]),
            as_arrow(np.maximum(rows.score, 0).astype(np.int32), mask=rows.score < 0),
            as_arrow(created[ticket], TS_US),
            as_arrow(rows.updated_micros, TS_US),
            pick_dict(CHANGE_TYPES, rows.change),
            as_arrow(np.asarray(rows.version, dtype=np.int64)),
            as_arrow(rows.commit_micros, TS_US),
        ],
        names=TICKETS_SCHEMA.names,
    )
    all_day, all_dirt = with_duplicates(deliver, dirt, src, dup_day)
    shuffle = rng.random(len(all_day))  # rows inside each file are shuffled
    order = np.lexsort((shuffle, all_day))
    table_rows = np.concatenate([np.arange(len(ticket)), src])[order]
    first_day = np.full(len(created), np.iinfo(np.int64).max)
    np.minimum.at(first_day, ticket[table_rows], all_day[order])
    return EntityRecords(
        day=all_day[order],
        dirt=all_dirt[order],
        table=table.take(as_arrow(table_rows)),
        truth=TruthRecords(
            source="support.ticket_changes",
            keys=fixed_ids("T", TICKET_ID_BASE + np.arange(len(created)), 8),
            person=tickets.customer,
            day=first_day,
            planted=bits(secondary_email=requester["secondary"]),
            eligible=bits(secondary_email=requester["has_email"]),
        ),
    )


def _requesters(
    rng: np.random.Generator, identities: Identities, tickets: Tickets
) -> dict[str, np.ndarray | pa.Array]:
    """Per ticket, the requester's email (primary at the time, or secondary) and phone,
    as typed; which tickets name an email, and which the secondary address."""
    count, person = len(tickets.customer), tickets.customer
    by_phone = tickets.channel == TICKET_CHANNELS.index("phone")
    has_email = ~by_phone | (rng.random(count) < TICKET_PHONE_CHANNEL_EMAIL_SHARE)
    has_phone = by_phone | (rng.random(count) < TICKET_PHONE_SHARE)
    secondary = has_email & (rng.random(count) < SECONDARY_EMAIL_TICKET_SHARE)
    email = pc.if_else(
        as_arrow(secondary),
        pc.take(identities.secondary_email, as_arrow(person)),
        identities.email_at(person, tickets.created_at),
    )
    no_email, no_phone = np.flatnonzero(~has_email), np.flatnonzero(~has_phone)
    email = set_rows(styled_emails(rng, email), no_email, pa.nulls(len(no_email), pa.string()))
    phone = phone_text(rng, identities, person)
    phone = set_rows(phone, no_phone, pa.nulls(len(no_phone), pa.string()))
    return {"email": email, "phone": phone, "secondary": secondary, "has_email": has_email}


def _tickets(world: World, customers: Customers, orders: Orders) -> Tickets:
    """Tickets after orders and in the background, created after the customer's first
    CRM record and before deletion, with a priority, a channel and a satisfaction score
    (lower for customers likely to drop out and after their last order)."""
    rng, horizon = world.rngs["support"], world.params.horizon
    customer, created_at, category, after_last = _ticket_origins(rng, horizon, customers, orders)
    delay = rng.uniform(*TICKET_AFTER_FIRST_CRM_DAYS, len(customer))
    created_at = np.maximum(created_at, customers.first_crm_day[customer] + delay)
    keep = created_at < np.minimum(customers.deleted_at[customer], horizon)
    order = np.argsort(created_at[keep], kind="stable")
    customer, created_at = customer[keep][order], created_at[keep][order]
    category, after_last = category[keep][order], after_last[keep][order]
    count = len(customer)
    priority = rng.choice(4, count, p=normalised(TICKET_PRIORITY_WEIGHTS))
    channel = rng.choice(3, count, p=normalised(TICKET_CHANNEL_WEIGHTS))
    score = np.clip(
        np.round(
            SATISFACTION_BASE
            - SATISFACTION_PER_DROPOUT * customers.dropout_prob[customer]
            - SATISFACTION_LAST_ORDER * after_last
            + rng.normal(0, SATISFACTION_NOISE_SD, count)
        ),
        1,
        5,
    ).astype(np.int64)
    score = np.where(rng.random(count) < SATISFACTION_RATED_SHARE, score, -1)
    return Tickets(customer, created_at, category, priority, channel, score)


def _ticket_origins(
    rng: np.random.Generator, horizon: int, customers: Customers, orders: Orders
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Customer, time, category and "after the last order" flag of each ticket: after an
    order, with a probability that grows with the customer's dropout probability; and in
    the background, until TICKETS_AFTER_DROPOUT_DAYS after dropping out."""
    dropout = customers.dropout_prob
    prob = TICKET_PER_ORDER_BASE + TICKET_PER_ORDER_DROPOUT * dropout[orders.customer]
    prob = np.minimum(
        TICKET_MAX_PER_ORDER, prob + TICKET_LAST_ORDER_BOOST * orders.is_last_before_dropout
    )
    from_order = np.flatnonzero(rng.random(orders.count) < prob)
    customer = [orders.customer[from_order]]
    created = [
        orders.placed_at[from_order] + rng.uniform(*TICKET_AFTER_ORDER_DAYS, len(from_order))
    ]
    category = [rng.choice(4, len(from_order), p=TICKET_CATEGORY_WEIGHTS_AFTER_ORDER)]
    after_last = [orders.is_last_before_dropout[from_order]]
    lo = np.maximum(customers.signup_at, 0.0)
    hi = np.minimum(
        np.minimum(customers.deleted_at, horizon),
        customers.dropped_out_at + TICKETS_AFTER_DROPOUT_DAYS,
    )
    span = np.clip(hi - lo, 0.0, None)
    span[~np.isfinite(span)] = 0.0
    rate = TICKET_BACKGROUND_RATE * (1 + TICKET_BACKGROUND_DROPOUT_FACTOR * dropout)
    who = np.repeat(np.arange(customers.count), rng.poisson(rate * span))
    customer.append(who)
    created.append(rng.uniform(lo[who], hi[who]))
    category.append(rng.choice(4, len(who), p=TICKET_CATEGORY_WEIGHTS_BACKGROUND))
    after_last.append(np.zeros(len(who), dtype=bool))
    return concat(customer), concat(created, np.float64), concat(category), concat(after_last, bool)


def _lifecycle(rng: np.random.Generator, created_at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Time of each status (NaN if skipped: pending for half of them) and deletion time
    (inf unless deleted early, TICKET_DELETE_SHARE of them)."""
    count = len(created_at)
    stage_at = np.full((count, 5), np.nan)
    stage_at[:, NEW] = created_at
    stage_at[:, OPEN] = created_at + rng.exponential(OPEN_AFTER_MEAN_DAYS, count)
    pending = rng.random(count) < PENDING_SHARE
    stage_at[:, PENDING] = np.where(
        pending, stage_at[:, OPEN] + rng.exponential(PENDING_MEAN_DAYS, count), np.nan
    )
    before_solved = np.where(pending, stage_at[:, PENDING], stage_at[:, OPEN])
    stage_at[:, SOLVED] = before_solved + rng.exponential(SOLVED_AFTER_MEAN_DAYS, count)
    stage_at[:, CLOSED] = stage_at[:, SOLVED] + rng.uniform(*CLOSED_AFTER_DAYS, count)
    deleted = rng.random(count) < TICKET_DELETE_SHARE
    deleted_at = np.where(
        deleted, created_at + rng.uniform(*TICKET_DELETED_AFTER_DAYS, count), np.inf
    )
    return stage_at, deleted_at


def _change_rows(
    world: World, tickets: Tickets, stage_at: np.ndarray, deleted_at: np.ndarray
) -> ChangeRows:
    """One commit per status reached before deletion and the horizon (the first an
    insert, later ones a pre/post-image pair) and one per deletion, versioned in time
    order. The score shows from the solved status on."""
    horizon = world.params.horizon
    valid = np.isfinite(stage_at) & (stage_at < np.minimum(deleted_at, horizon)[:, None])
    ticket, stage = np.nonzero(valid)  # row-major: by ticket, then stage
    stage_micros = world.epoch_micros(stage_at[ticket, stage])
    prev = np.arange(len(ticket)) - 1  # previous valid stage of the same ticket
    update = np.flatnonzero(stage > 0)
    insert = np.flatnonzero(stage == 0)
    deleted = np.flatnonzero(np.isfinite(deleted_at) & (deleted_at < horizon))
    last_stage = np.searchsorted(ticket, deleted, side="right") - 1
    n_stage, n_deleted = len(ticket), len(deleted)
    commit_micros = np.concatenate([stage_micros, world.epoch_micros(deleted_at[deleted])])
    version = np.empty(n_stage + n_deleted, dtype=np.int64)
    version[np.argsort(commit_micros, kind="stable")] = 1 + np.arange(n_stage + n_deleted)
    # rows: inserts, pre-images, post-images, deletes (each with the state it shows)
    row_ticket = np.concatenate([ticket[insert], ticket[update], ticket[update], deleted])
    shown = np.concatenate([insert, prev[update], update, last_stage])
    status = stage[shown]
    score = np.where(status >= SOLVED, tickets.score[row_ticket], -1)  # rated once solved
    change = np.concatenate(
        [
            np.full(len(insert), INSERT),
            np.full(len(update), UPDATE_PREIMAGE),
            np.full(len(update), UPDATE_POSTIMAGE),
            np.full(n_deleted, DELETE),
        ]
    ).astype(np.int64)
    commit = np.concatenate([insert, update, update, n_stage + np.arange(n_deleted)])
    micros = commit_micros[commit]
    return ChangeRows(
        ticket=row_ticket,
        status=status,
        score=score,
        updated_micros=stage_micros[shown],
        change=change,
        version=version[commit],
        commit_micros=micros,
        day=world.day_of_micros(micros),
    )


def _change_dirt(world: World, rows: ChangeRows) -> tuple[np.ndarray, ...]:
    """Dirt codes, delivery days and duplicates (source rows, their days). A duplicate
    goes to the next file only when no higher version of the ticket was delivered up to
    that file (else the copy would also be out of order)."""
    params, n = world.params, len(rows.ticket)
    dirt = np.zeros(n, dtype=np.int8)
    by_commit = np.lexsort((rows.version, rows.ticket))
    deliver = _delay_out_of_order(world, rows, by_commit, dirt)
    ticket, version = rows.ticket[by_commit], rows.version[by_commit]
    later_min = min_over_higher_versions(ticket, deliver[by_commit], version)
    next_ok = np.zeros(n, dtype=bool)
    next_ok[by_commit] = later_min >= deliver[by_commit] + 1
    rate = DIRT_RATES["ticket_changes"]["exact_duplicate"]
    src, dup_day = world.dirt_picker.duplicates(dirt, deliver, rate, next_ok, params.horizon)
    return dirt, deliver, src, dup_day


def _delay_out_of_order(
    world: World, rows: ChangeRows, by_commit: np.ndarray, dirt: np.ndarray
) -> np.ndarray:
    """Delivery day of each row, some commits delayed past the file of the ticket's next
    commit (marked out_of_order_change in `dirt`). Only commits at even positions within
    their ticket, so no two neighbours move."""
    params, n = world.params, len(rows.ticket)
    ticket, version, day = rows.ticket[by_commit], rows.version[by_commit], rows.day[by_commit]
    key = ticket * VERSION_KEY + version
    next_row = np.searchsorted(key, key, side="right")  # first row of the next commit
    has_next = next_row < n
    has_next[has_next] = ticket[has_next] == ticket[next_row[has_next]]
    next_day = np.zeros(n, dtype=np.int64)
    next_day[by_commit] = np.where(has_next, day[np.minimum(next_row, n - 1)], -1)
    last_day = np.zeros(n, dtype=np.int64)
    last_day[by_commit] = np.where(day < params.days, params.days - 1, params.horizon - 1)
    eligible = np.zeros(n, dtype=bool)
    eligible[by_commit] = has_next & (rank_within(ticket, version) % 2 == 0)
    eligible &= (next_day + 1 <= last_day) & (next_day - rows.day <= OUT_OF_ORDER_MAX_GAP_DAYS)
    # whole commits: choose rows, then take the commit's other row too
    rate = DIRT_RATES["ticket_changes"]["out_of_order_change"] / ROWS_PER_COMMIT
    chosen = world.dirt_picker.choose(eligible, rows.day, rate)
    chosen_versions = np.unique(rows.version[chosen])
    late = np.isin(rows.version, chosen_versions)
    dirt[late] = DIRT_CODE["out_of_order_change"]
    max_delay = OUT_OF_ORDER_MAX_DELAY_DAYS
    delay = world.rngs["support"].integers(1, max_delay + 1, len(chosen_versions))
    shift = delay[np.searchsorted(chosen_versions, rows.version[late])]
    deliver = rows.day.copy()
    deliver[late] = np.minimum(next_day[late] + shift, last_day[late])
    return deliver
