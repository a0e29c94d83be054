"""Command-line entry point of the Customer 360 jobs: `python -m python_jobs --help`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from python_jobs import terminal

app = typer.Typer(
    cls=terminal.PasteableGroup,
    rich_markup_mode=None,
    help="Customer 360 jobs: sample landing data and the Python jobs on the lakehouse.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Customer 360 jobs."""


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Landing root to write to.")],
    scale: Annotated[
        float | None,
        typer.Option(help="Volume; 1 is about 10M landing records.", show_default="0.02"),
    ] = None,
    days: Annotated[
        int | None, typer.Option(help="Extract days to write.", show_default="180")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.", show_default="42")] = None,
    end_date: Annotated[
        str | None,
        typer.Option(help="Last extract day, YYYY-MM-DD.", show_default="yesterday, UTC"),
    ] = None,
    clean: Annotated[
        bool, typer.Option("--clean", help="Remove a previous landing dir's contents first.")
    ] = False,
    next_day: Annotated[
        bool, typer.Option("--next-day", help="Write the day after the last one in the manifest.")
    ] = False,
    truth: Annotated[
        Path | None,
        typer.Option(
            help="Identity truth file (parquet), outside the landing root.",
            show_default="<out>/../_truth/identity_truth.parquet",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Generate the sample landing files, their _manifest.json and the identity truth file."""
    from python_jobs import generate as gen

    err = terminal.console(stderr=True)
    try:
        if next_day:
            given = {"--scale": scale, "--days": days, "--seed": seed, "--end-date": end_date}
            previous = gen.read_manifest(out) if out.is_dir() else None
            if previous is None:
                raise gen.GenerateError(f"{out} has no {gen.MANIFEST_NAME}; generate first.")
            kept = {
                "--scale": previous.params.scale,
                "--days": previous.params.days,
                "--seed": previous.params.seed,
            }
            for flag, value in given.items():
                if value is not None and (flag == "--end-date" or value != kept[flag]):
                    raise gen.GenerateError(
                        f"--next-day takes its parameters from the manifest; drop {flag}."
                    )
            manifest = gen.generate(
                out, next_day=True, truth=truth, show_progress=not quiet, console=err
            )
        else:
            manifest = gen.generate(
                out,
                scale=0.02 if scale is None else scale,
                days=180 if days is None else days,
                seed=42 if seed is None else seed,
                end_date=gen.parse_date(end_date) if end_date else None,
                clean=clean,
                truth=truth,
                show_progress=not quiet,
                console=err,
            )
    except gen.GenerateError as exc:
        err.print(f"Error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None

    if not quiet:
        _print_landing_data(manifest, out)


def _print_landing_data(manifest: Any, out: Path) -> None:
    """Files, rows and injected dirt per entity of a generated landing folder."""
    rows = [
        (
            name,
            str(len(entity.files)),
            f"{entity.rows:,}",
            ", ".join(f"{k} {v}" for k, v in entity.dirt.items()),
        )
        for name, entity in manifest.entities.items()
    ]
    stdout = terminal.console()
    terminal.print_rows(
        stdout,
        ("entity", "files", "rows", "dirt"),
        rows,
        title=f"Landing data in {out}",
        right=(1, 2),
    )
    stdout.print(
        f"{manifest.first_day_written} .. {manifest.last_day_written}, "
        f"schema drift from {manifest.schema_drift.date}"
    )
    truth_file = (out / manifest.identity.truth_file).resolve()
    stdout.print(f"identity truth: {truth_file} ({manifest.identity.truth_rows:,} records)")


# The churn model jobs (python_jobs/churn/cli.py): train, register, promote; show and serve the
# champion.
def _register_churn_commands() -> None:
    from python_jobs.churn import cli as churn_cli

    app.command(name="train", help=churn_cli.train.__doc__)(churn_cli.train)
    app.command(name="champion", help=churn_cli.champion.__doc__)(churn_cli.champion)
    app.command(name="serve", help=churn_cli.serve.__doc__)(churn_cli.serve)


_register_churn_commands()


@app.command()
def summary() -> None:
    """Print what the last build made: gold tables and row counts, quarantine, where to look."""
    from python_jobs.summary import print_summary

    print_summary()


@app.command()
def analysis(
    name: Annotated[
        str, typer.Argument(help="An analysis in analyses/, e.g. rfm_segment_movement.")
    ],
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 30,
) -> None:
    """Run one of the analysts' queries in analyses/ against the local warehouse."""
    from python_jobs.analyses import run_analysis

    run_analysis(name, limit, terminal.console())


@app.command("spark-parity")
def spark_parity() -> None:
    """Compare the tables make spark-check built on local Spark with the DuckDB warehouse's."""
    from python_jobs.spark_parity import (
        ParityError,
        compare_warehouses,
        landing_mismatch,
        spark_warehouse_dir,
    )
    from python_jobs.warehouse import duckdb_path

    console = terminal.console()
    try:
        results = compare_warehouses(duckdb_path(), spark_warehouse_dir())
    except ParityError as exc:
        terminal.console(stderr=True).print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    rows = [
        (
            result.table,
            f"{result.duckdb_rows:,}",
            f"{result.spark_rows:,}",
            f"{result.only_in_duckdb:,}",
            f"{result.only_in_spark:,}",
            ", ".join(result.differing_columns + result.missing_columns)
            or ("equal" if result.equal else ""),
        )
        for result in results
    ]
    header = ("rows:", "DuckDB", "Spark", "only DuckDB", "only Spark", "differs in")
    terminal.print_rows(console, header, rows, right=(1, 2, 3, 4))
    unequal = [result.table for result in results if not result.equal]
    if unequal:
        console.print(f"[red]{len(unequal)} of {len(results)} tables differ between engines.[/red]")
        hint = landing_mismatch(results, duckdb_path())
        if hint:
            console.print(f"[yellow]{hint}[/yellow]", highlight=False)
        raise typer.Exit(1)
    console.print(f"[green]All {len(results)} tables are equal on Spark and DuckDB.[/green]")


@app.command("spark-match-pairs")
def spark_match_pairs() -> None:
    """Build int_identity_match_fits and int_identity_match_scores (Splink) on the spark
    target's local Spark warehouse: the step of make spark-check between the SQL upstream and
    downstream of the two models."""
    import logging
    import sys

    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    from python_jobs.identity.match_pairs import IdentityMatchError
    from python_jobs.spark_match_pairs import SparkMatchPairsError, run

    # progress and errors on stdout: make spark-check sends stderr (the JVM's log) to jvm.log
    console = terminal.console()
    # the model's own progress lines (python_jobs.identity.match_pairs logs them)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    jobs_logger = logging.getLogger("python_jobs")
    jobs_logger.addHandler(handler)
    jobs_logger.setLevel(logging.INFO)
    try:
        pairs = run(progress=lambda line: console.print(line, markup=False, highlight=False))
    except (SparkMatchPairsError, IdentityMatchError) as exc:
        console.print(f"Error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    except (PySparkException, Py4JError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        console.print(
            f"Error: Spark failed building the Splink models: {reason} (Spark's log has the rest).",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(1) from None
    console.print(
        f"[green]int_identity_match_scores built on Spark: {pairs:,} scored pairs.[/green]"
    )


@app.command()
def bench(
    scale: Annotated[float, typer.Option(help="Volume; 1 is about 10M landing records.")] = 1.0,
    days: Annotated[int, typer.Option(help="Days of landing data (day 2 adds one more).")] = 180,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    workdir: Annotated[Path, typer.Option(help="Scratch folder (deleted first).")] = Path(
        "data/bench"
    ),
    engine_scale: Annotated[
        float,
        typer.Option(
            help="Scale of the DuckDB/local Spark comparison of the SQL models; 0 skips it."
        ),
    ] = 0.02,
    end_date: Annotated[
        str | None,
        typer.Option(
            help="Last day of the landing data, YYYY-MM-DD (day 2 is the day after): two runs "
            "with the same date measure the same calendar (Splink's and CLV's fit days).",
            show_default="yesterday, UTC",
        ),
    ] = None,
) -> None:
    """Benchmark: generate SCALE, full dbt build and run, a day-2 incremental run, a run with
    no new data, and dbt's fixed cost on an empty landing folder; print records/s per layer,
    wall time, peak memory; then the SQL models on DuckDB and on local Spark at ENGINE_SCALE,
    and their ratio."""
    from python_jobs.bench import print_figures, run_benchmark

    console = terminal.console()
    figures = run_benchmark(scale, days, seed, workdir.resolve(), console, engine_scale, end_date)
    print_figures(figures, console)
    console.print(f"Figures written to {workdir / 'bench.json'}")


@app.command(name="identity-quality")
def identity_quality(
    truth: Annotated[
        Path | None,
        typer.Option(
            help="The identity truth file (parquet).",
            show_default="the landing manifest's identity.truth_file",
        ),
    ] = None,
    landing: Annotated[
        Path | None,
        typer.Option(
            help="Landing root whose _manifest.json names the truth file.",
            show_default="C360_LANDING_ROOT, else data/landing",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Measure identity resolution against the generator's truth file: pairwise and B-cubed
    precision, recall and F1 of the rules alone and of rules + Splink (the warehouse's
    silver.int_customer_identities), families merged, persons split."""
    import json

    from python_jobs.identity import quality
    from python_jobs.warehouse import duckdb_path, landing_root

    try:
        truth_file = truth or quality.default_truth_file(landing or landing_root())
        result = quality.measure_warehouse(truth_file, duckdb_path())
    except quality.QualityError as exc:
        terminal.console(stderr=True).print(
            f"Error: {exc}", markup=False, highlight=False, soft_wrap=True
        )
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps({"truth_file": str(truth_file), **result.as_dict()}, indent=2))
    else:
        quality.print_quality(result, terminal.console(), truth_file)


@app.command(name="dbt-state")
def dbt_state(
    bundle_json: Annotated[
        Path,
        typer.Argument(help="Output of `databricks bundle validate -t prod --output json`."),
    ],
    out: Annotated[Path, typer.Option(help="Folder to write manifest.json to.")] = Path(
        "prod-state"
    ),
    job: Annotated[str, typer.Option(help="Bundle job whose dbt tasks to follow.")] = (
        "customer360_daily"
    ),
    project_dir: Annotated[
        Path, typer.Option(help="The dbt project: the bundle root, where databricks.yml is.")
    ] = Path("."),
) -> None:
    """Write the manifest of a deployed job's dbt tasks (dbt parse with their target and vars):
    the --state of slim CI."""
    from python_jobs import deploy

    err = terminal.console(stderr=True)
    try:
        bundle = deploy.read_bundle(bundle_json)
        manifest = deploy.write_dbt_state(
            bundle, out.resolve(), project_dir=project_dir.resolve(), job=job
        )
    except deploy.DeployError as exc:
        err.print(f"Error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    terminal.console().print(f"Wrote {manifest}")


# The churn serving endpoint of the bundle (resources/churn_serving.yml, docs/serving.md).
@app.command(name="serving-vars")
def serving_vars(
    bundle_json: Annotated[
        Path,
        typer.Argument(help="Output of `databricks bundle validate -t <target> --output json`."),
    ],
    tracking_uri: Annotated[
        str, typer.Option("--tracking-uri", help="MLflow tracking URI.")
    ] = "databricks",
    registry_uri: Annotated[
        str, typer.Option("--registry-uri", help="MLflow registry URI: Unity Catalog.")
    ] = "databricks-uc",
) -> None:
    """Print the bundle variables that serve the registry's @champion and @challenger on the
    churn serving endpoint: BUNDLE_VAR_<name>=<value> lines, for $GITHUB_ENV or `set -a`."""
    from mlflow.exceptions import MlflowException

    from python_jobs import deploy
    from python_jobs.churn import serving_endpoint
    from python_jobs.churn.config import ChurnSettings
    from python_jobs.churn.registry import client_for

    err = terminal.console(stderr=True)
    try:
        bundle = deploy.read_bundle(bundle_json)
        settings = ChurnSettings.from_env(tracking_uri=tracking_uri, registry_uri=registry_uri)
        variables = serving_endpoint.serving_variables(bundle, client_for(settings))
    except (deploy.DeployError, serving_endpoint.ServingConfigError) as exc:
        err.print(f"Error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except MlflowException as exc:
        err.print(
            f"Error: could not read the model's aliases from {registry_uri} "
            f"({str(exc).splitlines()[0][:300]}); check the workspace credentials.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    print(serving_endpoint.env_lines(variables), end="")
    err.print(
        "Serving champion v{champion} ({champion_share} %) and challenger v{challenger} "
        "({challenger_share} %).".format(
            champion=variables[serving_endpoint.VERSION_VARIABLE["champion"]],
            challenger=variables[serving_endpoint.VERSION_VARIABLE["challenger"]],
            champion_share=variables[serving_endpoint.CHAMPION_PERCENT],
            challenger_share=variables[serving_endpoint.CHALLENGER_PERCENT],
        ),
        markup=False,
        highlight=False,
    )


@app.command(name="serving-check")
def serving_check(
    bundle_json: Annotated[
        Path,
        typer.Argument(help="Output of `databricks bundle validate -t <target> --output json`."),
    ],
) -> None:
    """Refuse a resolved bundle whose churn serving endpoint has no versions set or a traffic
    split that does not add up to 100 (exit code 2)."""
    from python_jobs import deploy
    from python_jobs.churn import serving_endpoint

    try:
        split = serving_endpoint.check_endpoint(deploy.read_bundle(bundle_json))
    except (deploy.DeployError, serving_endpoint.ServingConfigError) as exc:
        terminal.console(stderr=True).print(
            f"Error: {exc}", markup=False, highlight=False, soft_wrap=True
        )
        raise typer.Exit(2) from None
    terminal.console().print(
        f"The churn serving endpoint serves {split.model}: {split.describe()}.",
        markup=False,
        highlight=False,
    )
