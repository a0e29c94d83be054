"""The Databricks production configuration, proven as far as a machine without a workspace can:
dbt-databricks parses the project for the databricks targets and the manifest carries the Unity
Catalog settings (Delta, change data feed, tags, column masks, row filter, grants, serverless
Python); the governance functions render, and their logic runs on local Spark; the same
settings stay off on DuckDB. No connection is opened (`--no-populate-cache`, dummy host)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).parent / "dbt")
ENGINEERS, ANALYSTS = "c360_engineers", "c360_analysts"
PII_COLUMNS = {
    "first_name": "name",
    "last_name": "name",
    "email": "email",
    "phone": "phone",
    "city": "location",
    "anonymous_id": "online_identifier",
}
MASKED_IN_GOLD = {"email": "mask_email", "phone": "mask_phone"}


def dbt(tmp: Path, *args: str, target: str) -> subprocess.CompletedProcess:
    """Run dbt offline against a dummy workspace; target artifacts go to tmp."""
    tmp.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABRICKS_", "DBT_TARGET"))
    }
    env.update(
        DBT_PROFILES_DIR=str(REPO),
        DO_NOT_TRACK="1",
        DBT_LOG_PATH=str(tmp / "logs"),
        DATABRICKS_HOST="dummy.cloud.databricks.com",
        DATABRICKS_HTTP_PATH="/sql/1.0/warehouses/dummy",
        DATABRICKS_TOKEN="dummy-not-a-secret",
        C360_LANDING_ROOT="/Volumes/customer360_dev/landing/files",
    )
    return subprocess.run(
        [DBT, "--quiet", *args, "--target", target, "--target-path", str(tmp / "target")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def manifest(tmp: Path) -> dict:
    return json.loads((tmp / "target" / "manifest.json").read_text())


def layer_nodes(nodes: dict, layer: str, resource_type: str = "model") -> dict:
    return {
        node["name"]: node
        for node in nodes["nodes"].values()
        if node["resource_type"] == resource_type
        and node["package_name"] == "customer360"
        and (layer is None or node["fqn"][1] == layer)
    }


INLINE_GOVERNANCE = (
    "{{ tojson({'use_materialization_v2': "
    "adapter.get_behavior_flag_no_warn('use_materialization_v2'), "
    "'statements': governance_functions_sql()}) }}"
)
# One dbt invocation per check, run concurrently (each one is mostly dbt's start-up and parse).
OFFLINE_COMPILE = ["compile", "--no-populate-cache"]
BAD_GROUP = """{pii_readers_group: "x') or true or ('"}"""
RUNS = {
    # the rendered governance functions and behaviour flag, and the databricks manifest
    "databricks": (
        "databricks",
        [*OFFLINE_COMPILE, "--output", "json", "--inline", INLINE_GOVERNANCE],
    ),
    "streaming": (
        "databricks",
        [
            *OFFLINE_COMPILE,
            *("--vars", "{bronze_streaming: true}"),
            *("--select", "brz_crm__customers", "brz_ecommerce__orders"),
            # the models alone: their data tests query the warehouse as they compile
            *("--indirect-selection", "empty"),
        ],
    ),
    "bad_group": (
        "databricks",
        [*OFFLINE_COMPILE, "--vars", BAD_GROUP, "--inline", "{{ governance_functions_sql() }}"],
    ),
    "prod": ("prod", ["parse"]),
    "local": ("local", ["parse"]),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess]]:
    tmp = tmp_path_factory.mktemp("dbt_databricks")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {
            name: pool.submit(dbt, tmp / name, *args, target=target)
            for name, (target, args) in RUNS.items()
        }
        return {name: (tmp / name, future.result()) for name, future in futures.items()}


def succeeded(runs, name: str) -> tuple[Path, subprocess.CompletedProcess]:
    tmp, done = runs[name]
    if done.returncode != 0:
        pytest.fail(f"dbt ({name}) failed:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}")
    return tmp, done


@pytest.fixture(scope="module")
def governance(runs) -> tuple[dict, dict]:
    """The rendered governance functions and behaviour flag (dbt compile --inline, offline),
    and the databricks target's manifest written by the same invocation."""
    tmp, done = succeeded(runs, "databricks")
    compiled = json.loads(json.loads(done.stdout[done.stdout.index("{") :])["compiled"])
    return compiled, manifest(tmp)


@pytest.fixture(scope="module")
def nodes(governance) -> dict:
    return governance[1]


def test_every_silver_and_gold_model_is_delta(nodes):
    for layer in ("bronze", "silver", "gold"):
        models = layer_nodes(nodes, layer)
        assert models, layer
        for name, node in models.items():
            assert node["config"]["file_format"] == "delta", name


def test_silver_tables_have_the_change_data_feed_and_views_no_table_properties(nodes):
    tables = 0
    for name, node in layer_nodes(nodes, "silver").items():
        properties = node["config"].get("tblproperties") or {}
        if node["config"]["materialized"] == "view":
            assert properties == {}, name
        else:
            tables += 1
            assert properties.get("delta.enableChangeDataFeed") == "true", name
    assert tables >= 8


def test_tables_are_tagged_with_layer_and_domain(nodes):
    for layer in ("bronze", "silver", "gold"):
        for name, node in layer_nodes(nodes, layer).items():
            tags = node["config"]["databricks_tags"]
            assert tags["layer"] == layer, name
            assert tags.get("domain"), name
    for resource_type, layer in (("seed", "reference"), ("snapshot", "snapshots")):
        for name, node in layer_nodes(nodes, None, resource_type).items():
            assert node["config"]["databricks_tags"]["layer"] == layer, name


def test_every_pii_column_carries_a_pii_tag_and_its_table_says_so(nodes):
    tagged = set()
    for layer in ("bronze", "silver", "gold"):
        for name, node in layer_nodes(nodes, layer).items():
            for column, spec in node["columns"].items():
                if column in PII_COLUMNS:
                    assert spec.get("databricks_tags") == {"pii": PII_COLUMNS[column]}, (
                        name,
                        column,
                    )
                    tagged.add((layer, column))
            has_pii = any(
                "pii" in (c.get("databricks_tags") or {}) for c in node["columns"].values()
            )
            contains_pii = node["config"]["databricks_tags"].get("contains_pii", "false")
            assert contains_pii == str(has_pii).lower(), name
    # names, email and phone are tagged in every layer that holds them
    for layer in ("bronze", "silver", "gold"):
        assert {(layer, c) for c in ("first_name", "last_name", "email", "phone")} <= tagged


def test_gold_email_and_phone_are_masked(nodes):
    masked = 0
    for name, node in layer_nodes(nodes, "gold").items():
        for column, function in MASKED_IN_GOLD.items():
            if column in node["columns"]:
                assert node["columns"][column].get("column_mask") == {"function": function}, name
                masked += 1
    assert masked >= 4  # customer_360 and dim_customers, email and phone each


def test_customer_360_has_the_region_row_filter(nodes):
    customer_360 = layer_nodes(nodes, "gold")["customer_360"]
    assert customer_360["config"]["row_filter"] == {
        "function": "region_row_filter",
        "columns": ["region"],
    }
    assert "region" in customer_360["columns"]


def test_grants_per_layer(nodes):
    for layer, readers in (
        ("bronze", [ENGINEERS]),
        ("silver", [ENGINEERS]),
        ("gold", [ANALYSTS, ENGINEERS]),
    ):
        for name, node in layer_nodes(nodes, layer).items():
            assert node["config"]["grants"] == {"select": readers}, name
    for resource_type in ("seed", "snapshot"):
        for name, node in layer_nodes(nodes, None, resource_type).items():
            assert node["config"]["grants"] == {"select": [ENGINEERS]}, name


def test_liquid_clustering_on_the_keys_and_dates_queries_filter_on(nodes):
    models = {**layer_nodes(nodes, "silver"), **layer_nodes(nodes, "gold")}
    expected = {
        "stg_web__events": ["event_date", "anonymous_id"],
        "fct_orders": ["order_date", "customer_id"],
        "customer_360": ["customer_id"],
    }
    for name, columns in expected.items():
        assert models[name]["config"]["liquid_clustered_by"] == columns, name
    for name, node in models.items():
        for column in node["config"].get("liquid_clustered_by") or []:
            assert column in node["columns"], (name, column)


def test_merge_settings_are_decided_per_engine(nodes):
    """On Databricks every keyed incremental model is a Delta MERGE (int_web_sessions
    replaces whole visitors); on DuckDB the same models delete and insert (the test on the
    local target below)."""
    for layer in ("silver", "gold"):
        for name, node in layer_nodes(nodes, layer).items():
            config = node["config"]
            if (
                config["materialized"] != "incremental"
                or config["incremental_strategy"] == "append"
            ):
                continue
            expected = "delete+insert" if name == "int_web_sessions" else "merge"
            assert config["incremental_strategy"] == expected, name
            assert config.get("merge_update_condition") is None, name
            if layer == "gold" or expected != "merge":
                continue
            # the quality and identity tables and int_customer_facts have no _record_id:
            # every matched row is updated (identity: the relabelled nodes, merged on
            # node_key; int_customer_facts: the changed customers, merged on customer_id)
            keyless = "_record_id" not in node["columns"]
            if keyless or {"quality", "identity"} & set(node["tags"]):
                assert config.get("matched_condition") is None, name
            else:
                assert "_record_id" in config["matched_condition"], name


def test_gold_tables_are_replaced_by_a_staging_swap(nodes):
    """dbt-databricks reads use_safer_relation_operations when a table is replaced: gold
    (every run for a table, a full refresh for an incremental) is built aside and swapped
    in, so readers never see it empty; the other layers keep the in-place replace."""
    for layer in ("bronze", "silver", "gold"):
        for name, node in layer_nodes(nodes, layer).items():
            safer = node["config"].get("use_safer_relation_operations")
            assert safer is (True if layer == "gold" else None), name


def test_python_models_run_on_serverless_with_the_project_wheel(nodes):
    """dbt-databricks' own job compiler turns each Python model's config into a serverless
    task in an environment of version 2 (Python 3.11, the project's) that installs the
    wheel; the Databricks SDK's job types accept both."""
    from databricks.sdk.service.jobs import JobEnvironment, SubmitTask
    from dbt.adapters.databricks.python_models.python_config import ParsedPythonModel
    from dbt.adapters.databricks.python_models.python_submissions import PythonJobConfigCompiler

    class NoPermissions:
        def build_job_permissions(self, job_grants, access_control_list):
            return []

    python_models = {
        name: node
        for layer in ("silver", "gold")
        for name, node in layer_nodes(nodes, layer).items()
        if node["language"] == "python"
    }
    assert set(python_models) == {
        "int_identity_match_fits",
        "int_identity_match_scores",
        "clv_model_fits",
        "customer_clv",
        "churn_scores",
    }
    for name, node in python_models.items():
        assert node["config"]["submission_method"] == "serverless_cluster", name
        job = PythonJobConfigCompiler(
            None, NoPermissions(), ParsedPythonModel(**node), cluster_spec={}
        ).compile(f"/Workspace/Users/dbt/{name}")
        task = {k: v for k, v in job.job_spec.items() if k != "queue"}
        assert SubmitTask.from_dict(task).environment_key == "customer360_ml", name
        (environment,) = [
            JobEnvironment.from_dict(e) for e in job.additional_job_config["environments"]
        ]
        assert environment.environment_key == "customer360_ml", name
        assert environment.spec.environment_version == "2", name
        (wheel,) = environment.spec.dependencies
        assert wheel.startswith("/Volumes/customer360_dev/") and wheel.endswith(".whl"), name


def test_behaviour_flag_for_column_masks_is_read_by_dbt_databricks(governance):
    compiled, _ = governance
    assert compiled["use_materialization_v2"] is True


def test_governance_functions_render_in_the_gold_schema(governance):
    statements = governance[0]["statements"]
    assert statements[0] == "create schema if not exists `customer360_dev`.`c360_gold`"
    created = [re.search(r"function (\S+)\(", sql).group(1) for sql in statements[1:]]
    assert created == [
        f"`customer360_dev`.`c360_gold`.{name}"
        for name in ("mask_email", "mask_phone", "region_row_filter")
    ]
    assert all("is_account_group_member('c360_pii_readers')" in sql for sql in statements[1:3])
    assert "is_account_group_member('c360_region_europe')" in statements[3]


def test_governance_functions_parse_as_databricks_sql(governance):
    sqlfluff = pytest.importorskip("sqlfluff")
    for sql in governance[0]["statements"]:
        assert sqlfluff.parse(sql, dialect="databricks")


def test_a_group_name_that_could_break_the_sql_is_refused(runs):
    _, done = runs["bad_group"]
    assert done.returncode != 0
    assert "without quotes or backslashes" in done.stdout


@pytest.mark.spark
@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        (
            ["c360_pii_readers", "c360_all_regions"],
            [("anna@example.com", "+49 30 1234567", True), ("bo@example.com", "555-0100", True)],
        ),
        (
            ["c360_region_europe"],
            [("***@example.com", "************67", True), ("***@example.com", "******00", False)],
        ),
    ],
)
def test_governance_functions_mask_and_filter_on_spark(governance, groups, expected):
    """The rendered functions, run on local Spark as temporary SQL functions, with the
    Databricks built-in is_account_group_member stubbed by a fixed group membership."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    spark = pyspark_sql.SparkSession.builder.master("local[1]").getOrCreate()
    member_of = ", ".join(f"'{group}'" for group in groups)
    spark.sql(
        "create or replace temporary function is_account_group_member(name string) "
        f"returns boolean return name in ({member_of})"
    )
    for sql in governance[0]["statements"][1:]:
        spark.sql(
            re.sub(
                r"^create or replace function \S+\.", "create or replace temporary function ", sql
            )
        )
    rows = spark.sql(
        "select mask_email(email), mask_phone(phone), coalesce(region_row_filter(region), false) "
        "from values ('anna@example.com', '+49 30 1234567', 'Europe'), "
        "('bo@example.com', '555-0100', 'North America') as customers(email, phone, region)"
    ).collect()
    assert [tuple(row) for row in rows] == expected


def test_bronze_runs_as_auto_loader_streaming_tables_when_asked(runs):
    tmp, _ = succeeded(runs, "streaming")
    for name, node in layer_nodes(manifest(tmp), "bronze").items():
        assert node["config"]["materialized"] == "streaming_table", name
    sql = next((tmp / "target" / "compiled").rglob("brz_crm__customers.sql")).read_text()
    assert "from stream read_files(\n" in sql
    assert "'/Volumes/customer360_dev/landing/files/crm/customers/" in sql
    assert "columnNameOfCorruptRecord => '_corrupt_record'" in sql
    assert "row_number()" not in sql and "monotonically_increasing_id" not in sql


@pytest.mark.spark
def test_csv_read_files_options_keep_a_quoted_line_break_in_one_record(runs, tmp_path):
    """read_files takes the options of Spark's CSV reader. The orders' bronze model's
    (all but Databricks' own rescuedDataColumn), given to local Spark's CSV reader over a file
    whose first row has a quoted line break, the second a value ending in a backslash, the
    third doubled quotes: three records, the values whole, none corrupt. Without multiLine the
    same reader ends the first record at the break, and with a backslash as the escape the
    second record runs on."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    tmp, _ = succeeded(runs, "streaming")
    sql = next((tmp / "target" / "compiled").rglob("brz_ecommerce__orders.sql")).read_text()
    call = sql[sql.index("read_files(") :]
    options = {
        name: value.strip("'")
        for name, value in re.findall(r"(\w+) => (true|false|'[^']*')", call[: call.index(")")])
    }
    assert options["multiLine"] == "true"
    schema = options.pop("schema")
    del options["format"], options["rescuedDataColumn"]
    columns = [column.split()[0] for column in schema.split(", ") if "(" not in column.split()[0]]
    note = columns.index("coupon_code")
    rows = [
        ["O1" if name == "order_id" else "x" for name in columns[:-1]],
        ["O2" if name == "order_id" else "y" for name in columns[:-1]],
    ]
    rows[0][note] = '"line one\nline two"'
    rows[1][note] = '"C:\\tmp\\"'
    rows.append(["O3" if name == "order_id" else "z" for name in columns[:-1]])
    rows[2][note] = '"say ""hi"""'
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(",".join(row) for row in [columns[:-1], *rows]) + "\n")
    spark = pyspark_sql.SparkSession.builder.master("local[1]").getOrCreate()

    def read(**overrides: str) -> list:
        reader = spark.read.format("csv").schema(schema).options(**(options | overrides))
        return reader.load(str(path)).select("order_id", "coupon_code", "_corrupt_record").collect()

    assert [tuple(row) for row in read()] == [
        ("O1", "line one\nline two", None),
        ("O2", "C:\\tmp\\", None),
        ("O3", 'say "hi"', None),
    ]
    split = read(multiLine="false")
    assert len(split) == 4 and split[0]["coupon_code"] == "line one"
    # with Spark's default escape (a backslash) the value ending in one runs on
    assert len(read(escape="\\")) < 3


def test_prod_target_writes_layer_schemas_of_the_prod_catalog(runs):
    tmp, _ = succeeded(runs, "prod")
    gold = layer_nodes(manifest(tmp), "gold")["customer_360"]
    assert (gold["database"], gold["schema"]) == ("customer360_prod", "gold")


def test_databricks_settings_are_off_on_duckdb(runs):
    tmp, _ = succeeded(runs, "local")
    for layer in ("bronze", "silver", "gold"):
        for name, node in layer_nodes(manifest(tmp), layer).items():
            config = node["config"]
            assert not config.get("grants"), name
            assert config.get("submission_method") is None, name
            assert config.get("python_job_config") is None, name
            assert config.get("matched_condition") is None, name
            if layer == "bronze":
                assert config["materialized"] == "incremental", name
            # DuckDB deletes and inserts a keyed batch: an update rewrites every row group it
            # touches at the next checkpoint (dbt_project.yml)
            if config["materialized"] == "incremental" and config.get("unique_key"):
                assert config["incremental_strategy"] == "delete+insert", name
