"""Tests of the benchmark (python_jobs/bench.py): its engine floor and how it reports where the
time goes."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from python_jobs.bench import _engine_floor, _slowest_nodes, print_figures
from python_jobs.cli import app


def test_engine_floor_copies_every_landing_record(tmp_path: Path):
    landing = tmp_path / "landing"
    result = CliRunner().invoke(
        app,
        ["generate", "--out", str(landing), "--scale", "0.002", "--days", "10", "--quiet"],
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((landing / "_manifest.json").read_text())
    landed = sum(entity["rows"] for entity in manifest["entities"].values())

    floor = _engine_floor(landing, tmp_path, Console(quiet=True))

    assert floor["records"] == landed
    assert floor["seconds"] > 0
    assert floor["records_per_second"] == floor["records"] / floor["seconds"]
    assert not (tmp_path / "floor.duckdb").exists()


def test_the_costliest_nodes_of_day_2_come_from_the_one_thread_run(tmp_path: Path):
    """Each listed step's nodes, slowest first, from its run_results; the one-thread day-2 run
    is named as what it shows (each node's own time)."""
    for key, times in {"incremental_run": [0.5, 3.0], "incremental_serial": [1.5, 0.3]}.items():
        results = [
            {"unique_id": f"model.customer360.m{i}", "execution_time": t}
            for i, t in enumerate(times)
        ]
        (tmp_path / f"run_results_{key}.json").write_text(json.dumps({"results": results}))
    slowest = {k: _slowest_nodes(tmp_path, k) for k in ("incremental_run", "incremental_serial")}
    assert slowest == {
        "incremental_run": [("m1", 3.0), ("m0", 0.5)],
        "incremental_serial": [("m0", 1.5), ("m1", 0.3)],
    }
    console = Console(record=True, width=200)
    figures = {
        "scale": 1,
        "landing_records": 10,
        "steps": {},
        "records_per_second_build_data_work": None,
        "incremental_over_full_data_work": None,
        "records_per_second_by_layer": {},
        "slowest_nodes": slowest,
    }
    print_figures(figures, console)
    text = console.export_text()
    assert "slowest nodes of incremental_run: m1 3.0 s, m0 0.5 s" in text
    assert "costliest nodes of day 2 (one dbt thread: each node's own time): m0 1.5 s" in text
