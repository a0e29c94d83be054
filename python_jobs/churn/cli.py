"""Command line of the churn jobs: ``train``, ``champion`` and ``serve``.

Mounted by the project's top-level CLI; runs on its own with ``python -m python_jobs.churn.cli``.
Problems the user can fix (missing table, empty table, one class, too few rows, no usable
feature column, no time split, no champion, a taken port) print one sentence saying what to do
and exit with code 2, without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.markup import escape

from python_jobs import terminal
from python_jobs.churn.config import ChurnJobError, ChurnSettings
from python_jobs.churn.serve import DEFAULT_PORT, HOST

app = typer.Typer(
    cls=terminal.PasteableGroup,
    rich_markup_mode=None,
    help="Churn model: train, register and promote; show and serve the champion.",
    no_args_is_help=True,
    add_completion=False,
)

TrackingUri = Annotated[
    str | None,
    typer.Option(
        "--tracking-uri",
        help="MLflow tracking URI (default: MLFLOW_TRACKING_URI, else the repo's sqlite store).",
    ),
]
RegistryUri = Annotated[
    str | None,
    typer.Option("--registry-uri", help="MLflow registry URI (default: the tracking URI)."),
]
ModelName = Annotated[
    str | None,
    typer.Option(
        "--model-name", help="Registered model name (default: C360_CHURN_MODEL_NAME or per engine)."
    ),
]
# Engine, warehouse and table as options too: a Databricks job's Python wheel task passes
# parameters, not environment variables (resources/customer360_daily.job.yml).
Engine = Annotated[
    str | None,
    typer.Option("--engine", help="duckdb or databricks (default: C360_ENGINE, else duckdb)."),
]
HttpPath = Annotated[
    str | None,
    typer.Option(
        "--http-path",
        help="HTTP path of the SQL warehouse to read the features from on Databricks "
        "(default: DATABRICKS_HTTP_PATH).",
    ),
]
FeaturesTable = Annotated[
    str | None,
    typer.Option(
        "--features-table",
        help="Table of churn features (default: C360_CHURN_FEATURES_TABLE or per engine).",
    ),
]


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn fixable problems into one red sentence and exit code 2."""
    try:
        yield
    except ChurnJobError as exc:
        terminal.console(stderr=True).print(
            f"[bold red]Error:[/bold red] {escape(str(exc))}", highlight=False
        )
        raise typer.Exit(code=2) from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        terminal.console(stderr=True).print(
            f"[bold red]Error:[/bold red] invalid churn settings ({escape(problems)}). "
            "Fix the environment variables or options and run again.",
            highlight=False,
        )
        raise typer.Exit(code=2) from None


@app.command()
def train(
    engine: Engine = None,
    http_path: HttpPath = None,
    features_table: FeaturesTable = None,
    tracking_uri: TrackingUri = None,
    registry_uri: RegistryUri = None,
    model_name: ModelName = None,
    experiment: Annotated[
        str | None, typer.Option("--experiment", help="MLflow experiment name.")
    ] = None,
    purge_days: Annotated[
        int | None,
        typer.Option(
            "--purge-days",
            min=0,
            help="Gap in days between the last training as-of date and the evaluation date "
            "(default: the labels' window, churn_features.churn_horizon_days).",
        ),
    ] = None,
    promotion_margin: Annotated[
        float | None,
        typer.Option(
            "--promotion-margin",
            min=0,
            max=1,
            help="ROC AUC the new model must gain over the champion to replace it "
            "(default: C360_CHURN_PROMOTION_MARGIN, else 0.005).",
        ),
    ] = None,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show the training's progress bar.")
    ] = True,
) -> None:
    """Train on churn_features, log to MLflow, register as @challenger, promote if better by
    more than the promotion margin."""
    from python_jobs.churn.registry import register_and_promote
    from python_jobs.churn.train import print_training_summary, train_churn_model

    console = terminal.console()
    with _user_errors():
        settings = ChurnSettings.from_env(
            engine=engine,
            databricks_http_path=http_path,
            features_table=features_table,
            tracking_uri=tracking_uri,
            registry_uri=registry_uri,
            model_name=model_name,
            experiment_name=experiment,
            purge_days=purge_days,
            promotion_margin=promotion_margin,
        )
        result = train_churn_model(settings, console=console, show_progress=progress)
        decision = register_and_promote(result, settings)
    print_training_summary(result, settings, console, decision)


@app.command()
def champion(
    tracking_uri: TrackingUri = None,
    registry_uri: RegistryUri = None,
    model_name: ModelName = None,
) -> None:
    """Show the current champion: version, metrics of its run, promotion decision tags."""
    from python_jobs.churn.registry import champion_info

    console = terminal.console()
    with _user_errors():
        settings = ChurnSettings.from_env(
            tracking_uri=tracking_uri, registry_uri=registry_uri, model_name=model_name
        )
        info = champion_info(settings)
    console.print(
        f"[bold]{info.model_name}[/bold] @champion = version [bold]{info.version}[/bold] "
        f"(run {info.run_id}, aliases: {', '.join(info.aliases) or 'champion'})"
    )
    terminal.print_rows(
        console,
        ("metric", "value"),
        [(key, f"{value:.4f}") for key, value in sorted(info.metrics.items())],
        title="Metrics of the champion's training run",
        right=(1,),
    )
    terminal.print_rows(
        console,
        ("tag", "value"),
        [(key, value) for key, value in sorted(info.tags.items()) if key.startswith("promotion.")],
        title="Promotion decision",
    )
    if info.description:
        console.print(info.description, markup=False, highlight=False)


@app.command()
def serve(
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help=f"Port to listen on, on {HOST}.")
    ] = DEFAULT_PORT,
    tracking_uri: TrackingUri = None,
    registry_uri: RegistryUri = None,
    model_name: ModelName = None,
) -> None:
    """Serve the champion over REST on 127.0.0.1 with MLflow's scoring server (POST
    /invocations with churn_features rows; Ctrl-C stops it)."""
    import os
    import shlex
    import sys

    from python_jobs.churn import serve as serving

    console = terminal.console()
    with _user_errors():
        settings = ChurnSettings.from_env(
            tracking_uri=tracking_uri, registry_uri=registry_uri, model_name=model_name
        )
        model = serving.champion_to_serve(settings)
        serving.check_port_free(port)
    base = serving.url(port)
    console.print(
        f"Serving [bold]{escape(model.name)}[/bold] version [bold]{model.version}[/bold] "
        f"(@champion now, run {model.run_id}) at [bold]{base}[/bold]",
        highlight=False,
    )
    console.print(
        f"  POST {base}/invocations  (health: GET {base}/ping; stop: Ctrl-C)", highlight=False
    )
    console.print("Try it:", highlight=False)
    console.print("  " + serving.curl_example(model, port), markup=False, highlight=False)
    command = serving.serve_command(model, port)
    console.print(f"Starting: {shlex.join(command)}", markup=False, highlight=False)
    sys.stdout.flush()
    sys.stderr.flush()
    # MLflow's own server replaces this process: Ctrl-C and signals reach it directly.
    os.execve(command[0], command, serving.serve_environment())


if __name__ == "__main__":
    app()
