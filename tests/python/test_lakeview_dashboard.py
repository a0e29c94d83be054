"""Offline checks of the Customer 360 dashboards on Databricks (databricks/dashboards/*.lvdash.json,
Lakeview / AI/BI) and of their bundle resource (resources/customer360.dashboard.yml).

No workspace: what a machine without one can prove. Each dashboard file loads and has its
pages; every dataset query parses as Databricks SQL (sqlglot and sqlfluff, dialect databricks);
every table a query reads is a table model of the dbt project in the dashboard's layer, and every
column it names is one of that model's documented columns (the manifest of `dbt parse`, no
connection); every widget reads a dataset of its dashboard and fields that dataset has, and every
filter binds a parameter its datasets declare; every query, transpiled to DuckDB, runs on the
sample warehouse (not Databricks: a check of its joins, filters and columns on real data). The
bundle resource resolves per target (test_deploy's resolver), loads into the typed Dashboard
class of `databricks-bundles`, and points each dashboard at the catalog and schema where dbt
writes its tables in that target (the job's own dbt parse). The exposures of the Lakeview
dashboards depend on exactly the models the dashboards read.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlfluff
import sqlglot
import yaml
from databricks.bundles.dashboards import Dashboard
from sqlfluff.api.simple import APIParsingError
from sqlglot import exp
from sqlglot.errors import OptimizeError, ParseError
from sqlglot.optimizer.qualify import qualify
from test_deploy import REFERENCE, SAMPLE_USER, TARGETS, resolve_bundle

from python_jobs import deploy

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DASHBOARD_DIR = REPO / "databricks" / "dashboards"
RESOURCE_FILE = REPO / "resources" / "customer360.dashboard.yml"
GRID_COLUMNS = 6  # a Lakeview canvas page is 6 columns wide

# bundle resource key -> (file, layer whose schema the bundle gives as dataset_schema, pages)
DASHBOARDS: dict[str, tuple[str, str, list[str]]] = {
    "customer360": (
        "customer360.lvdash.json",
        "gold",
        ["Customer lookup", "Segments", "Revenue", "Churn model"],
    ),
    "customer360_data_quality": (
        "customer360_data_quality.lvdash.json",
        "silver",
        ["Data quality"],
    ),
}
# The dbt exposure of each Lakeview dashboard (models/gold/_gold__exposures.yml).
EXPOSURES = {
    "customer360": "customer_360_lakeview",
    "customer360_data_quality": "customer_360_data_quality_lakeview",
}

# The widget specs the files use, with the spec version Lakeview exports for each.
WIDGET_VERSIONS = {
    "counter": 2,
    "table": 1,
    "bar": 3,
    "line": 3,
    "pie": 3,
    "filter-single-select": 2,
    "filter-multi-select": 2,
    "filter-date-range-picker": 2,
}
FILTERS = {kind for kind in WIDGET_VERSIONS if kind.startswith("filter-")}
TABLE_COLUMN_TYPES = {
    "string": "string",
    "integer": "number",
    "decimal": "number",
    "float": "number",
    "date": "datetime",
    "datetime": "datetime",
    "boolean": "boolean",
}


# --------------------------------------------------------------------------- reading the files


def load(key: str) -> dict[str, Any]:
    return json.loads((DASHBOARD_DIR / DASHBOARDS[key][0]).read_text())


def sql_of(dataset: dict[str, Any]) -> str:
    return "".join(dataset["queryLines"])


def parse(sql: str) -> exp.Query:
    """One SELECT statement of Databricks SQL, or an error saying why not."""
    statements = sqlglot.parse(sql, read="databricks")
    assert len(statements) == 1, f"{len(statements)} statements"
    [statement] = statements
    assert isinstance(statement, exp.Query), f"not a query: {type(statement).__name__}"
    return statement


def tables_read(query: exp.Query) -> set[str]:
    """Names of the tables a query reads (its own CTEs left out)."""
    ctes = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
    return {table.name for table in query.find_all(exp.Table)} - ctes


def all_datasets() -> Iterator[tuple[str, dict[str, Any]]]:
    for key in DASHBOARDS:
        for dataset in load(key)["datasets"]:
            yield key, dataset


def all_widgets(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for page in dashboard["pages"]:
        for item in page["layout"]:
            yield item["widget"]


DATASETS = list(all_datasets())
DATASET_IDS = [f"{key}:{dataset['name']}" for key, dataset in DATASETS]


def output_columns(dataset: dict[str, Any]) -> set[str]:
    query = parse(sql_of(dataset))
    first = query
    while isinstance(first, exp.SetOperation):
        first = first.this
    assert not any(isinstance(e, exp.Star) for e in first.expressions), "select * hides columns"
    return set(query.named_selects)


def placeholders(dataset: dict[str, Any]) -> set[str]:
    return {p.name for p in parse(sql_of(dataset)).find_all(exp.Placeholder)}


def encoded_fields(spec: dict[str, Any]) -> set[str]:
    """The fields a table's columns or a chart's encodings (x, y, color, angle, value) show."""
    encodings = spec["encodings"]
    entries = encodings["columns"] if spec["widgetType"] == "table" else encodings.values()
    return {entry["fieldName"] for entry in entries}


def expression_columns(expression: str) -> set[str]:
    """Columns of a widget field expression (Lakeview writes COUNT(*) as COUNT(`*`))."""
    parsed = sqlglot.parse_one(expression.replace("`*`", "*"), read="databricks")
    return {column.name for column in parsed.find_all(exp.Column)}


# --------------------------------------------------------------------------- the files


@pytest.mark.parametrize("key", DASHBOARDS)
def test_dashboard_file_loads_with_its_pages(key):
    dashboard = load(key)
    assert set(dashboard) <= {"datasets", "pages", "uiSettings"}
    assert [page["displayName"] for page in dashboard["pages"]] == DASHBOARDS[key][2]
    assert {page["pageType"] for page in dashboard["pages"]} == {"PAGE_TYPE_CANVAS"}
    names = [page["name"] for page in dashboard["pages"]]
    names += [dataset["name"] for dataset in dashboard["datasets"]]
    names += [widget["name"] for widget in all_widgets(dashboard)]
    assert len(names) == len(set(names)), "page, dataset and widget names must be unique"


def test_every_dashboard_file_is_deployed():
    deployed = {file for file, _, _ in DASHBOARDS.values()}
    assert {path.name for path in DASHBOARD_DIR.glob("*.lvdash.json")} == deployed


@pytest.mark.parametrize(("key", "dataset"), DATASETS, ids=DATASET_IDS)
def test_dataset_query_parses_as_databricks_sql(key, dataset):
    assert dataset["displayName"]
    assert all(line.endswith("\n") for line in dataset["queryLines"][:-1])
    query = parse(sql_of(dataset))
    # Unqualified tables: the bundle's dataset_catalog and dataset_schema put them in the
    # target's catalog and layer schema (resources/customer360.dashboard.yml).
    for table in query.find_all(exp.Table):
        assert not table.db and not table.catalog, f"{table.sql()} names its schema"
    assert tables_read(query)


@pytest.mark.parametrize(("key", "dataset"), DATASETS, ids=DATASET_IDS)
def test_dataset_query_parses_with_sqlfluffs_databricks_dialect(key, dataset):
    """A second parser: sqlfluff's Databricks dialect, the one the project's SQL is linted with."""
    assert sqlfluff.parse(sql_of(dataset), dialect="databricks")


@pytest.mark.parametrize(("key", "dataset"), DATASETS, ids=DATASET_IDS)
def test_dataset_parameters_are_its_placeholders(key, dataset):
    declared = {parameter["keyword"] for parameter in dataset.get("parameters", [])}
    assert declared == placeholders(dataset)
    for parameter in dataset.get("parameters", []):
        assert parameter["displayName"] and parameter["dataType"] == "STRING"
        default = parameter["defaultSelection"]["values"]
        assert default["dataType"] == "STRING" and len(default["values"]) == 1


def test_the_sql_checks_catch_what_they_are_for():
    """The checks below cannot pass on a broken query or a misspelt column."""
    with pytest.raises(ParseError):
        parse("select from where")
    with pytest.raises(APIParsingError):
        sqlfluff.parse("select a from t where", dialect="databricks")
    with pytest.raises(AssertionError, match="statements"):
        parse("select 1; select 2")
    with pytest.raises(OptimizeError):
        qualified("select customer_id, no_such_column from customer_360", LAYER_SCHEMA_SAMPLE)
    assert expression_columns("SUM(`net_revenue_reporting`)") == {"net_revenue_reporting"}
    assert expression_columns("COUNT(`*`)") == set()


# --------------------------------------------------------------------------- the widgets


@pytest.mark.parametrize("key", DASHBOARDS)
def test_widgets_read_fields_their_datasets_have(key):
    dashboard = load(key)
    datasets = {dataset["name"]: dataset for dataset in dashboard["datasets"]}
    columns = {name: output_columns(dataset) for name, dataset in datasets.items()}
    parameters = {
        name: {parameter["keyword"] for parameter in dataset.get("parameters", [])}
        for name, dataset in datasets.items()
    }
    used, bound = set(), set()
    for widget in all_widgets(dashboard):
        if "multilineTextboxSpec" in widget:
            assert set(widget) == {"name", "multilineTextboxSpec"}
            assert widget["multilineTextboxSpec"]["lines"]
            continue
        spec, queries = widget["spec"], {q["name"]: q["query"] for q in widget["queries"]}
        assert len(queries) == len(widget["queries"]), widget["name"]
        assert WIDGET_VERSIONS.get(spec["widgetType"]) == spec["version"], widget["name"]
        fields = {}
        for query in queries.values():
            dataset = query["datasetName"]
            assert dataset in datasets, (widget["name"], dataset)
            used.add(dataset)
            for field in query.get("fields", []):
                missing = expression_columns(field["expression"]) - columns[dataset]
                assert not missing, (widget["name"], dataset, missing)
                fields[field["name"]] = dataset
            for parameter in query.get("parameters", []):
                assert parameter["keyword"] in parameters[dataset], (widget["name"], parameter)
                bound.add((dataset, parameter["keyword"]))
        if spec["widgetType"] in FILTERS:
            for encoding in spec["encodings"]["fields"]:
                query = queries[encoding["queryName"]]
                if "parameterName" in encoding:
                    keywords = {p["keyword"] for p in query["parameters"]}
                    assert encoding["parameterName"] in keywords, widget["name"]
                else:
                    names = {f["name"] for f in query["fields"]}
                    assert encoding["fieldName"] in names, widget["name"]
            continue
        encoded = encoded_fields(spec)
        assert encoded and encoded <= set(fields), (widget["name"], encoded - set(fields))
        if spec["widgetType"] == "table":
            for column in spec["encodings"]["columns"]:
                assert TABLE_COLUMN_TYPES[column["type"]] == column["displayAs"], column
    # every dataset is shown, and every parameter is set by a filter
    assert used == set(datasets)
    assert bound == {(name, keyword) for name, keys in parameters.items() for keyword in keys}


@pytest.mark.parametrize("key", DASHBOARDS)
def test_widgets_fit_the_page_grid_without_overlapping(key):
    for page in load(key)["pages"]:
        cells: dict[tuple[int, int], str] = {}
        for item in page["layout"]:
            position, name = item["position"], item["widget"]["name"]
            x, y, width, height = (position[k] for k in ("x", "y", "width", "height"))
            assert x >= 0 and y >= 0 and width >= 1 and height >= 1, name
            assert x + width <= GRID_COLUMNS, name
            for cell in (
                (column, row) for column in range(x, x + width) for row in range(y, y + height)
            ):
                assert cell not in cells, f"{name} overlaps {cells[cell]} on {page['name']}"
                cells[cell] = name


# --------------------------------------------------------------------------- the dbt models


@pytest.fixture(scope="module")
def manifests(tmp_path_factory) -> dict[str, dict[str, Any]]:
    """The manifest of each bundle target: the project parsed as that target's job runs dbt
    (python -m python_jobs dbt-state; no connection)."""
    result = {}
    with pytest.MonkeyPatch.context() as patch:
        for name in ("DBT_HOST", "DBT_ACCESS_TOKEN", "DATABRICKS_HOST"):
            patch.delenv(name, raising=False)
        for target in TARGETS:
            out = tmp_path_factory.mktemp(f"lakeview-{target}")
            path = deploy.write_dbt_state(
                resolve_bundle(target),
                out,
                project_dir=REPO,
                extra_args=["--log-path", str(out), "--log-level", "none"],
            )
            result[target] = json.loads(path.read_text())
    return result


def project_models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "customer360"
    }


def layer_schema(models: dict[str, dict[str, Any]], layer: str) -> dict[str, dict[str, str]]:
    """The documented columns of the layer's models, as sqlglot's schema mapping."""
    return {
        name: {
            column: spec.get("data_type") or "unknown" for column, spec in node["columns"].items()
        }
        for name, node in models.items()
        if node["fqn"][1] == layer
    }


def qualified(sql: str, schema: dict[str, dict[str, str]]) -> exp.Expression:
    return qualify(parse(sql), schema=schema, dialect="databricks", validate_qualify_columns=True)


LAYER_SCHEMA_SAMPLE = {"customer_360": {"customer_id": "string"}}


@pytest.mark.parametrize(("key", "dataset"), DATASETS, ids=DATASET_IDS)
def test_dataset_reads_documented_columns_of_table_models_in_its_layer(key, dataset, manifests):
    models = project_models(manifests["prod"])
    layer = DASHBOARDS[key][1]
    tables = tables_read(parse(sql_of(dataset)))
    for table in tables:
        assert table in models, f"{table} is not a model of the dbt project"
        node = models[table]
        assert node["fqn"][1] == layer, f"{table} is not a {layer} model"
        assert node["config"]["materialized"] in {"table", "incremental"}, table
        assert node["columns"], f"{table} documents no column"
    # every column named resolves to a documented column of a table read (an error otherwise)
    qualified(sql_of(dataset), layer_schema(models, layer))


# --------------------------------------------------------------------------- the sample warehouse

# Datasets that may be empty on the sample data: normal deliveries raise no anomaly.
MAY_BE_EMPTY = {"delivery_anomalies"}


@pytest.fixture(scope="module")
def warehouse():
    """The sample warehouse of `make run` / `make build`, read-only (make test builds it before
    pytest)."""
    duckdb = pytest.importorskip("duckdb")
    path = Path(
        os.environ.get("C360_DUCKDB_PATH", REPO / "data" / "warehouse" / "customer360.duckdb")
    )
    if not path.is_file():
        pytest.skip(f"no sample warehouse at {path}: make run builds it")
    with duckdb.connect(str(path), read_only=True) as connection:
        yield connection


def on_duckdb(dataset: dict[str, Any], layer: str, values: dict[str, str]) -> str:
    """The dataset query as DuckDB SQL (sqlglot's transpilation): its tables in the layer's
    schema, its parameters replaced by the given values."""
    query = parse(sql_of(dataset))
    read = tables_read(query)
    for table in query.find_all(exp.Table):
        if table.name in read:
            table.set("db", exp.to_identifier(layer))
    for placeholder in list(query.find_all(exp.Placeholder)):
        placeholder.replace(exp.Literal.string(values[placeholder.name]))
    return query.sql(dialect="duckdb")


@pytest.mark.parametrize(("key", "dataset"), DATASETS, ids=DATASET_IDS)
def test_dataset_query_runs_on_the_sample_warehouse(key, dataset, warehouse):
    """Not Databricks: the query transpiled to DuckDB and run on the sample data, which shows
    that its joins, filters and columns give what the widgets expect."""
    layer = DASHBOARDS[key][1]
    tables = tables_read(parse(sql_of(dataset)))
    present = {
        name
        for (name,) in warehouse.execute(
            "select table_name from information_schema.tables where table_schema = ?", [layer]
        ).fetchall()
    }
    assert tables <= present, f"{sorted(tables - present)} not in the warehouse: make build"
    if not dataset.get("parameters"):
        rows = warehouse.execute(on_duckdb(dataset, layer, {})).fetchall()
        assert [column[0] for column in warehouse.description] == parse(
            sql_of(dataset)
        ).named_selects
        assert rows or dataset["name"] in MAY_BE_EMPTY, f"{dataset['name']} is empty"
        return
    # the customer lookup: the default (no customer chosen) shows nothing, a customer shows them
    assert not warehouse.execute(on_duckdb(dataset, layer, {"customer_id": ""})).fetchall()
    [(customer_id, orders)] = warehouse.execute(
        "select customer_id, orders_count from gold.customer_360 "
        "order by lifetime_revenue_reporting desc nulls last, customer_id limit 1"
    ).fetchall()
    rows = warehouse.execute(on_duckdb(dataset, layer, {"customer_id": customer_id})).fetchall()
    expected = {"customer_orders": orders}.get(dataset["name"], 1)
    assert len(rows) == expected, dataset["name"]


# --------------------------------------------------------------------------- the bundle


def dashboard_resources(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        key: {k: v for k, v in settings.items() if k != "_source"}
        for key, settings in bundle["resources"]["dashboards"].items()
    }


@pytest.fixture(scope="module", params=TARGETS)
def bundle(request) -> dict[str, Any]:
    return resolve_bundle(request.param)


def test_dashboards_load_into_the_typed_dashboard_class(bundle):
    resources = dashboard_resources(bundle)
    assert set(resources) == set(DASHBOARDS)
    for key, settings in resources.items():
        dashboard = Dashboard.from_dict(settings)  # rejects unknown keys
        assert dashboard.as_dict() == settings  # nothing dropped or coerced
        assert not REFERENCE.search(json.dumps(settings))
        source = Path(bundle["resources"]["dashboards"][key]["_source"])
        assert source == RESOURCE_FILE
        assert (source.parent / settings["file_path"]).resolve() == (
            DASHBOARD_DIR / DASHBOARDS[key][0]
        )
        assert settings["warehouse_id"] == bundle["variables"]["warehouse_id"]
        assert settings["dataset_catalog"] == bundle["variables"]["catalog"]
        # the viewers' own permissions: masks and the row filter apply to whoever looks
        assert settings["embed_credentials"] is False
        assert settings["display_name"]


def test_dashboards_read_where_dbt_writes_in_every_target(bundle, manifests):
    """dataset_catalog and dataset_schema are where the target's job writes the tables the
    dashboard reads (dev: <you>_gold / <you>_silver in the dev catalog; staging and prod:
    gold / silver in their own catalog)."""
    target = bundle["bundle"]["target"]
    models = project_models(manifests[target])
    for key, settings in dashboard_resources(bundle).items():
        read = set().union(*(tables_read(parse(sql_of(d))) for d in load(key)["datasets"]))
        built = read & set(models)
        assert built == read, read - set(models)
        for table in built:
            node = models[table]
            assert (node["database"], node["schema"]) == (
                settings["dataset_catalog"],
                settings["dataset_schema"],
            ), (target, key, table)
    if target == "dev":
        user = SAMPLE_USER["short_name"]
        resources = dashboard_resources(bundle)
        assert resources["customer360"]["dataset_schema"] == f"{user}_gold"
        assert resources["customer360_data_quality"]["dataset_schema"] == f"{user}_silver"


def test_the_cli_version_knows_dataset_catalog_and_schema():
    """dataset_catalog and dataset_schema arrived in Databricks CLI 0.281.0, which an older
    CLI does not know. The bundle requires it, and the CLI the workflows install
    (databricks/setup-cli@v<cli version>) is one."""
    root = yaml.safe_load((REPO / "databricks.yml").read_text())
    match = re.fullmatch(r">=\s*(\d+)\.(\d+)\.(\d+)", root["bundle"]["databricks_cli_version"])
    assert match and tuple(map(int, match.groups())) >= (0, 281, 0)
    workflows = "\n".join(p.read_text() for p in (REPO / ".github" / "workflows").glob("*.yml"))
    installed = re.findall(r"databricks/setup-cli@v(\d+)\.(\d+)\.(\d+)", workflows)
    assert installed
    assert all(tuple(map(int, version)) >= (0, 281, 0) for version in installed)


# --------------------------------------------------------------------------- the exposures


def test_exposures_of_the_lakeview_dashboards_depend_on_what_they_read(manifests):
    manifest = manifests["prod"]
    models = project_models(manifest)
    exposures = {node["name"]: node for node in manifest["exposures"].values()}
    for key, name in EXPOSURES.items():
        exposure = exposures[name]
        assert exposure["type"] == "dashboard"
        assert exposure["owner"]["email"] and exposure["url"]
        assert exposure["config"]["meta"]["bundle_dashboard"] == key
        read = set().union(*(tables_read(parse(sql_of(d))) for d in load(key)["datasets"]))
        expected = {models[table]["unique_id"] for table in read if table in models}
        assert set(exposure["depends_on"]["nodes"]) == expected, name
