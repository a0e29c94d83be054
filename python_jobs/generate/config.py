"""Every number of the simulation: volumes, rates, probabilities, dirt rates."""

from __future__ import annotations

MANIFEST_NAME = "_manifest.json"
GENERATOR_VERSION = 1
EXTRA_HORIZON_DAYS = 60  # the world is simulated this many days beyond the requested ones
DRIFT_FRACTION = 0.6  # schema drift starts this far into the requested window
MAX_SCALE = 4.0  # scale 1 peaks at about 4.5 GB of memory
MAX_DAYS = 3650

# --------------------------------------------------------------------------------------
# Volumes at scale 1 (they scale linearly with --scale; per day where noted)
# --------------------------------------------------------------------------------------
CUSTOMERS_AT_START = 68_000  # customers existing before the first day (day 1 full export)
SIGNUPS_PER_DAY = 45_000 / 180  # new customers per day
PRE_WINDOW_DAYS = 365  # customers existing at start signed up uniformly over this period
CRM_CHANGE_RATE = 0.002  # CRM changes per customer and day
CRM_LAG_SHARE = 0.06  # new customers whose CRM record is exported 1-3 days late
DELETE_SHARE = 0.01  # customers deleted over the window
PRODUCTS = 2_000
PRODUCT_CHANGES_PER_PRODUCT = 0.06  # product changes per product over 180 days
ANON_VISITORS_PER_DAY = 1_250  # visitors who never log in, first seen per day

# Buy till you die
PURCHASE_SHAPE_R = 0.8  # lambda ~ Gamma(r, rate alpha), per day
PURCHASE_RATE_ALPHA = 8.0  # mean lambda = r / alpha = 1 order per 10 days
DROPOUT_A, DROPOUT_B = 0.8, 4.0  # p ~ Beta(a, b): dropout after each purchase
FIRST_PURCHASE_AT_SIGNUP = 0.7  # share of new customers buying right at signup
SPEND_P, SPEND_Q, SPEND_GAMMA = 6.0, 4.0, 37.5  # Gamma-Gamma spend, mean 75 EUR per order

# Web activity: sessions per day of an alive customer = base + per_lambda * lambda
WEB_SESSION_BASE = 0.008
WEB_SESSIONS_PER_LAMBDA = 1.1
WEB_DEAD_FACTOR = 0.03  # a customer's session rate after they died, relative to alive

# Support: probability that an order leads to a ticket, and background ticket rate
TICKET_PER_ORDER_BASE = 0.02
TICKET_PER_ORDER_DROPOUT = 0.55
TICKET_LAST_ORDER_BOOST = 0.75  # extra probability after the order a customer dies after
TICKET_BACKGROUND_RATE = 0.0004  # per customer and day, times (1 + 4 p)

# Default dirt rates, per entity: share of records of the entity that get that dirt
DIRT_RATES: dict[str, dict[str, float]] = {
    "customers": {
        "malformed_json": 0.003,
        "null_required": 0.001,
        "invalid_email": 0.02,
        "exact_duplicate": 0.01,
    },
    "orders": {
        "csv_wrong_type": 0.002,
        "csv_missing_fields": 0.001,
        "null_required": 0.001,
        "unknown_currency": 0.002,
        "exact_duplicate": 0.01,
    },
    "order_items": {
        "csv_wrong_type": 0.002,
        "csv_missing_fields": 0.001,
        "negative_quantity": 0.002,
        "exact_duplicate": 0.01,
    },
    "products": {"exact_duplicate": 0.01},
    "events": {"null_required": 0.001, "late_event": 0.02, "exact_duplicate": 0.01},
    "ticket_changes": {"out_of_order_change": 0.03, "exact_duplicate": 0.01},
}
CUSTOMER_ID_BASE = 1_000_001  # C1000001, C1000002, ... in signup order
PRODUCT_ID_BASE = 10_001
ORDER_ID_BASE = 100_000_001  # in order of ordered_at
TICKET_ID_BASE = 10_000_001
MIN_DIRT_IN_WINDOW = 2  # every injected kind appears at least this often in the window

DIRT_KINDS = (
    "clean",
    "exact_duplicate",
    "malformed_json",
    "csv_wrong_type",
    "csv_missing_fields",
    "null_required",
    "invalid_email",
    "negative_quantity",
    "unknown_currency",
    "unknown_customer",
    "late_event",
    "out_of_order_change",
)
D = {name: code for code, name in enumerate(DIRT_KINDS)}
