"""Every number of the simulation, named: run limits, volumes, rates, probabilities, delays
and dirt rates. Times are in days unless the name says otherwise; a "share" is a
probability per record (or per customer, order, session, ticket as the comment says);
"(lo, hi)" pairs are the bounds of a uniform draw.

Changing a value here changes the landing files (the golden-output test in
tests/python/test_generate.py will say so).
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------
MANIFEST_NAME = "_manifest.json"
GENERATOR_VERSION = 2  # part of the seed: a new version simulates another world
# (2: source-native ids and the identity truth file, docs/identity_resolution.md)
EXTRA_HORIZON_DAYS = 60  # the world is simulated this many days beyond the requested ones
DRIFT_FRACTION = 0.6  # schema drift starts this far into the requested window
MAX_SCALE = 4.0  # scale 1 peaks at about 4.5 GB of memory
MAX_DAYS = 3650

# --------------------------------------------------------------------------------------
# Volumes at scale 1 (they scale linearly with --scale; per day where noted)
# --------------------------------------------------------------------------------------
CUSTOMERS_AT_START = 68_000  # customers existing before the first day (day 1 full export)
SIGNUPS_PER_DAY = 45_000 / 180  # new customers per day
MIN_CUSTOMERS = 20  # at least this many existing, and as many new, at any scale
PRE_WINDOW_DAYS = 365  # customers existing at start signed up uniformly over this period
PRODUCTS = 2_000
MIN_PRODUCTS = 50
ANON_VISITORS_PER_DAY = 1_250  # visitors who never log in, first seen per day
MIN_ANON_VISITORS = 10

# --------------------------------------------------------------------------------------
# Customers (world.py)
# --------------------------------------------------------------------------------------
COUNTRY_WEIGHTS = {
    "DE": 0.28,
    "GB": 0.12,
    "US": 0.08,
    "FR": 0.12,
    "ES": 0.07,
    "IT": 0.07,
    "NL": 0.07,
    "SE": 0.05,
    "PL": 0.07,
    "AT": 0.04,
    "CH": 0.03,
}
CRM_LAG_SHARE = 0.06  # new customers whose first CRM record is exported late
CRM_LAG_DAYS_MAX = 3  # by 1 to this many days
MIN_LAGGED_IN_WINDOW = 3
DELETE_SHARE = 0.01  # customers deleted over the window (as many per day after it)
DELETE_MIN_AGE_DAYS = 7.0  # a customer is deleted at least this long after signup
MIN_DELETES_IN_WINDOW = 2

# Buy till you die: purchase rate lambda ~ Gamma(r, rate alpha) per day; after each
# purchase the customer drops out with probability p ~ Beta(a, b); spend per order is
# Gamma(p, rate nu) with nu ~ Gamma(q, rate gamma) per customer
PURCHASE_SHAPE_R = 0.8
PURCHASE_RATE_ALPHA = 8.0  # mean lambda = r / alpha = 1 order per 10 days
DROPOUT_A, DROPOUT_B = 0.8, 4.0
FIRST_PURCHASE_AT_SIGNUP = 0.7  # share of new customers buying right at signup
FIRST_PURCHASE_DELAY_DAYS = 0.02  # mean delay of that purchase (about half an hour)
SPEND_P, SPEND_Q, SPEND_GAMMA = 6.0, 4.0, 37.5  # mean 75 EUR per order

# --------------------------------------------------------------------------------------
# CRM (crm.py)
# --------------------------------------------------------------------------------------
CRM_CHANGE_RATE = 0.002  # CRM changes per customer and day
CRM_CHANGE_MIN_AGE_DAYS = 7.0  # no change in a customer's first week
# tier, city, consent, phone (email changes: EMAIL_CHANGE_SHARE)
CRM_CHANGE_KIND_WEIGHTS = (0.35, 0.2, 0.25, 0.05)
TIER_WEIGHTS = (0.60, 0.25, 0.12, 0.03)  # bronze, silver, gold, platinum
MARKETING_CONSENT_SHARE = 0.55  # customers consenting at signup
SWISS_FRENCH_SHARE = 0.3  # Swiss customers preferring French over German
LANGUAGE_MISSING_SHARE = 0.03  # customers without a preferred language
# email address styles by a uniform draw u: title case below 0.08, upper case below 0.10,
# a leading space below 0.12, a trailing space below 0.13 (8%, 2%, 2%, 1%)
EMAIL_STYLE_CUTOFFS = (0.08, 0.10, 0.12, 0.13)

# --------------------------------------------------------------------------------------
# Identity (identity.py, and where each source writes it): what real exports have that
# makes linking them hard, planted at these rates and counted in the manifest's `identity`
# --------------------------------------------------------------------------------------
# every person has a primary and a secondary address (unique to them, made of their name);
# FAMILY_SHARED_EMAIL_SHARE of the persons share their primary address with a family
# member (same last name and city, another first name, their own phone): two people
FAMILY_SHARED_EMAIL_SHARE = 0.03
# persons (not in a family) whose primary address changes once, at a uniform time from the
# first day (and EMAIL_CHANGE_MIN_AGE_DAYS after signup) to the end of the horizon
EMAIL_CHANGE_SHARE = 0.1
EMAIL_CHANGE_MIN_AGE_DAYS = 14.0
# duplicate CRM contacts: a second contact of the same person, created this long after
# the first, whose email is the primary address in another style, the secondary address
# or none (weights), whose phone is the same number in another notation or none, and
# whose first or last name has a typo (one letter dropped, doubled or swapped)
DUPLICATE_CONTACT_SHARE = 0.04
DUPLICATE_CONTACT_AFTER_DAYS = (1.0, 60.0)
DUPLICATE_EMAIL_WEIGHTS = (0.5, 0.3, 0.2)  # primary (restyled), secondary, none
DUPLICATE_PHONE_SHARE = 0.6
DUPLICATE_NAME_TYPO_SHARE = 0.7
GUEST_ORDER_SHARE = 0.15  # orders checked out as a guest: no shop account id
ORDER_PHONE_SHARE = 0.7  # orders with a phone number
# support tickets: email and chat tickets name the requester's email (SECONDARY_EMAIL_
# TICKET_SHARE of them the secondary address), and a phone with TICKET_PHONE_SHARE;
# phone tickets name the phone, and an email with TICKET_PHONE_CHANNEL_EMAIL_SHARE
SECONDARY_EMAIL_TICKET_SHARE = 0.05
TICKET_PHONE_SHARE = 0.4
TICKET_PHONE_CHANNEL_EMAIL_SHARE = 0.3
# the optional crosswalk (crm/account_links): CRM id <-> shop account id of this share of
# the persons, exported 0 to CROSSWALK_LAG_DAYS days after the CRM contact
CROSSWALK_SHARE = 0.5
CROSSWALK_LAG_DAYS = 5
# a phone in one of PHONE_NOTATIONS notations, drawn per record (identity.phone_text);
# an email address in another style (title or upper case, a leading or trailing space)
# per record as EMAIL_STYLE_CUTOFFS says, in every source
TRUTH_FILE_NAME = "identity_truth.parquet"
TRUTH_DIR_NAME = "_truth"  # default truth folder: beside the landing root, in its parent

# --------------------------------------------------------------------------------------
# Ecommerce (ecommerce.py)
# --------------------------------------------------------------------------------------
LIST_PRICE_SIGMA = 0.8  # list price = category median * lognormal(0, sigma)
LIST_PRICE_RANGE_EUR = (2.0, 1500.0)  # clipped to this range
INACTIVE_AT_START_SHARE = 0.03  # products inactive on the first day
PRODUCT_NAME_COLOR_SHARE = 0.06  # names with ", <colour>" (CSV must quote them)
PRODUCT_NAME_EDITION_SHARE = 0.02  # names with ' "<edition>"' (CSV must double the quotes)
PRODUCT_CREATED_DAYS = (-400.0, -1.0)  # when the products of the first day were created
PRODUCT_CHANGES_PER_PRODUCT = 0.06  # product changes per product over the period below
PRODUCT_CHANGE_PERIOD_DAYS = 180
MIN_PRODUCT_CHANGE_EVERY_DAYS = 3  # at least one change per this many days at any scale
PRICE_CHANGE_SHARE = 0.75  # changes that change the price (the others (de)activate)
PRICE_CHANGE_FACTOR = (0.8, 1.2)  # new price = old price * factor, rounded to .99
MIN_PRICE_CENTS = 199

ORDER_CHANNEL_WEIGHTS = (0.55, 0.30, 0.15)  # web, app, marketplace
PAID_IN_EUR_SHARE = 0.10  # orders paid in EUR whatever the customer's country
COUPON_SHARE = 0.15  # orders with a coupon code
ITEMS_PER_ORDER_WEIGHTS = (0.15, 0.20, 0.20, 0.15, 0.12, 0.08, 0.06, 0.04)  # 1..8, mean 3.57
QUANTITY_WEIGHTS = (0.78, 0.15, 0.05, 0.02)  # 1..4
ITEM_PRICE_SIGMA = 0.35  # target unit price = spend per unit * lognormal(0, sigma)
ITEM_PRICE_SPREAD = 12  # the product is up to this many places from the target in price
DISCOUNTS = (0.0, 0.05, 0.10, 0.15)  # per item
DISCOUNT_WEIGHTS = (0.8, 0.1, 0.06, 0.04)
FREE_SHIPPING_FROM_EUR = 50.0
CANCEL_SHARE, RETURN_SHARE = 0.05, 0.03  # orders cancelled, and delivered then returned
SHIPPED_AFTER_DAYS = (1.0, 2.0)  # after the order is placed
DELIVERED_AFTER_DAYS = (2.0, 5.0)  # after the order is placed
DELIVERED_AFTER_SHIPPED_MIN_DAYS = 0.25
CANCELLED_AFTER_DAYS = (0.02, 1.0)  # after the order is placed
RETURNED_AFTER_DAYS = (3.0, 20.0)  # after delivery

# --------------------------------------------------------------------------------------
# Web (web.py)
# --------------------------------------------------------------------------------------
# sessions per day of an alive customer = base + per_lambda * lambda
WEB_SESSION_BASE = 0.008
WEB_SESSIONS_PER_LAMBDA = 1.1
WEB_DEAD_FACTOR = 0.03  # a customer's session rate after they dropped out, relative to alive
SESSIONS_BEFORE_START_DAYS = 0.1  # sessions start at most this long before the first day
SECOND_BROWSER_SHARE = 0.3  # customers with a second browser
SECOND_BROWSER_USE_SHARE = 0.25  # their sessions in the second browser
DEVICE_WEIGHTS = (0.45, 0.45, 0.10)  # desktop, mobile, tablet
SESSION_EVENTS_MEAN = 4.2  # events per session: geometric with this mean
MAX_SESSION_EVENTS = 20
SESSION_MODE_WEIGHTS = (0.2, 0.7, 0.1)  # anonymous, logged in, logs in part-way through
PRE_SIGNUP_SESSION_WEIGHTS = (0.4, 0.3, 0.2, 0.1)  # 0-3 anonymous sessions before signup
PRE_SIGNUP_SESSION_DAYS = (0.05, 14.0)  # that long before signup
SIGNUP_SESSION_MINUTES_BEFORE = (2.0, 10.0)  # the signup session starts this long before
SIGNUP_SESSION_EVENTS = (2, 8)
MIN_PURCHASE_SESSION_EVENTS = 3  # add_to_cart, checkout, purchase
PURCHASE_SESSION_EXTRA_EVENTS_MEAN = 3.0  # geometric, before those three
LOGIN_IN_PURCHASE_SESSION_SHARE = 0.15  # purchase sessions logging in part-way through
ANON_FIRST_SEEN_FROM_DAYS = -30.0  # anonymous visitors are first seen from this day on
ANON_VISITS_P = 0.45  # visits per anonymous visitor: geometric with this p (mean 2.2)
ANON_VISIT_GAP_MEAN_DAYS = 6.0
EVENT_GAP_MEAN_SECONDS = 50.0  # between events of a session: exponential
EVENT_GAP_RANGE_SECONDS = (1.0, 600.0)  # clipped to this range
EVENT_TYPE_WEIGHTS = (0.40, 0.45, 0.12, 0.03)  # page_view, product_view, add_to_cart, checkout
FIRST_EVENT_PAGE_VIEW_SHARE = 0.7  # a session starts with a page view, else a product view
PRODUCT_POPULARITY_EXPONENT = 0.8  # product views: Zipf-like, weight 1 / rank ** exponent
CAMPAIGN_SHARE = 0.3  # sessions from a UTM campaign
ORGANIC_REFERRER_SHARE = 0.45  # sessions with an organic referrer (when not a campaign)
LATE_EVENT_MAX_DAYS = 3  # a late event arrives 1 to this many days after its day

# --------------------------------------------------------------------------------------
# Support (support.py)
# --------------------------------------------------------------------------------------
# probability that an order leads to a ticket: base + dropout * p, plus the boost after
# the order a customer drops out after, at most the cap
TICKET_PER_ORDER_BASE = 0.02
TICKET_PER_ORDER_DROPOUT = 0.55
TICKET_LAST_ORDER_BOOST = 0.75
TICKET_MAX_PER_ORDER = 0.9
TICKET_AFTER_ORDER_DAYS = (0.3, 10.0)  # a ticket after an order is created this long after
TICKET_BACKGROUND_RATE = 0.0004  # other tickets per customer and day, times (1 + factor p)
TICKET_BACKGROUND_DROPOUT_FACTOR = 4
TICKETS_AFTER_DROPOUT_DAYS = 30.0  # background tickets end this long after dropping out
TICKET_AFTER_FIRST_CRM_DAYS = (1.0, 2.0)  # no ticket before the first CRM record + this
# categories billing, delivery, product, account: after an order and in the background
TICKET_CATEGORY_WEIGHTS_AFTER_ORDER = (0.2, 0.45, 0.3, 0.05)
TICKET_CATEGORY_WEIGHTS_BACKGROUND = (0.4, 0.0, 0.1, 0.5)
TICKET_PRIORITY_WEIGHTS = (0.30, 0.50, 0.15, 0.05)  # low, normal, high, urgent
TICKET_CHANNEL_WEIGHTS = (0.50, 0.35, 0.15)  # email, chat, phone
# satisfaction = round(base - per_dropout * p - last_order + normal(0, sd)), 1 to 5
SATISFACTION_BASE = 4.4
SATISFACTION_PER_DROPOUT = 5.0
SATISFACTION_LAST_ORDER = 1.0  # after the order the customer drops out after
SATISFACTION_NOISE_SD = 0.7
SATISFACTION_RATED_SHARE = 0.6  # tickets rated (from the solved status on)
OPEN_AFTER_MEAN_DAYS = 0.15  # new -> open: exponential
PENDING_SHARE = 0.5  # tickets going through pending
PENDING_MEAN_DAYS = 1.0  # open -> pending: exponential
SOLVED_AFTER_MEAN_DAYS = 1.5  # open or pending -> solved: exponential
CLOSED_AFTER_DAYS = (2.0, 7.0)  # solved -> closed
TICKET_DELETE_SHARE = 0.02  # tickets deleted early
TICKET_DELETED_AFTER_DAYS = (0.01, 1.0)  # after creation

# --------------------------------------------------------------------------------------
# Dirt (dirt.py): default rates per entity, the share of its records that get that dirt
# --------------------------------------------------------------------------------------
DIRT_RATES: dict[str, dict[str, float]] = {
    "customers": {
        "malformed_json": 0.003,
        "null_required": 0.001,
        "invalid_email": 0.02,
        "exact_duplicate": 0.01,
    },
    "account_links": {"exact_duplicate": 0.01},
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
MIN_DIRT_IN_WINDOW = 2  # every injected kind appears at least this often in the window
DUPLICATE_NEXT_DAY_SHARE = 0.5  # duplicates delivered in the next day's file, when allowed
# out-of-order ticket changes: a commit is delayed 1 to MAX_DELAY days past the file of the
# ticket's next commit, when that one is at most MAX_GAP days later. The rate counts rows;
# a commit has 1.7 rows on average (updates have a pre- and a post-image).
OUT_OF_ORDER_MAX_DELAY_DAYS = 2
OUT_OF_ORDER_MAX_GAP_DAYS = 2
ROWS_PER_COMMIT = 1.7

# --------------------------------------------------------------------------------------
# Ids: C1000001, P10001, O100000001, T10000001, ... in order of signup, product, order
# time and ticket creation; duplicate CRM contacts after every first contact; shop
# accounts A1000001, ... in an order of their own (no number links them to the CRM); the
# truth file's persons H1000001, ... (customers in signup order, then anonymous visitors)
# --------------------------------------------------------------------------------------
CUSTOMER_ID_BASE = 1_000_001
ACCOUNT_ID_BASE = 1_000_001
PERSON_ID_BASE = 1_000_001
PRODUCT_ID_BASE = 10_001
ORDER_ID_BASE = 100_000_001
TICKET_ID_BASE = 10_000_001
