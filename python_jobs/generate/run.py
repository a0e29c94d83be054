"""`generate()`: check the arguments and the landing directory, simulate the world, write
the files of the requested days (or of the next day), the identity truth file (outside the
landing root) and the manifest, with progress."""

from __future__ import annotations

import datetime as dt
import math
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

from .config import MANIFEST_NAME, MAX_DAYS, MAX_SCALE
from .entities import ENTITIES
from .errors import GenerateError
from .manifest import (
    FileEntry,
    Manifest,
    build_manifest,
    identity_manifest,
    read_manifest,
    write_manifest,
)
from .truth import planted_counts, relative_to_out, truth_path, truth_table, write_truth
from .world import Params, World
from .writers import write_entity_day


def default_end_date() -> dt.date:
    """Yesterday, UTC: the last complete extract day."""
    return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)


def parse_date(text: str) -> dt.date:
    """An --end-date value as a date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise GenerateError(f"--end-date must be a date like 2026-03-01, not {text!r}.") from None


def _check_writable(out: Path) -> None:
    """Create `out` if needed and check that a file can be written in it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write_probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise GenerateError(f"Cannot write to {out}: {reason.lower()}.") from None


def _prepare_out(out: Path, clean: bool) -> None:
    """Make `out` ready for a new landing directory: empty, or emptied with `clean` when it
    holds a manifest (never a directory that does not look like landing data)."""
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
    """Refuse, with one sentence, arguments the generator cannot honour."""
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
    truth: Path | str | None = None,
    show_progress: bool = True,
    console: Console | None = None,
) -> Manifest:
    """Write the landing files (or, with next_day, the following day's), the truth file
    (`truth`, else <out>/../_truth/identity_truth.parquet; a next day extends the manifest's)
    and the manifest."""
    out = Path(out)
    previous: Manifest | None = None
    if next_day:
        if clean or truth is not None:
            raise GenerateError(
                "--next-day extends existing data and cannot be combined with --clean or "
                "--truth (it extends the truth file the manifest names)."
            )
        previous = _read_previous(out)
        params, days_to_write = _plan_next_day(out, previous)
        truth_file = truth_path(out, out / previous.identity.truth_file)
    else:
        validate(scale, days, seed)
        end = end_date or default_end_date()
        params = Params(seed, float(scale), int(days), end - dt.timedelta(days=days - 1))
        truth_file = truth_path(out, Path(truth) if truth is not None else None)
        _prepare_out(out, clean)
        days_to_write = list(range(params.days))
    console = console or Console(stderr=True)
    world, files = _simulate_and_write(out, params, days_to_write, show_progress, console)
    last_day = max(days_to_write)
    table = truth_table(world.truth(), last_day, (params.start - dt.date(1970, 1, 1)).days)
    write_truth(truth_file, table)
    identity = identity_manifest(
        relative_to_out(out, truth_file), table.num_rows, planted_counts(world.truth(), last_day)
    )
    manifest = build_manifest(params, world.records, files, days_to_write, previous, identity)
    write_manifest(out, manifest)
    return manifest


def _read_previous(out: Path) -> Manifest:
    """The manifest a --next-day run extends."""
    if out.exists() and not out.is_dir():
        raise GenerateError(f"{out} exists and is not a directory.")
    return read_manifest(out)


def _plan_next_day(out: Path, previous: Manifest) -> tuple[Params, list[int]]:
    """The previous run's parameters and the day after its last one, if the simulated
    horizon covers it and none of its files exist."""
    given = previous.params
    params = Params(given.seed, given.scale, given.days, given.start_date)
    day = (previous.last_day_written - params.start).days + 1
    today = dt.datetime.now(dt.UTC).date()
    if params.day_date(day) > today:
        raise GenerateError(
            f"The next day, {params.day_date(day)}, is after today ({today}, UTC): its records"
            " would be dated in the future, and the build quarantines those as implausible."
            " Run --next-day again tomorrow, or generate with an earlier --end-date."
        )
    if day >= params.horizon:
        raise GenerateError(
            f"The simulated horizon ends on {params.day_date(params.horizon - 1)}; "
            "regenerate with more --days to go further."
        )
    _check_writable(out)
    for spec in ENTITIES.values():
        if (out / spec.path(params.day_date(day))).exists():
            raise GenerateError(f"{out / spec.path(params.day_date(day))} already exists.")
    return params, [day]


SIMULATION_STEPS = 6  # World.build reports customers, products, orders, crm, web, support


def _simulate_and_write(
    out: Path, params: Params, days_to_write: list[int], show_progress: bool, console: Console
) -> tuple[World, dict[str, list[FileEntry]]]:
    """Simulate the world and write each entity's file of each day, showing progress."""
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
        simulation = progress.add_task("simulating", total=SIMULATION_STEPS)
        started = []

        def on_step(name: str) -> None:
            if started:
                progress.advance(simulation)
            started.append(name)
            progress.update(simulation, description=f"simulating {name}")

        world = World(params, on_step).build()
        progress.update(simulation, completed=SIMULATION_STEPS, description="simulated the world")
        writing = progress.add_task("writing days", total=len(days_to_write))
        files: dict[str, list[FileEntry]] = {name: [] for name in ENTITIES}
        for day in days_to_write:
            progress.update(writing, description=f"writing {params.day_date(day)}")
            for name, spec in ENTITIES.items():
                files[name].append(write_entity_day(out, params, spec, world.records[name], day))
            progress.advance(writing)
        progress.update(writing, description="wrote the landing files")
    return world, files
