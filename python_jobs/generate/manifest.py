"""The _manifest.json written beside the landing files: what was generated (parameters,
days, files and their rows), the schema drift, the dirt injected per entity and kind, the
value sets, and where the identity truth file is with what was planted in it, so tests and
readers can check the landing data against it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from .config import DIRT_RATES, GENERATOR_VERSION, MANIFEST_NAME
from .dirt import dirt_counts
from .entities import ENTITIES
from .errors import GenerateError
from .truth import PLANTED_RATES
from .value_sets import (
    CATEGORIES,
    CHANGE_TYPES,
    COUNTRIES,
    COUPONS,
    CURRENCIES,
    DEVICES,
    EVENT_TYPES,
    FX_PER_EUR,
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

if TYPE_CHECKING:
    from .world import Params
    from .writers import EntityRecords


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


class PlantedCount(BaseModel):
    rate: float = Field(description="The configured rate (python_jobs/generate/config.py).")
    planted: int = Field(description="Records in the written files with this kind planted.")
    of: int = Field(description="The records the rate is a share of.")
    per: str = Field(description="What those records are.")


class IdentityManifest(BaseModel):
    truth_file: str = Field(
        description="The truth file (true person of every source record), relative to the "
        "landing root: outside it, never read by the pipeline."
    )
    truth_rows: int
    planted: dict[str, PlantedCount]


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
    identity: IdentityManifest


def identity_manifest(
    truth_file: str, truth_rows: int, counts: dict[str, tuple[int, int]]
) -> IdentityManifest:
    """The manifest's identity part from the planted counts of the written records."""
    planted = {
        kind: PlantedCount(rate=rate, planted=counts[kind][0], of=counts[kind][1], per=per)
        for kind, (rate, per) in PLANTED_RATES.items()
    }
    return IdentityManifest(truth_file=truth_file, truth_rows=truth_rows, planted=planted)


def value_sets() -> dict[str, list[str]]:
    """Every value a categorical column is written with (countries: every spelling)."""
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
    """The manifest of the landing directory `out`."""
    path = out / MANIFEST_NAME
    if not path.is_file():
        raise GenerateError(f"{out} has no {MANIFEST_NAME}; generate the landing data first.")
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except ValueError:
        raise GenerateError(f"{path} is not a manifest this generator can read.") from None


def build_manifest(
    params: Params,
    records: dict[str, EntityRecords],
    files: dict[str, list[FileEntry]],
    written_days: list[int],
    previous: Manifest | None,
    identity: IdentityManifest,
) -> Manifest:
    """The manifest after writing `files` for `written_days`: with `previous` (a
    --next-day run), its days and files come first, and dirt is counted over all days."""
    all_days = [(d - params.start).days for d in previous.days_written] if previous else []
    all_days += written_days
    entities = {}
    for name, spec in ENTITIES.items():
        entity_files = (previous.entities[name].files if previous else []) + files[name]
        entities[name] = EntityManifest(
            source=spec.source,
            table=spec.table,
            format=spec.fmt,
            landing_path=spec.landing_path,
            columns=list(spec.columns),
            rows=sum(f.rows for f in entity_files),
            files=entity_files,
            dirt=dirt_counts(spec, records[name], all_days, params.drift_day),
        )
    return Manifest(
        params=GeneratorParams(
            seed=params.seed,
            scale=params.scale,
            days=params.days,
            start_date=params.start,
            end_date=params.end,
            horizon_days=params.horizon,
        ),
        days_written=[params.day_date(d) for d in all_days],
        first_day_written=params.day_date(min(all_days)),
        last_day_written=params.day_date(max(all_days)),
        schema_drift=SchemaDrift(
            date=params.day_date(params.drift_day),
            columns={
                name: [spec.drift_column] for name, spec in ENTITIES.items() if spec.drift_column
            },
        ),
        dirt_rates=DIRT_RATES,
        entities=entities,
        value_sets=value_sets(),
        country_codes={s: code for code, spellings in COUNTRIES.items() for s in spellings},
        fx_per_eur=FX_PER_EUR,
        identity=identity,
    )


def write_manifest(out: Path, manifest: Manifest) -> None:
    """Write out/_manifest.json atomically (a temporary file, then a rename)."""
    tmp = out / (MANIFEST_NAME + ".tmp")
    tmp.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out / MANIFEST_NAME)
