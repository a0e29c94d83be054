"""What `make run` built: per landing table the files and records landed and quarantined, the
files under the landing root that no landing contract reads, row counts of the gold tables,
where the warehouse is, how to look. Every line is printed whole (python_jobs/terminal.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
from rich.console import Console
from rich.markup import escape

from python_jobs.churn.config import ChurnSettings, ui_command
from python_jobs.terminal import print_rows
from python_jobs.warehouse import REPO_ROOT, duckdb_path, landing_root

GOLD_SCHEMA = "gold"


def landing_counts(con: duckdb.DuckDBPyConnection, tables: set[tuple[str, str]]) -> list[tuple]:
    """Per landing table: files and records in bronze, records loaded into staging (current
    versions) and quarantined, and the rule that quarantined the most (with its count)."""
    if ("silver", "dq_record_accounting") not in tables:
        return []
    accounting = con.execute(
        "select source_table, loaded_records, quarantined_records "
        "from silver.dq_record_accounting order by source_table"
    ).fetchall()
    top_rules = {}
    if ("silver", "dq_quarantine") in tables:
        for source_table, rule, n in con.execute(
            "select source_table, rule_name, count(*) as n from silver.dq_quarantine "
            "group by all order by source_table, n desc, rule_name"
        ).fetchall():
            top_rules.setdefault(source_table, f"{rule} ({n:,})")
    rows = []
    for source_table, loaded, quarantined in accounting:
        source, entity = source_table.split(".")
        bronze = f"brz_{source}__{entity}"
        files, records = (
            con.execute(
                f'select count(distinct _source_file), count(*) from "bronze"."{bronze}"'
            ).fetchone()
            if ("bronze", bronze) in tables
            else (0, 0)
        )
        rows.append(
            (source_table, files, records, loaded, quarantined, top_rules.get(source_table, ""))
        )
    return rows


def manifest_path() -> Path:
    """dbt's manifest of the last build: target/manifest.json (DBT_TARGET_PATH overrides)."""
    return REPO_ROOT / os.environ.get("DBT_TARGET_PATH", "target") / "manifest.json"


def landing_patterns(manifest: Path) -> list[str]:
    """The landing contracts' globs (meta.landing_path, relative to the landing root) of the
    sources the bronze models read, as the manifest records them."""
    nodes = json.loads(manifest.read_text())
    read_by_bronze = {
        source
        for node in nodes["nodes"].values()
        if node["resource_type"] == "model" and "bronze" in node["tags"]
        for source in node["depends_on"]["nodes"]
        if source.startswith("source.")
    }
    return sorted(
        nodes["sources"][source]["meta"]["landing_path"]
        for source in read_by_bronze
        if nodes["sources"][source]["meta"].get("landing_path")
    )


def unmatched_landing_files(root: Path, patterns: list[str]) -> list[str]:
    """The files under ``root`` that no pattern matches, as the dbt build's warning lists them
    (macros/ingestion/unmatched_landing_files.sql): DuckDB's glob of ``root/**`` less the
    globs of the contracts, files whose name starts with ``_`` or ``.`` left out."""
    with duckdb.connect() as con:

        def glob(pattern: str) -> set[str]:
            query = con.execute("select file from glob(?)", [f"{root}/{pattern}"])
            return {file for (file,) in query.fetchall()}

        files = glob("**").difference(*(glob(pattern) for pattern in patterns))
    return sorted(file for file in files if not Path(file).name.startswith(("_", ".")))


def print_landing(console: Console, landed: list[tuple]) -> None:
    """Files and records per landing table, as plain columns."""
    rows = [
        (
            source_table,
            f"{files:,}",
            f"{records:,}",
            f"{loaded:,}",
            f"{dropped:,}" + (f" ({dropped / records:.1%})" if records else ""),
            top_rule,
        )
        for source_table, files, records, loaded, dropped, top_rule in landed
    ]
    print_rows(
        console,
        ("landing table", "files", "records", "loaded", "quarantined", "top rule"),
        rows,
        title="Landing tables: records landed in bronze, loaded into staging (current versions) "
        "and quarantined (silver.dq_quarantine)",
        right=(1, 2, 3, 4),
    )


def print_unmatched(console: Console) -> None:
    """The files under the landing root that no landing contract reads, one path a line."""
    root, manifest = landing_root(), manifest_path()
    if not root.is_dir():
        console.print(
            f"No landing root at {root} (C360_LANDING_ROOT): no landing file to check.",
            soft_wrap=True,
            markup=False,
        )
        return
    if not manifest.exists():
        console.print(
            f"No dbt manifest at {manifest}: run dbt build to list the landing files no "
            "contract reads.",
            soft_wrap=True,
            markup=False,
        )
        return
    unmatched = unmatched_landing_files(root, landing_patterns(manifest))
    if not unmatched:
        console.print(
            f"Every file under the landing root {root} matches a landing contract.",
            soft_wrap=True,
            markup=False,
        )
        return
    console.print(
        f"[yellow]{len(unmatched)} file(s) under the landing root {escape(str(root))} match "
        "no landing contract and are not read[/yellow] (check their folder, name and case "
        "against docs/landing_contract.md):",
        soft_wrap=True,
    )
    for file in unmatched:
        console.print(f"  {file}", soft_wrap=True, markup=False, highlight=False)


def read_warehouse(path: Path) -> tuple[dict, list, list, list]:
    """Row counts of the bronze, silver and gold tables, the CLV fits, the landing counts and
    the quarantined records per rule."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('gold', 'silver', 'bronze') and table_type = 'BASE TABLE' "
            "order by table_schema, table_name"
        ).fetchall()
        counts = {
            (schema, name): con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            for schema, name in tables
        }
        fits = (
            con.execute(
                "select bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b, bgnbd_converged, "
                "gg_p, gg_q, gg_gamma, gg_converged, n_customers, time_unit "
                "from gold.clv_model_fits"
            ).fetchall()
            if ("gold", "clv_model_fits") in counts
            else []
        )
        landed = landing_counts(con, set(counts))
        quarantined = (
            con.execute(
                "select source_table, rule_name, count(*) from silver.dq_quarantine "
                "group by all order by all"
            ).fetchall()
            if ("silver", "dq_quarantine") in counts
            else []
        )
    return counts, fits, landed, quarantined


def print_fits(console: Console, fits: list[tuple]) -> None:
    """The CLV model's fitted parameters, one line per fit."""
    for r, alpha, a, b, bg_ok, p, q, gamma, gg_ok, n, unit in fits:
        console.print(
            f"CLV fit on {n:,} customers (time unit {unit}): BG/NBD r={r:.3g} alpha={alpha:.3g} "
            f"a={a:.3g} b={b:.3g} (converged: {bg_ok}); Gamma-Gamma "
            + (f"p={p:.3g} q={q:.3g} gamma={gamma:.3g}" if p is not None else "not fitted")
            + f" (converged: {gg_ok})",
            soft_wrap=True,
        )


def print_where_to_look(console: Console, path: Path) -> None:
    """The warehouse's path and the commands to look at it, each on one line."""
    query = "select * from gold.customer_360 limit 10"
    lines = [
        "",
        f"Warehouse: {path}",
        "Look at it:",
        f"  .venv/bin/python -c \"import duckdb; print(duckdb.connect('{path}', read_only=True)"
        f".sql('{query}'))\"",
        "  .venv/bin/dbt docs generate && .venv/bin/dbt docs serve   # lineage and column docs",
        f"  .venv/bin/{ui_command(ChurnSettings.from_env())}   # churn model runs",
        "",
    ]
    for line in lines:
        console.print(line, soft_wrap=True, markup=False, highlight=False)


def print_summary(console: Console | None = None) -> None:
    """Print the landing tables, unread landing files, gold tables with their row counts,
    quarantined records, CLV fits and the ways to explore them."""
    console = console or Console(soft_wrap=True)
    path = duckdb_path()
    if not path.exists():
        console.print(
            f"[red]No warehouse at {escape(str(path))}: run `make run` (or `dbt build`) "
            "first.[/red]",
            soft_wrap=True,
        )
        raise SystemExit(2)
    counts, fits, landed, quarantined = read_warehouse(path)
    if landed:
        print_landing(console, landed)
    print_unmatched(console)
    gold = [(f"{schema}.{name}", f"{rows:,}") for (schema, name), rows in counts.items()]
    print_rows(
        console,
        ("table", "rows"),
        [row for row in gold if row[0].startswith(f"{GOLD_SCHEMA}.")],
        title="Gold tables",
        right=(1,),
    )
    if quarantined:
        print_rows(
            console,
            ("landing table", "rule", "records"),
            [(source_table, rule, f"{n:,}") for source_table, rule, n in quarantined],
            title="Quarantined records (silver.dq_quarantine)",
            right=(2,),
        )
    print_fits(console, fits)
    print_where_to_look(console, path)
