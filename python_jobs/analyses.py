"""Run one of the analysts' queries in analyses/ against the local warehouse: dbt compiles it
(refs resolved to the warehouse's tables), DuckDB runs it read-only, and its rows are printed
as plain columns."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
from rich.console import Console

from python_jobs.terminal import print_rows
from python_jobs.warehouse import REPO_ROOT, duckdb_path


def available() -> list[str]:
    """Names of the analyses in analyses/."""
    return sorted(p.stem for p in (REPO_ROOT / "analyses").glob("*.sql"))


def run_analysis(name: str, limit: int, console: Console) -> None:
    """Compile analyses/<name>.sql with dbt and print its first `limit` rows."""
    if name not in available():
        console.print(
            f"[red]No analysis named {name!r}.[/red] Available: {', '.join(available())}",
            soft_wrap=True,
        )
        raise SystemExit(2)
    if not duckdb_path().exists():
        console.print(
            f"[red]No warehouse at {duckdb_path()}: run `make run` first.[/red]", soft_wrap=True
        )
        raise SystemExit(2)
    dbt = str(Path(sys.executable).parent / "dbt")
    compiled = subprocess.run(
        [dbt, "compile", "--select", name, "--quiet"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if compiled.returncode != 0:
        console.print(
            compiled.stdout[-3000:], compiled.stderr[-2000:], markup=False, soft_wrap=True
        )
        raise SystemExit(2)
    sql_path = REPO_ROOT / "target" / "compiled" / "customer360" / "analyses" / f"{name}.sql"
    sql = sql_path.read_text()
    with duckdb.connect(str(duckdb_path()), read_only=True) as con:
        result = con.execute(sql)
        columns = [d[0] for d in result.description]
        rows = result.fetchmany(limit)
    print_rows(
        console,
        columns,
        [["" if v is None else str(v) for v in row] for row in rows],
        title=f"{name} (first {limit} rows; SQL in {sql_path.relative_to(REPO_ROOT)})",
    )
