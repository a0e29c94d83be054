"""Benchmark: generate a chosen scale, run the full build, a day-2 incremental and a run with
no new data, print landing records/s per layer, wall time and peak memory, the identity
linking throughput, and dbt's fixed cost (the same commands on an empty landing folder: every
node, zero rows). Day 2 runs once more with one dbt thread, on a copy of the same warehouse,
for each node's own time and where it goes (its SQL statements by kind: computing, writing,
committing; and outside SQL). Then the same project's SQL models built on DuckDB and on local
Spark from the same (smaller) landing data, with the ratio of their wall times."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import psutil
from rich.console import Console
from rich.markup import escape

from python_jobs.identity.quality import linked_records, linking_throughput
from python_jobs.terminal import print_rows
from python_jobs.warehouse import REPO_ROOT

LAYERS = ("bronze", "silver", "gold")
EXCLUDE = ["--exclude", "tag:churn_scoring"]
# Every timed dbt command parses the project from scratch, as CI and a scheduled job do; a
# partial parse (kept in target/) would make some steps several seconds cheaper than others.
PARSE = ["--no-partial-parse"]
# "dbt run" here is a build without tests: models, seeds and snapshots in DAG order (a plain
# `dbt run` skips seeds and snapshots, which models such as dim_customers read).
RUN = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
# The fixed-cost steps build on an empty landing folder on purpose; without this var a first
# build stops there (macros/ingestion/check_landing_root.sql).
EMPTY_LANDING = ["--vars", "{allow_empty_landing: true}"]
# The engine comparison builds what `make spark-check` builds, without the tests: seeds, SQL
# models and snapshots, in its two steps around the Splink models int_identity_match_fits and
# int_identity_match_scores (selectors.yml), which dbt-spark's session cannot run (a job builds
# them between the steps).
ENGINE_STEPS = ("spark_check_before_splink", "spark_check_after_splink")
MODELS_ONLY = ["--resource-type", "seed", "model", "snapshot", "--full-refresh"]


# How print_figures names each step's slowest nodes
SLOWEST_NODES_TITLES = {
    "incremental_serial": "costliest nodes of day 2 (one dbt thread: each node's own time)",
}


# How the one-thread day-2 run's SQL statements are grouped, by their first words
STATEMENT_KINDS = {
    "compute": ("create temporary table", "create table", "create or replace table"),
    "write": ("merge", "insert", "delete", "update"),
    "commit": ("commit",),
}


@dataclass
class Step:
    """One timed dbt (or generator) command."""

    name: str
    seconds: float
    peak_rss_mb: float
    layer_seconds: dict[str, float] = field(default_factory=dict)


def _run_measured(args: list[str], env: dict[str, str]) -> tuple[int, str, str, float]:
    """Run a command; return its exit code, output and the peak resident memory (MB) of the
    process and its children, sampled every 50 ms."""
    with psutil.Popen(
        args, env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        peak = 0
        out_chunks: list[str] = []
        err_chunks: list[str] = []
        reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()))
        err_reader = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()))
        reader.start()
        err_reader.start()
        while proc.poll() is None:
            try:
                tree = [proc, *proc.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)
        reader.join()
        err_reader.join()
    return proc.returncode, "".join(out_chunks), "".join(err_chunks), peak / 2**20


def _layer_seconds(target_dir: Path) -> dict[str, float]:
    """Seconds spent in the nodes of each layer, from dbt's run_results.json."""
    results = json.loads((target_dir / "run_results.json").read_text())
    manifest = json.loads((target_dir / "manifest.json").read_text())
    per_layer = dict.fromkeys(LAYERS, 0.0)
    per_layer["tests"] = 0.0
    for result in results["results"]:
        node = manifest["nodes"].get(result["unique_id"], {})
        if node.get("resource_type") in ("test", "unit_test"):
            per_layer["tests"] += result["execution_time"]
            continue
        path = node.get("original_file_path", "")
        for layer in LAYERS:
            if f"models/{layer}/" in path:
                per_layer[layer] += result["execution_time"]
    return per_layer


def _slowest_nodes(workdir: Path, key: str, count: int = 8) -> list[tuple[str, float]]:
    """The nodes of a step that took longest (name, seconds), from its run_results."""
    results = json.loads((workdir / f"run_results_{key}.json").read_text())["results"]
    slowest = sorted(results, key=lambda r: r["execution_time"], reverse=True)[:count]
    return [(r["unique_id"].split(".")[-1], round(r["execution_time"], 1)) for r in slowest]


def _statement_kind(sql: str) -> str:
    """compute (a model's select into a table: the batch, or a whole table), write (merge,
    insert, delete, update), commit (DuckDB writing the changes to the file), or other
    (catalog lookups, renames, comments, ...), from a statement's first words."""
    words = " ".join(re.sub(r"/\*.*?\*/", " ", sql, flags=re.DOTALL).split()).lower()
    for kind, starts in STATEMENT_KINDS.items():
        if words.startswith(starts):
            return kind
    return "other"


def _statement_seconds(log_file: Path, run_results: Path, count: int = 8) -> dict | None:
    """Where a dbt run's node time goes, from its JSON log file (``--log-format-file json``):
    the seconds of the models' SQL statements by kind (_statement_kind), the node
    time outside SQL (Python models, dbt's own work) and the costliest statements. None when
    the log has no node's statement with its status (dbt's SQLQuery and SQLQueryStatus
    events), so that a renamed event shows as missing figures, not as zero seconds."""
    kinds = dict.fromkeys((*STATEMENT_KINDS, "other"), 0.0)
    statements: list[tuple[str, str, float]] = []
    pending: dict[str, str] = {}  # a thread's statement waiting for its status: its kind
    for line in log_file.read_text().splitlines():
        event = json.loads(line)
        name, thread, data = event["info"]["name"], event["info"]["thread"], event["data"]
        node = data.get("node_info", {}).get("unique_id")
        if name == "SQLQuery" and node:
            pending[thread] = _statement_kind(data["sql"])
        elif name == "SQLQueryStatus" and node and thread in pending:
            kind, seconds = pending.pop(thread), float(data["elapsed"])
            kinds[kind] += seconds
            statements.append((node.split(".")[-1], kind, seconds))
    if not statements:
        return None
    node_seconds = sum(
        result["execution_time"] for result in json.loads(run_results.read_text())["results"]
    )
    statements.sort(key=lambda statement: statement[2], reverse=True)
    return {
        "node_seconds": node_seconds,
        "sql_seconds_by_kind": kinds,
        "outside_sql_seconds": node_seconds - sum(kinds.values()),
        "costliest_statements": [(n, k, round(s, 2)) for n, k, s in statements[:count]],
    }


def _landing_records(landing: Path) -> int:
    """Landing records written so far, from the generator's manifest."""
    manifest = json.loads((landing / "_manifest.json").read_text())
    return sum(int(entity["rows"]) for entity in manifest["entities"].values())


def _floor_readers(folder: Path, extension: str) -> list[str]:
    """The cheapest DuckDB readers of one landing folder: Parquet with its own types, CSV as
    text (the files of one header read together, the dialect given, nothing sniffed), JSON
    lines as unparsed lines."""
    if extension == "parquet":
        return [f"read_parquet('{folder}/*.parquet', union_by_name = true)"]
    if extension == "jsonl":
        return [
            f"read_csv('{folder}/*.jsonl', columns = {{'line': 'VARCHAR'}}, header = false,"
            " delim = chr(31), quote = '', escape = '', auto_detect = false, strict_mode = false)"
        ]
    by_header: dict[str, list[str]] = {}
    for file in sorted(folder.glob("*.csv")):
        with file.open() as handle:
            by_header.setdefault(handle.readline().strip(), []).append(f"'{file}'")
    return [
        f"read_csv([{', '.join(group)}], header = true, auto_detect = false, delim = ',',"
        " quote = '\"', escape = '\"', null_padding = true, strict_mode = false, columns = {"
        + ", ".join(f"'{name}': 'VARCHAR'" for name in header.split(","))
        + "})"
        for header, group in by_header.items()
    ]


def _engine_floor(landing: Path, workdir: Path, console: Console) -> dict:
    """What copying the landing records once into DuckDB tables costs on this machine, with
    nothing else: no dbt, no lineage columns, no typing, no deduplication. A build writes
    each record at least twice (bronze, then silver or quarantine), so its data work cannot
    run faster than about half this rate here."""
    console.print("[bold]→ engine floor[/bold]: DuckDB copies every landing file into a table")
    database = workdir / "floor.duckdb"
    connection = duckdb.connect(
        str(database),
        config={"memory_limit": "3GB", "storage_compatibility_version": "latest"},
    )
    connection.execute("set enable_progress_bar = false")
    records, start = 0, time.perf_counter()
    for folder in sorted({path.parent for path in landing.glob("*/*/*.*")}):
        extension = next(folder.iterdir()).suffix.lstrip(".")
        table = f"{folder.parent.name}__{folder.name}"
        union = " union all by name ".join(
            f"select * from {reader}" for reader in _floor_readers(folder, extension)
        )
        connection.execute(f'create table "{table}" as {union}')
        records += connection.execute(f'select count(*) from "{table}"').fetchone()[0]
    connection.close()
    seconds = time.perf_counter() - start
    database.unlink()
    console.print(f"  {seconds:.1f} s")
    return {"seconds": seconds, "records": records, "records_per_second": records / seconds}


def _run(key: str, name: str, args: list[str], env: dict[str, str], console: Console) -> Step:
    console.print(f"[bold]→ {name}[/bold]: {escape(' '.join(args))}", soft_wrap=True)
    start = time.perf_counter()
    returncode, stdout, stderr, peak = _run_measured(args, env)
    seconds = time.perf_counter() - start
    if returncode != 0:
        console.print(stdout[-4000:], stderr[-2000:], markup=False, soft_wrap=True)
        raise SystemExit(f"{name} failed (exit {returncode}); output above.")
    layers = {}
    if "dbt" in args[0]:
        target = Path(env["DBT_TARGET_PATH"])
        layers = _layer_seconds(target)
        # keep each step's node timings: where the time goes (see _slowest_nodes)
        shutil.copy(target / "run_results.json", target.parent / f"run_results_{key}.json")
    console.print(f"  {seconds:.1f} s")
    return Step(name, seconds, peak, layers)


def _step_env(workdir: Path, db: str | None = None, landing: Path | None = None) -> dict:
    """The environment of a step: dbt's profile, target and logs under ``workdir``; for a
    dbt step the warehouse ``workdir/<db>.duckdb`` built from ``landing``."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DO_NOT_TRACK": "1",
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
    }
    if db is not None:
        env["C360_DUCKDB_PATH"] = str(workdir / f"{db}.duckdb")
        env["C360_LANDING_ROOT"] = str(landing)
    return env


def _engine_comparison(
    scale: float, days: int, seed: int, workdir: Path, console: Console, end_date: str | None
) -> dict:
    """The full build of the SQL models (seeds, SQL models, snapshots; no tests) from the
    same landing data on DuckDB (target local) and on local Spark (target spark, parquet, 2
    cores), in the two steps of the Spark check; the Splink models between them (fit, then
    scores) are timed apart (dbt builds them on DuckDB, python_jobs spark-match-pairs on
    Spark)."""
    dbt = str(Path(sys.executable).parent / "dbt")
    landing = workdir / "engines_landing"
    gen = [sys.executable, "-m", "python_jobs", "generate", "--out", str(landing), "--quiet"]
    _run(
        "engines_generate",
        f"generate landing data for the engine comparison (scale {scale})",
        [*gen, *_generate_args(scale, days, seed, end_date)],
        _step_env(workdir),
        console,
    )
    env = {**_step_env(workdir, "engines", landing), "C360_SPARK_DIR": str(workdir / "spark")}
    before, after = ENGINE_STEPS
    splink_step = {
        "duckdb": [
            dbt,
            "run",
            *PARSE,
            "--target",
            "local",
            "--select",
            "int_identity_match_fits",
            "int_identity_match_scores",
            "--full-refresh",
        ],
        "spark": [sys.executable, "-m", "python_jobs", "spark-match-pairs"],
    }
    engines = {}
    for engine, target in (("duckdb", "local"), ("spark", "spark")):
        sql = 0.0
        for key, step in (("before", before), ("after", after)):
            if key == "after":
                splink = _run(
                    f"{engine}_splink",
                    f"{engine}: int_identity_match_fits + int_identity_match_scores",
                    splink_step[engine],
                    env,
                    console,
                )
            args = [dbt, "build", *PARSE, "--target", target, "--selector", step, *MODELS_ONLY]
            sql += _run(f"{engine}_{key}", f"{engine}: {step}", args, env, console).seconds
        engines[engine] = {"sql_models_seconds": sql, "splink_seconds": splink.seconds}
    return {
        "scale": scale,
        "landing_records": _landing_records(landing),
        **engines,
        "spark_over_duckdb": engines["spark"]["sql_models_seconds"]
        / engines["duckdb"]["sql_models_seconds"],
    }


def _identity_linking(workdir: Path) -> dict | None:
    """Source records linked per second of the identity models' time in the full build (its
    run_results and warehouse); None when the build made no int_customer_identities."""
    records = linked_records(workdir / "full_build.duckdb")
    if records is None:
        return None
    return linking_throughput(workdir / "run_results_full_build.json", records)


def _generate_args(scale: float, days: int, seed: int, end_date: str | None) -> list[str]:
    """The options of `python -m python_jobs generate` for a fresh landing folder."""
    args = ["--scale", str(scale), "--days", str(days), "--seed", str(seed), "--clean"]
    return [*args, "--end-date", end_date] if end_date else args


def calendar_state(warehouse: Path) -> dict | None:
    """What the calendar decides in a built warehouse: gold's as-of date, Splink's latest fit
    date and the CLV fits (how many, the latest one's as-of date). None when a table is
    missing (a build that made no gold)."""
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            (as_of, splink_fit, clv_fits, clv_as_of), *_ = con.execute(
                "select"
                " (select max(as_of_date) from gold.customer_360),"
                " (select max(fit_date) from silver.int_identity_match_fits),"
                " (select count(*) from gold.clv_model_fits),"
                " (select max(as_of_date) from gold.clv_model_fits)"
            ).fetchall()
    except duckdb.CatalogException:
        return None
    return {
        "as_of_date": as_of,
        "splink_fit_date": splink_fit,
        "clv_fits": clv_fits,
        "clv_fit_as_of_date": clv_as_of,
    }


def calendar_work(before: dict | None, after: dict | None) -> dict | None:
    """The work a run did because of the calendar, from the calendar_state of its warehouse
    before and after it: its as-of date, and whether Splink (weekly, var
    identity_fit_calendar) and CLV (every clv_refit_every_days) fitted again. On its fit day
    Splink also scores every pair again, so that day's run costs more whatever it brings."""
    if before is None or after is None or after["as_of_date"] is None:
        return None
    as_of = after["as_of_date"]
    return {
        "as_of_date": as_of.isoformat(),
        "weekday": as_of.strftime("%A"),
        "splink_refitted": after["splink_fit_date"] != before["splink_fit_date"],
        "splink_fit_date": _iso(after["splink_fit_date"]),
        "clv_refitted": after["clv_fits"] > before["clv_fits"],
        "clv_fit_as_of_date": _iso(after["clv_fit_as_of_date"]),
    }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def calendar_line(calendar: dict) -> str:
    """What the calendar made day 2 do, in one line. At a scale too small to fit Splink or CLV
    (too few records), it says there is no fit."""
    splink = _fit_phrase(
        calendar["splink_fit_date"],
        calendar["splink_refitted"],
        missing="Splink has no fit (it could not train on so few contacts)",
        refitted="Splink fitted again (fit date {}) and scored every pair",
        stored="Splink scored the batch with the stored fit of {}",
    )
    clv = _fit_phrase(
        calendar["clv_fit_as_of_date"],
        calendar["clv_refitted"],
        missing="CLV has no fit (the data could not identify its parameters)",
        refitted="CLV fitted again as of {}",
        stored="CLV scored with the stored fit as of {}",
    )
    return f"day 2 as of {calendar['as_of_date']} ({calendar['weekday']}): {splink}; {clv}"


def _fit_phrase(
    fit_date: str | None, refit: bool, *, missing: str, refitted: str, stored: str
) -> str:
    """One model's part of the calendar line: no fit, a new fit or the stored one."""
    if fit_date is None:
        return missing
    return (refitted if refit else stored).format(fit_date)


def run_benchmark(
    scale: float,
    days: int,
    seed: int,
    workdir: Path,
    console: Console,
    engine_scale: float = 0.0,
    end_date: str | None = None,
) -> dict:
    """Run every step and return the figures (also written to workdir/bench.json); with an
    engine_scale, also the DuckDB/Spark comparison at that scale. end_date: the last day of
    the landing data (YYYY-MM-DD; the generator's default, yesterday, when None), so that two
    runs can measure the same calendar (day 2 is the day after it)."""
    dbt = str(Path(sys.executable).parent / "dbt")
    if workdir.exists():
        shutil.rmtree(workdir)
    landing, empty_landing = workdir / "landing", workdir / "empty_landing"
    empty_landing.mkdir(parents=True)

    def run(key: str, name: str, args: list[str], env: dict[str, str]) -> None:
        steps[key] = _run(key, name, args, env, console)

    gen = [sys.executable, "-m", "python_jobs", "generate", "--out", str(landing), "--quiet"]
    steps: dict[str, Step] = {}
    run(
        "generate",
        "generate landing data",
        [*gen, *_generate_args(scale, days, seed, end_date)],
        _step_env(workdir),
    )
    records = _landing_records(landing)
    floor = _engine_floor(landing, workdir, console)
    run(
        "empty_build",
        "dbt build, empty landing (fixed cost)",
        [dbt, "build", *PARSE, *EXCLUDE, *EMPTY_LANDING],
        _step_env(workdir, "empty_build", empty_landing),
    )
    run(
        "empty_run",
        "dbt run, empty landing (fixed cost)",
        [dbt, *RUN, *PARSE, *EXCLUDE, *EMPTY_LANDING],
        _step_env(workdir, "empty_run", empty_landing),
    )
    run(
        "full_build",
        "dbt build, full (with every test)",
        [dbt, "build", *PARSE, *EXCLUDE],
        _step_env(workdir, "full_build", landing),
    )
    full_run_env = _step_env(workdir, "full_run", landing)
    run("full_run", "dbt run, full", [dbt, *RUN, *PARSE, *EXCLUDE], full_run_env)
    run("next_day", "generate day 2", [*gen, "--next-day"], _step_env(workdir))
    new_records = _landing_records(landing) - records
    # where day 2's time goes: the same run on a copy of the warehouse with one dbt thread,
    # so that each node's time is its own (with more threads than cores, nodes that run side
    # by side take each other's time, and the slowest of them are not the costliest)
    calendar_before = calendar_state(workdir / "full_run.duckdb")
    shutil.copy(workdir / "full_run.duckdb", workdir / "incremental_serial.duckdb")
    # the copy (2.5 GB at scale 1) sits in the page cache until the kernel writes it back;
    # without a sync, the run's first checkpoint (its fsync) pays for that write-back (1.5 s
    # against 0.2 s for brz_web__events' commit at scale 1)
    os.sync()
    # its log as JSON, in a folder of its own: each SQL statement with its node and seconds
    serial_env = {
        **_step_env(workdir, "incremental_serial", landing),
        "DBT_LOG_PATH": str(workdir / "logs_incremental_serial"),
    }
    run(
        "incremental_serial",
        "dbt run, day-2 incremental with one dbt thread (on a copy)",
        [dbt, *RUN, *PARSE, *EXCLUDE, "--threads", "1", "--log-format-file", "json"],
        serial_env,
    )
    day2_calendar = calendar_work(
        calendar_before, calendar_state(workdir / "incremental_serial.duckdb")
    )
    day2_statements = _statement_seconds(
        workdir / "logs_incremental_serial" / "dbt.log",
        workdir / "run_results_incremental_serial.json",
    )
    run(
        "incremental_run",
        "dbt run, day-2 incremental",
        [dbt, *RUN, *PARSE, *EXCLUDE],
        full_run_env,
    )
    # the same run again with nothing new landed: what a day-2 run costs whatever it brings
    run("rerun", "dbt run again, no new data", [dbt, *RUN, *PARSE, *EXCLUDE], full_run_env)
    figures = {
        "scale": scale,
        "days": days,
        "landing_records": records,
        "day2_new_records": new_records,
        "steps": {k: asdict(v) for k, v in steps.items()},
        "engine_floor": floor,
        **_rates(records, steps),
        "identity_linking": _identity_linking(workdir),
        "day2_statements": day2_statements,
        "day2_calendar": day2_calendar,
        "slowest_nodes": {
            key: _slowest_nodes(workdir, key)
            for key in ("full_build", "incremental_run", "rerun", "incremental_serial")
        },
        "engines": _engine_comparison(engine_scale, days, seed, workdir, console, end_date)
        if engine_scale
        else None,
    }
    (workdir / "bench.json").write_text(json.dumps(figures, indent=2))
    return figures


def _rates(records: int, steps: dict[str, Step]) -> dict:
    """Wall times, and the data work of each dbt step: its time less the same command's on
    an empty landing folder (dbt's fixed cost)."""
    full_build, empty_build = steps["full_build"], steps["empty_build"]
    full_run, empty_run, incr = steps["full_run"], steps["empty_run"], steps["incremental_run"]
    data_build = full_build.seconds - empty_build.seconds
    data_run = full_run.seconds - empty_run.seconds
    data_incr = incr.seconds - empty_run.seconds
    data_rerun = steps["rerun"].seconds - empty_run.seconds
    return {
        "full_build_seconds": full_build.seconds,
        "full_build_peak_rss_mb": full_build.peak_rss_mb,
        "fixed_cost_build_seconds": empty_build.seconds,
        "data_work_build_seconds": data_build,
        "records_per_second_build_data_work": records / data_build if data_build > 0 else None,
        "records_per_second_by_layer": {
            layer: records / s if s > 0 else None
            for layer, s in full_build.layer_seconds.items()
            if layer in LAYERS
        },
        "full_run_seconds": full_run.seconds,
        "fixed_cost_run_seconds": empty_run.seconds,
        "incremental_run_seconds": incr.seconds,
        "incremental_over_full_data_work": data_incr / data_run if data_run > 0 else None,
        "rerun_seconds": steps["rerun"].seconds,
        "rerun_over_full_data_work": data_rerun / data_run if data_run > 0 else None,
    }


def print_figures(figures: dict, console: Console) -> None:
    """The benchmark's figures as a table."""
    records = figures["landing_records"]
    rows = []
    for name, step in figures["steps"].items():
        layers = step["layer_seconds"]
        split = " / ".join(f"{layers.get(k, 0):.1f}" for k in (*LAYERS, "tests")) if layers else ""
        rows.append((name, f"{step['seconds']:.1f}", f"{step['peak_rss_mb']:.0f}", split))
    print_rows(
        console,
        ("step", "wall s", "peak MB", "bronze / silver / gold / tests s"),
        rows,
        title=f"Benchmark, scale {figures['scale']} ({records:,} landing records)",
        right=(1, 2, 3),
    )
    rate = figures["records_per_second_build_data_work"]
    ratio = figures["incremental_over_full_data_work"]
    console.print(
        f"full dbt build: {figures['full_build_seconds']:.1f} s wall, "
        f"peak {figures['full_build_peak_rss_mb']:.0f} MB; fixed cost "
        f"{figures['fixed_cost_build_seconds']:.1f} s; data work "
        f"{figures['data_work_build_seconds']:.1f} s = "
        f"{rate:,.0f} landing records/s"
        if rate
        else "n/a"
    )
    floor = figures.get("engine_floor")
    if floor:
        console.print(
            f"engine floor: DuckDB alone copies the {floor['records']:,} landing records once "
            f"into tables in {floor['seconds']:.1f} s = {floor['records_per_second']:,.0f}/s; "
            "a build writes each record at least twice (bronze, then silver or quarantine), "
            f"so its data work cannot beat about {floor['records_per_second'] / 2:,.0f}/s here"
        )
    by_layer = ", ".join(
        f"{k} {v:,.0f}/s" for k, v in figures["records_per_second_by_layer"].items() if v
    )
    console.print(f"landing records/s by layer (node time): {by_layer}")
    console.print(
        f"day-2 incremental dbt run: {figures['incremental_run_seconds']:.1f} s for "
        f"{figures['day2_new_records']:,} new records; minus fixed cost it is "
        f"{ratio:.1%} of the full dbt run's data work"
        if ratio is not None
        else "n/a"
    )
    if figures.get("day2_calendar"):
        console.print(calendar_line(figures["day2_calendar"]))
    rerun = figures.get("rerun_over_full_data_work")
    if rerun is not None:
        console.print(
            f"dbt run again with no new data: {figures['rerun_seconds']:.1f} s; minus fixed "
            f"cost it is {rerun:.1%} of the full dbt run's data work (the part of day 2 that "
            "does not depend on what the day brings)"
        )
    if "identity_linking" in figures:
        console.print(_identity_linking_line(figures["identity_linking"]))
    for key, nodes in figures.get("slowest_nodes", {}).items():
        listed = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in nodes)
        title = SLOWEST_NODES_TITLES.get(key, f"slowest nodes of {key}")
        console.print(f"{title}: {listed}")
    if "day2_statements" in figures:
        console.print(_statements_line(figures["day2_statements"]))
    if figures.get("engines"):
        console.print(_engines_line(figures["engines"]))


def _statements_line(statements: dict | None) -> str:
    """Where the one-thread day-2 run's node time goes, in one line."""
    if statements is None:
        return (
            "day 2 with one dbt thread: no SQL statement of a node found in its JSON log "
            "(dbt's SQLQuery and SQLQueryStatus events), so no split by kind of statement"
        )
    kinds = statements["sql_seconds_by_kind"]
    costliest = ", ".join(
        f"{node} {kind} {seconds:.1f} s"
        for node, kind, seconds in statements["costliest_statements"]
    )
    return (
        f"day 2 with one dbt thread, {statements['node_seconds']:.1f} s of node time: "
        f"{kinds['compute']:.1f} s in the models' selects (the batch, or a whole table), "
        f"{kinds['write']:.1f} s writing (merge, insert, delete), {kinds['commit']:.1f} s "
        f"committing, {kinds['other']:.1f} s in other statements, "
        f"{statements['outside_sql_seconds']:.1f} s outside SQL (Python models, dbt); "
        f"costliest statements: {costliest}"
    )


def _engines_line(engines: dict) -> str:
    """The DuckDB/Spark comparison in one line."""
    duck, spark = engines["duckdb"], engines["spark"]
    return (
        f"engines, scale {engines['scale']} ({engines['landing_records']:,} landing records), "
        f"full build of the SQL models (seeds, models, snapshots; no tests): DuckDB "
        f"{duck['sql_models_seconds']:.1f} s, local Spark {spark['sql_models_seconds']:.1f} s "
        f"= {engines['spark_over_duckdb']:.1f}x; the Splink model apart: DuckDB "
        f"{duck['splink_seconds']:.1f} s, Spark {spark['splink_seconds']:.1f} s"
    )


def _identity_linking_line(linking: dict | None) -> str:
    """The identity models' throughput in the full build, in one line."""
    if not linking:
        return "identity linking: the full build made no silver.int_customer_identities"
    models = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in linking["models"].items())
    rate = linking["records_per_second"]
    return (
        f"identity linking: {linking['records_linked']:,} source records linked in "
        f"{linking['seconds']:.1f} s of identity model time ({models})"
        + (f" = {rate:,.0f} records/s" if rate else "")
    )
