"""Tests of the benchmark (python_jobs/bench.py): its engine floor and how it reports where the
time goes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
from rich.console import Console
from typer.testing import CliRunner

from python_jobs.bench import (
    _engine_floor,
    _generate_args,
    _slowest_nodes,
    _statement_seconds,
    _statements_line,
    calendar_line,
    calendar_state,
    calendar_work,
    print_figures,
)
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


def _log_event(name: str, thread: str, node: str | None, **data) -> str:
    """One line of dbt's JSON log file."""
    if node:
        data["node_info"] = {"unique_id": f"model.customer360.{node}"}
    return json.dumps({"info": {"name": name, "thread": thread}, "data": data})


def test_day_2_node_time_is_split_by_kind_of_statement(tmp_path: Path):
    """Each statement is paired with the status its thread logs next (two threads here,
    interleaved), classed by its first words after dbt's comment; statements outside a node
    (catalog lookups at the start) are left out, and what the nodes spent outside SQL is the
    rest of their time."""
    comment = '/* {"app": "dbt"} */\n'
    lines = [
        _log_event("SQLQuery", "main", None, sql="select 1"),
        _log_event("SQLQueryStatus", "main", None, elapsed=9.0),
        _log_event("SQLQuery", "t1", "a", sql=comment + "create temporary table x as select 1"),
        _log_event("SQLQuery", "t2", "b", sql=comment + "\n  MERGE INTO y using x on true"),
        _log_event("SQLQueryStatus", "t2", "b", elapsed=0.5),
        _log_event("SQLQueryStatus", "t1", "a", elapsed=2.0),
        _log_event("SQLQuery", "t1", "a", sql="COMMIT"),
        _log_event("SQLQueryStatus", "t1", "a", elapsed=0.25),
        _log_event("SQLQuery", "t2", "b", sql=comment + "describe y"),
        _log_event("SQLQueryStatus", "t2", "b", elapsed=0.125),
        _log_event("SQLQuery", "t2", "b", sql="delete from y where false"),
        _log_event("SQLQueryStatus", "t2", "b", elapsed=0.5),
    ]
    log_file, run_results = tmp_path / "dbt.log", tmp_path / "run_results.json"
    log_file.write_text("\n".join(lines) + "\n")
    results = [
        {"unique_id": "model.customer360.a", "execution_time": 3.0},
        {"unique_id": "model.customer360.b", "execution_time": 2.0},
    ]
    run_results.write_text(json.dumps({"results": results}))

    statements = _statement_seconds(log_file, run_results, count=2)

    assert statements["sql_seconds_by_kind"] == {
        "compute": 2.0,
        "write": 1.0,
        "commit": 0.25,
        "other": 0.125,
    }
    assert statements["node_seconds"] == 5.0
    assert statements["outside_sql_seconds"] == 5.0 - 3.375
    assert statements["costliest_statements"] == [("a", "compute", 2.0), ("b", "write", 0.5)]
    console = Console(record=True, width=400)
    console.print(_statements_line(statements))
    text = console.export_text()
    assert "5.0 s of node time: 2.0 s in the models' selects" in text
    assert "1.0 s writing (merge, insert, delete), 0.2 s committing" in text
    assert "costliest statements: a compute 2.0 s, b write 0.5 s" in text


def test_a_log_without_statements_says_so(tmp_path: Path):
    """A log with no node's statement (dbt's events renamed, or the log not JSON) gives no
    figures, and the bench says so rather than printing zero seconds."""
    log_file, run_results = tmp_path / "dbt.log", tmp_path / "run_results.json"
    log_file.write_text(_log_event("MainReportVersion", "main", None, version="1.11") + "\n")
    run_results.write_text(json.dumps({"results": []}))
    assert _statement_seconds(log_file, run_results) is None
    assert "no SQL statement of a node found" in _statements_line(None)


def _warehouse(path: Path, as_of: str, splink_fits: list[str], clv_fits: list[str]) -> Path:
    """A warehouse with the tables calendar_state reads: gold's as-of date, Splink's fit dates
    and the CLV fits' as-of dates."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema gold; create schema silver")
        con.execute("create table gold.customer_360 (customer_id varchar, as_of_date date)")
        con.execute("insert into gold.customer_360 values ('c1', ?), ('c2', ?)", [as_of, as_of])
        con.execute("create table silver.int_identity_match_fits (fit_date date)")
        for fit_date in splink_fits:
            con.execute("insert into silver.int_identity_match_fits values (?)", [fit_date])
        con.execute("create table gold.clv_model_fits (fit_id varchar, as_of_date date)")
        for as_of_date in clv_fits:
            con.execute("insert into gold.clv_model_fits values ('f', ?)", [as_of_date])
    return path


def test_the_bench_says_what_the_calendar_made_day_2_do(tmp_path: Path):
    """Day 2 as of a Sunday: Splink's weekly fit date moves on, so it fits and scores every
    pair again; CLV keeps the fit of the day before (no refit due). The next day neither."""
    day1 = _warehouse(tmp_path / "day1.duckdb", "2026-12-05", ["2026-11-29"], ["2026-12-05"])
    sunday = _warehouse(
        tmp_path / "day2.duckdb", "2026-12-06", ["2026-11-29", "2026-12-06"], ["2026-12-05"]
    )
    work = calendar_work(calendar_state(day1), calendar_state(sunday))
    assert work == {
        "as_of_date": "2026-12-06",
        "weekday": "Sunday",
        "splink_refitted": True,
        "splink_fit_date": "2026-12-06",
        "clv_refitted": False,
        "clv_fit_as_of_date": "2026-12-05",
    }
    assert calendar_line(work) == (
        "day 2 as of 2026-12-06 (Sunday): Splink fitted again (fit date 2026-12-06) and"
        " scored every pair; CLV scored with the stored fit as of 2026-12-05"
    )
    monday = _warehouse(
        tmp_path / "day3.duckdb",
        "2026-12-07",
        ["2026-11-29", "2026-12-06"],
        ["2026-12-05", "2026-12-07"],
    )
    line = calendar_line(calendar_work(calendar_state(sunday), calendar_state(monday)))
    assert line == (
        "day 2 as of 2026-12-07 (Monday): Splink scored the batch with the stored fit of"
        " 2026-12-06; CLV fitted again as of 2026-12-07"
    )


def test_calendar_line_says_when_there_is_no_fit() -> None:
    """At a scale too small for Splink or CLV to fit, the line says so (no date of None)."""
    before = {
        "as_of_date": dt.date(2026, 12, 2),
        "splink_fit_date": None,
        "clv_fits": 0,
        "clv_fit_as_of_date": None,
    }
    after = {**before, "as_of_date": dt.date(2026, 12, 3)}
    work = calendar_work(before, after)
    assert work["splink_fit_date"] is None and work["clv_fit_as_of_date"] is None
    assert calendar_line(work) == (
        "day 2 as of 2026-12-03 (Thursday): Splink has no fit (it could not train on so few"
        " contacts); CLV has no fit (the data could not identify its parameters)"
    )


def test_a_warehouse_without_gold_has_no_calendar(tmp_path: Path):
    """A build that made no gold (an empty landing folder) gives no calendar line."""
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as con:
        con.execute("create table t (x int)")
    assert calendar_state(tmp_path / "empty.duckdb") is None
    assert calendar_work(None, None) is None


def test_the_bench_generates_up_to_the_end_date_it_is_given():
    """Without an end date the generator's default (yesterday) applies."""
    assert _generate_args(1.0, 180, 42, None) == [
        "--scale",
        "1.0",
        "--days",
        "180",
        "--seed",
        "42",
        "--clean",
    ]
    assert _generate_args(1.0, 180, 42, "2026-12-01")[-2:] == ["--end-date", "2026-12-01"]
