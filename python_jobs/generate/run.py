"""Entry point."""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from .config import DIRT_RATES, MANIFEST_NAME, MAX_DAYS, MAX_SCALE
from .dirt import dirt_counts
from .entities import ENTITIES
from .errors import GenerateError
from .manifest import (
    EntityManifest,
    FileEntry,
    GeneratorParams,
    Manifest,
    SchemaDrift,
    read_manifest,
    value_sets,
)
from .value_sets import COUNTRIES, FX_PER_EUR
from .world import Params, World
from .writers import write_entity_day


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------
def default_end_date() -> dt.date:
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise GenerateError(f"--end-date must be a date like 2026-03-01, not {text!r}.") from None


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write_probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise GenerateError(f"Cannot write to {out}: {reason.lower()}.") from None


def _prepare_out(out: Path, clean: bool) -> None:
    if out.exists() and not out.is_dir():
        raise GenerateError(f"{out} exists and is not a directory.")
    has_manifest = (out / MANIFEST_NAME).is_file()
    non_empty = out.is_dir() and any(out.iterdir())
    if clean:
        if non_empty and not has_manifest:
            raise GenerateError(
                f"Refusing to clean {out}: it is not empty and has no {MANIFEST_NAME}, "
                "so it does not look like a landing directory."
            )
        if non_empty:
            for child in out.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
    elif non_empty:
        what = "holds landing data" if has_manifest else "is not empty"
        raise GenerateError(f"{out} {what}; pass --clean to replace it or --next-day to extend it.")
    _check_writable(out)


def validate(scale: float, days: int, seed: int) -> None:
    if not (isinstance(scale, int | float) and math.isfinite(scale)) or scale <= 0:
        raise GenerateError(f"--scale must be a positive number, not {scale}.")
    if scale > MAX_SCALE:
        raise GenerateError(
            f"--scale must be at most {MAX_SCALE:g} on this generator, not {scale}."
        )
    if days < 1:
        raise GenerateError(f"--days must be at least 1, not {days}.")
    if days > MAX_DAYS:
        raise GenerateError(f"--days must be at most {MAX_DAYS}, not {days}.")
    if seed < 0:
        raise GenerateError(f"--seed must be zero or positive, not {seed}.")


def generate(
    out: Path | str,
    *,
    scale: float = 0.02,
    days: int = 180,
    seed: int = 42,
    end_date: dt.date | None = None,
    clean: bool = False,
    next_day: bool = False,
    show_progress: bool = True,
    console: Console | None = None,
) -> Manifest:
    """Write the landing files (or, with next_day, the following day's) and the manifest."""
    out = Path(out)
    previous: Manifest | None = None
    if next_day:
        if clean:
            raise GenerateError(
                "--next-day extends existing data and cannot be combined with --clean."
            )
        if out.exists() and not out.is_dir():
            raise GenerateError(f"{out} exists and is not a directory.")
        previous = read_manifest(out)
        gp = previous.params
        params = Params(gp.seed, gp.scale, gp.days, gp.start_date)
        day = (previous.last_day_written - params.start).days + 1
        if day >= params.horizon:
            raise GenerateError(
                f"The simulated horizon ends on {params.day_date(params.horizon - 1)}; "
                "regenerate with more --days to go further."
            )
        _check_writable(out)
        days_to_write = [day]
        for spec in ENTITIES.values():
            if (out / spec.path(params.day_date(day))).exists():
                raise GenerateError(f"{out / spec.path(params.day_date(day))} already exists.")
    else:
        validate(scale, days, seed)
        end = end_date or default_end_date()
        params = Params(seed, float(scale), int(days), end - dt.timedelta(days=days - 1))
        _prepare_out(out, clean)
        days_to_write = list(range(params.days))

    console = console or Console(stderr=True)
    steps = 6
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not show_progress,
        transient=False,
    ) as progress:
        sim = progress.add_task("simulating", total=steps)
        first = [True]

        def on_step(name: str) -> None:
            if first[0]:
                first[0] = False
            else:
                progress.advance(sim)
            progress.update(sim, description=f"simulating {name}")

        world = World(params, on_step).build()
        progress.update(sim, completed=steps, description="simulated the world")
        write = progress.add_task("writing days", total=len(days_to_write))
        entries: dict[str, list[FileEntry]] = {k: [] for k in ENTITIES}
        for day in days_to_write:
            progress.update(write, description=f"writing {params.day_date(day)}")
            for name, spec in ENTITIES.items():
                entries[name].append(write_entity_day(out, params, spec, world.records[name], day))
            progress.advance(write)
        progress.update(write, description="wrote the landing files")

    all_days = [(d - params.start).days for d in previous.days_written] if previous else []
    all_days += days_to_write
    entities = {}
    for name, spec in ENTITIES.items():
        files = (previous.entities[name].files if previous else []) + entries[name]
        entities[name] = EntityManifest(
            source=spec.source,
            table=spec.table,
            format=spec.fmt,
            landing_path=spec.landing_path,
            columns=list(spec.columns),
            rows=sum(f.rows for f in files),
            files=files,
            dirt=dirt_counts(spec, world.records[name], all_days, params.drift_day),
        )
    manifest = Manifest(
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
    )
    tmp = out / (MANIFEST_NAME + ".tmp")
    tmp.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out / MANIFEST_NAME)
    return manifest
