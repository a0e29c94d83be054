"""The Splink model of int_identity_match_pairs (python_jobs/identity/match_pairs.py), on
DuckDB and on a local SparkSession, against the generator's truth file.

The records are built here from generated landing files, as int_identity_nodes and
int_identity_rule_components will give them (those models are not needed): CRM contacts
(current version), orders and tickets, with email and phone normalised simply, and rule
components approximated by an exact normalised email (except an email that CRM contacts with
different first names share: a household's, which the rules do not link either).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from typer.testing import CliRunner

from python_jobs.cli import app
from python_jobs.identity.match_pairs import (
    PAIRS_SCHEMA,
    IdentityMatchError,
    score_match_pairs,
)

SCALE = 0.02
DAYS = 365
SEED = 42
THRESHOLD = 0.99

RECORDS_SQL = r"""
with

crm as (
    select * from read_json('{landing}/crm/customers/*.jsonl', format = 'newline_delimited',
        union_by_name = true, ignore_errors = true)
    where crm_id is not null
    qualify row_number() over (partition by crm_id order by updated_at desc) = 1
),

orders as (
    select * from read_csv_auto('{landing}/ecommerce/orders/*.csv', union_by_name = true,
        all_varchar = true)
    qualify row_number() over (partition by order_id order by updated_at desc) = 1
),

tickets as (
    select * from read_parquet('{landing}/support/ticket_changes/*.parquet',
        union_by_name = true)
    qualify row_number() over (
        partition by ticket_id order by _commit_version desc
    ) = 1
),

raw_nodes as (
    select
        'crm:' || crm_id as node_key, 'crm' as node_type, first_name, last_name, city,
        country as country_code, email, phone
    from crm
    union all
    select
        'order:' || order_id, 'order', null, null, null, null, email, phone
    from orders
    union all
    select
        'ticket:' || ticket_id, 'ticket', null, null, null, null, requester_email,
        requester_phone
    from tickets
),

nodes as (
    select
        node_key, node_type, first_name, last_name, city, country_code,
        case when lower(trim(email)) similar to '[^@ ]+@[^@ ]+\.[a-z]+'
            then lower(trim(email)) end as email_normalised,
        nullif(ltrim(regexp_replace(regexp_replace(phone, '^(\+|00)\d+[ -]', ''),
            '\D', '', 'g'), '0'), '') as phone_national_number
    from raw_nodes
),

household_emails as (
    select email_normalised from nodes
    where node_type = 'crm' and email_normalised is not null
    group by email_normalised having count(distinct lower(first_name)) > 1
),

components as (
    select
        nodes.*,
        case when nodes.email_normalised is null
                or nodes.email_normalised in (select * from household_emails)
            then nodes.node_key
            else min(nodes.node_key) over (partition by nodes.email_normalised)
        end as rule_component_key
    from nodes
)

select * from components order by node_key
"""


def _landing(root: Path, scale: float) -> Path:
    landing = root / "landing"
    generate_landing_data(landing, scale=scale, days=DAYS, seed=SEED)
    return landing
