"""The landing contract as the generator writes it: one EntitySpec per entity (source,
format, folder, columns, the column added by the schema drift) and the parquet schemas.
The dbt sources in models/bronze/*/_*__sources.yml describe the same files
(tests/python/test_generate.py checks that they agree)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa

from .config import DIRT_RATES


@dataclass(frozen=True)
class EntitySpec:
    """One landing entity: a file per extract day at `path(day)`."""

    name: str
    source: str
    table: str
    fmt: str  # jsonl | csv | parquet
    folder: str
    columns: tuple[str, ...]
    drift_column: str | None = None

    @property
    def ext(self) -> str:
        return self.fmt

    @property
    def landing_path(self) -> str:
        return f"{self.folder}/{self.table}_*.{self.ext}"

    def path(self, day: dt.date) -> str:
        """The file of extract day `day`, relative to the landing root."""
        return f"{self.folder}/{self.table}_{day.isoformat()}.{self.ext}"

    def dirt_kinds(self) -> list[str]:
        """The dirt kinds the manifest counts for this entity."""
        kinds = list(DIRT_RATES[self.name])
        if self.drift_column:
            kinds.append("schema_drift")
        return kinds


ENTITIES: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (
        EntitySpec(
            "customers",
            "crm",
            "customers",
            "jsonl",
            "crm/customers",
            (
                "crm_id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "country",
                "city",
                "tier",
                "marketing_consent",
                "signup_at",
                "updated_at",
                "is_deleted",
                "preferred_language",
            ),
            drift_column="preferred_language",
        ),
        EntitySpec(
            "account_links",
            "crm",
            "account_links",
            "csv",
            "crm/account_links",
            ("crm_id", "shop_account_id", "linked_at", "is_deleted"),
        ),
        EntitySpec(
            "orders",
            "ecommerce",
            "orders",
            "csv",
            "ecommerce/orders",
            (
                "order_id",
                "shop_account_id",
                "order_status",
                "channel",
                "currency",
                "order_total",
                "shipping_amount",
                "ordered_at",
                "updated_at",
                "email",
                "phone",
                "coupon_code",
            ),
            drift_column="coupon_code",
        ),
        EntitySpec(
            "order_items",
            "ecommerce",
            "order_items",
            "csv",
            "ecommerce/order_items",
            ("order_id", "line_number", "product_id", "quantity", "unit_price", "updated_at"),
        ),
        EntitySpec(
            "products",
            "ecommerce",
            "products",
            "csv",
            "ecommerce/products",
            (
                "product_id",
                "product_name",
                "category",
                "brand",
                "list_price",
                "currency",
                "is_active",
                "updated_at",
            ),
        ),
        EntitySpec(
            "events",
            "web",
            "events",
            "parquet",
            "web/events",
            (
                "event_id",
                "anonymous_id",
                "shop_account_id",
                "event_type",
                "event_at",
                "page_url",
                "product_id",
                "order_id",
                "utm_source",
                "utm_medium",
                "utm_campaign",
                "referrer",
                "device_type",
            ),
        ),
        EntitySpec(
            "ticket_changes",
            "support",
            "ticket_changes",
            "parquet",
            "support/ticket_changes",
            (
                "ticket_id",
                "requester_email",
                "requester_phone",
                "category",
                "priority",
                "status",
                "channel",
                "satisfaction_score",
                "created_at",
                "updated_at",
                "_change_type",
                "_commit_version",
                "_commit_timestamp",
            ),
        ),
    )
}

TS_US = pa.timestamp("us", tz="UTC")
EVENTS_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("anonymous_id", pa.string()),
        ("shop_account_id", pa.string()),
        ("event_type", pa.string()),
        ("event_at", TS_US),
        ("page_url", pa.string()),
        ("product_id", pa.string()),
        ("order_id", pa.string()),
        ("utm_source", pa.string()),
        ("utm_medium", pa.string()),
        ("utm_campaign", pa.string()),
        ("referrer", pa.string()),
        ("device_type", pa.string()),
    ]
)
TICKETS_SCHEMA = pa.schema(
    [
        ("ticket_id", pa.string()),
        ("requester_email", pa.string()),
        ("requester_phone", pa.string()),
        ("category", pa.string()),
        ("priority", pa.string()),
        ("status", pa.string()),
        ("channel", pa.string()),
        ("satisfaction_score", pa.int32()),
        ("created_at", TS_US),
        ("updated_at", TS_US),
        ("_change_type", pa.string()),
        ("_commit_version", pa.int64()),
        ("_commit_timestamp", TS_US),
    ]
)
