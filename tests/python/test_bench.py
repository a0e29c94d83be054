"""Tests of the benchmark's engine floor (python_jobs/bench.py)."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from python_jobs.bench import _engine_floor
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
