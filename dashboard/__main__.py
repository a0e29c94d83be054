"""`python -m dashboard [--port 8501]`: the dashboard on 127.0.0.1 (what `make dashboard` runs).

Streamlit serves it on the loopback address only; the warehouse is C360_DUCKDB_PATH, as for
dbt and the jobs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from python_jobs.warehouse import duckdb_path

APP = Path(__file__).resolve().parent / "app.py"
DEFAULT_PORT = 8501


def streamlit_command(port: int) -> list[str]:
    """The command that serves the app on 127.0.0.1:``port``, headless (no browser opened,
    no usage statistics, no developer menu)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=minimal",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port on 127.0.0.1")
    args = parser.parse_args()
    warehouse = duckdb_path()
    note = "" if warehouse.exists() else " (not built yet: run make run)"
    print(f"Customer 360 dashboard: http://127.0.0.1:{args.port}", flush=True)
    print(f"Warehouse, read-only: {warehouse}{note}. Ctrl+C stops the dashboard.", flush=True)
    command = streamlit_command(args.port)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
