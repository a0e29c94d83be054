"""What `make run` built: per landing table the files and records landed and quarantined, row
counts of the gold tables, where the warehouse is, how to look."""

from __future__ import annotations

import duckdb
from rich.console import Console
from rich.table import Table

from python_jobs.churn.config import ChurnSettings, ui_command
from python_jobs.warehouse import duckdb_path

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


def print_summary(console: Console | None = None) -> None:
    """Print the gold tables with their row counts and the ways to explore them."""
    console = console or Console()
    path = duckdb_path()
    if not path.exists():
        console.print(f"[red]No warehouse at {path}: run `make run` (or `dbt build`) first.[/red]")
        raise SystemExit(2)
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
    if landed:
        # plain lines, not a rich table: nothing is wrapped or cut, so they paste as they are
        header = ("landing table", "files", "records", "loaded", "quarantined", "top rule")
        lines = [header] + [
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
        widths = [max(len(line[k]) for line in lines) for k in range(len(header))]
        console.print(
            "Landing tables: records landed in bronze, loaded into staging (current versions) "
            "and quarantined (silver.dq_quarantine)",
            soft_wrap=True,
        )
        for line in lines:
            cells = [line[0].ljust(widths[0])]
            cells += [cell.rjust(width) for cell, width in zip(line[1:5], widths[1:5], strict=True)]
            console.print("  " + "  ".join([*cells, line[5]]).rstrip(), soft_wrap=True)
    table = Table(title="Gold tables", show_lines=False)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for (schema, name), rows in counts.items():
        if schema == GOLD_SCHEMA:
            table.add_row(f"{schema}.{name}", f"{rows:,}")
    console.print(table)
    if quarantined:
        q = Table(title="Quarantined records (silver.dq_quarantine)")
        q.add_column("landing table")
        q.add_column("rule")
        q.add_column("records", justify="right")
        for source_table, rule, n in quarantined:
            q.add_row(source_table, rule, f"{n:,}")
        console.print(q)
    for r, alpha, a, b, bg_ok, p, q, gamma, gg_ok, n, unit in fits:
        console.print(
            f"CLV fit on {n:,} customers (time unit {unit}): BG/NBD r={r:.3g} alpha={alpha:.3g} "
            f"a={a:.3g} b={b:.3g} (converged: {bg_ok}); Gamma-Gamma "
            + (f"p={p:.3g} q={q:.3g} gamma={gamma:.3g}" if p is not None else "not fitted")
            + f" (converged: {gg_ok})",
            soft_wrap=True,
        )
    console.print(
        f"\nWarehouse: [bold]{path}[/bold]\n"
        "Look at it:\n"
        f"  .venv/bin/python -c \"import duckdb; print(duckdb.connect('{path}', read_only=True)"
        ".sql('select * from gold.customer_360 limit 10'))\"\n"
        "  .venv/bin/dbt docs generate && .venv/bin/dbt docs serve   # lineage and column docs\n"
        f"  .venv/bin/{ui_command(ChurnSettings.from_env())}   # churn model runs\n",
        soft_wrap=True,
    )
