"""The _manifest.json model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, Field

from .config import GENERATOR_VERSION, MANIFEST_NAME
from .errors import GenerateError
from .value_sets import (
    CATEGORIES,
    CHANGE_TYPES,
    COUNTRIES,
    COUPONS,
    CURRENCIES,
    DEVICES,
    EVENT_TYPES,
    LANGUAGES,
    ORDER_CHANNELS,
    ORDER_STATUSES,
    TICKET_CATEGORIES,
    TICKET_CHANNELS,
    TICKET_PRIORITIES,
    TICKET_STATUSES,
    TIERS,
    UNKNOWN_CURRENCIES,
)


# --------------------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------------------
class FileEntry(BaseModel):
    path: str = Field(description="File path relative to the landing root.")
    date: dt.date = Field(description="Extract day of the file.")
    rows: int = Field(description="Records (lines or rows) in the file, header excluded.")


class EntityManifest(BaseModel):
    source: str
    table: str
    format: str
    landing_path: str
    columns: list[str]
    rows: int = 0
    files: list[FileEntry] = Field(default_factory=list)
    dirt: dict[str, int] = Field(default_factory=dict)


class GeneratorParams(BaseModel):
    seed: int
    scale: float
    days: int
    start_date: dt.date
    end_date: dt.date
    horizon_days: int = Field(description="Days simulated from start_date (days + 60).")


class SchemaDrift(BaseModel):
    date: dt.date = Field(description="First extract day whose files carry the new columns.")
    columns: dict[str, list[str]]


class Manifest(BaseModel):
    generator: str = "python_jobs.generate"
    generator_version: int = GENERATOR_VERSION
    params: GeneratorParams
    days_written: list[dt.date]
    first_day_written: dt.date
    last_day_written: dt.date
    schema_drift: SchemaDrift
    dirt_rates: dict[str, dict[str, float]]
    entities: dict[str, EntityManifest]
    value_sets: dict[str, list[str]]
    country_codes: dict[str, str] = Field(description="Country spelling -> ISO 3166 alpha-2.")
    fx_per_eur: dict[str, float] = Field(description="Units of currency per EUR used.")


def value_sets() -> dict[str, list[str]]:
    return {
        "countries": [s for spellings in COUNTRIES.values() for s in spellings],
        "currencies": list(CURRENCIES),
        "unknown_currencies": list(UNKNOWN_CURRENCIES),
        "order_channels": list(ORDER_CHANNELS),
        "order_statuses": list(ORDER_STATUSES),
        "coupon_codes": list(COUPONS),
        "tiers": list(TIERS),
        "preferred_languages": list(LANGUAGES),
        "product_categories": list(CATEGORIES),
        "event_types": list(EVENT_TYPES),
        "device_types": list(DEVICES),
        "ticket_categories": list(TICKET_CATEGORIES),
        "ticket_priorities": list(TICKET_PRIORITIES),
        "ticket_statuses": list(TICKET_STATUSES),
        "ticket_channels": list(TICKET_CHANNELS),
        "change_types": list(CHANGE_TYPES),
    }


def read_manifest(out: Path) -> Manifest:
    path = out / MANIFEST_NAME
    if not path.is_file():
        raise GenerateError(f"{out} has no {MANIFEST_NAME}; generate the landing data first.")
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except ValueError:
        raise GenerateError(f"{path} is not a manifest this generator can read.") from None
