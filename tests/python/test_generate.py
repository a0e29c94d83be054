"""Tests of the sample landing-data generator (python_jobs/generate/) and its CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from python_jobs.cli import app

REPO = Path(__file__).resolve().parents[2]
SCALE, DAYS, SEED, END = "0.005", "30", "7", "2026-03-31"
EMAIL_RE = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")
DATE_RE = re.compile(r"_(\d{4}-\d{2}-\d{2})\.\w+$")
ARROW_TYPES = {
    "string": pa.string(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "bigint": pa.int64(),
    "integer": pa.int32(),
}

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, list(args))


def generate(out: Path, *extra: str) -> dict:
    args = ["generate", "--out", str(out), "--scale", SCALE, "--days", DAYS, "--seed", SEED]
    result = cli(*args, "--end-date", END, "--quiet", *extra)
    assert result.exit_code == 0, result.output
    return json.loads((out / "_manifest.json").read_text())


def contract() -> dict[str, dict]:
    """Table name -> landing path, format, columns and types from the dbt sources."""
    tables = {}
    for path in sorted((REPO / "models" / "bronze").glob("*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                meta = table["config"]["meta"]
                tables[table["name"]] = {
                    "source": source["name"],
                    "landing_path": meta["landing_path"],
                    "format": meta["format"],
                    "columns": [c["name"] for c in table["columns"]],
                    "types": [c["data_type"] for c in table["columns"]],
                }
    return tables


def file_day(path: str | Path) -> dt.date:
    match = DATE_RE.search(str(path))
    assert match, path
    return dt.date.fromisoformat(match.group(1))


def tree(root: Path) -> dict[str, tuple[str, int]]:
    """Relative path -> (sha256, mtime_ns) of every file under root."""
    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def crm_lines(root: Path) -> list[tuple[dt.date, str]]:
    lines = []
    for path in sorted(root.glob("crm/customers/customers_*.jsonl")):
        day = file_day(path)
        lines += [(day, line) for line in path.read_text(encoding="utf-8").splitlines()]
    return lines


def parse(line: str) -> dict | None:
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def connect(root: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.sql("set TimeZone = 'UTC'")
    day = r"cast(regexp_extract(filename, '(\d{4}-\d{2}-\d{2})\.\w+$', 1) as date) as file_day"
    for name in ("orders", "order_items", "products"):
        con.sql(
            f"create view {name} as select * exclude (filename), {day} from read_csv("
            f"'{root}/ecommerce/{name}/{name}_*.csv', header = true, all_varchar = true, "
            "union_by_name = true, null_padding = true, strict_mode = false, filename = true)"
        )
    for name, folder in (("events", "web/events"), ("ticket_changes", "support/ticket_changes")):
        con.sql(
            f"create view {name} as select * exclude (filename), {day} from read_parquet("
            f"'{root}/{folder}/{name}_*.parquet', union_by_name = true, filename = true)"
        )
    return con


def scalar(con: duckdb.DuckDBPyConnection, sql: str):
    return con.sql(sql).fetchall()[0][0]


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("landing") / "root"
    return out, generate(out)


def test_help_lists_generate():
    result = cli("--help")
    assert result.exit_code == 0
    assert "generate" in result.output
    proc = subprocess.run(
        [sys.executable, "-m", "python_jobs", "generate", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "--next-day" in proc.stdout


# Golden output. For the same arguments the generator must write the same landing data: its
# output depends on every constant in python_jobs/generate/config.py and on the order of
# the random draws, so a refactoring that changes it is a bug. GOLDEN_DIGEST pins the
# output of the `landing` fixture: the bytes of the csv and jsonl files and of the manifest,
# and the rows of the parquet files (their bytes also carry the pyarrow version). When a
# change is meant to change the output (a constant, a draw added or moved), or a numpy
# upgrade changes the random streams, update GOLDEN_DIGEST deliberately, saying so in the
# commit. GOLDEN_TRUTH_DIGEST pins the rows of the identity truth file written beside the
# landing root. (Both changed with generator version 2, the identity contract of
# docs/identity_resolution.md.)
GOLDEN_DIGEST = "dbf76def2b6dcd733361d31f6d6d8925425c144bd0282fc89bd1c817c46f40c1"
GOLDEN_TRUTH_DIGEST = "f885858f3dbf811e085ec1feee22a056b52e3db4cdf3321ced1cfc1b1454c092"


def landing_digest(root: Path) -> str:
    """sha256 over every file's relative path and the sha256 of its content."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            content = repr(pq.read_table(path).to_pylist()).encode()
        else:
            content = path.read_bytes()
        line = f"{path.relative_to(root).as_posix()} {hashlib.sha256(content).hexdigest()}\n"
        digest.update(line.encode())
    return digest.hexdigest()


def test_golden_output(landing):
    root, manifest = landing
    assert landing_digest(root) == GOLDEN_DIGEST, (
        "The generator's output changed; if that is intended, update GOLDEN_DIGEST."
    )
    truth = (root / manifest["identity"]["truth_file"]).resolve()
    rows = repr(pq.read_table(truth).to_pylist()).encode()
    assert hashlib.sha256(rows).hexdigest() == GOLDEN_TRUTH_DIGEST, (
        "The identity truth file changed; if that is intended, update GOLDEN_TRUTH_DIGEST."
    )


def test_deterministic(landing, tmp_path):
    root, _ = landing
    generate(tmp_path / "again")
    first = {k: v[0] for k, v in tree(root).items()}
    second = {k: v[0] for k, v in tree(tmp_path / "again").items()}
    assert first == second


def test_manifest_shape(landing):
    _, manifest = landing
    params = manifest["params"]
    assert params["seed"] == int(SEED) and params["days"] == int(DAYS)
    assert params["end_date"] == END
    start = dt.date.fromisoformat(END) - dt.timedelta(days=int(DAYS) - 1)
    assert params["start_date"] == start.isoformat()
    assert manifest["days_written"] == [
        (start + dt.timedelta(days=k)).isoformat() for k in range(int(DAYS))
    ]
    assert set(manifest["entities"]) == set(contract())
    drift = dt.date.fromisoformat(manifest["schema_drift"]["date"])
    assert start < drift <= dt.date.fromisoformat(END)


def test_manifest_rows_match_files(landing):
    root, manifest = landing
    con = duckdb.connect()
    for name, spec in contract().items():
        entity = manifest["entities"][name]
        on_disk = sorted(str(p.relative_to(root)) for p in root.glob(spec["landing_path"]))
        assert sorted(f["path"] for f in entity["files"]) == on_disk, name
        assert len(on_disk) == int(DAYS)
        for f in entity["files"]:
            path = root / f["path"]
            if spec["format"] == "csv":
                sql = (
                    f"select count(*) from read_csv('{path}', header = true, all_varchar = true,"
                    " null_padding = true, strict_mode = false)"
                )
            elif spec["format"] == "jsonl":
                sql = (
                    "select coalesce(sum(length(content) - length(replace(content, chr(10), ''))),"
                    f" 0) from read_text('{path}')"
                )
            else:
                sql = f"select count(*) from read_parquet('{path}')"
            assert scalar(con, sql) == f["rows"], f["path"]
            assert file_day(path).isoformat() == f["date"]
        assert entity["rows"] == sum(f["rows"] for f in entity["files"])
        assert entity["rows"] > 0, name
    # the parseable CRM lines are the rows minus the malformed ones
    crm = manifest["entities"]["customers"]
    parsed = scalar(
        con,
        f"select count(*) from read_json('{root}/crm/customers/*.jsonl', "
        "format = 'newline_delimited', ignore_errors = true, union_by_name = true) "
        "where updated_at is not null",
    )
    assert parsed <= crm["rows"] - crm["dirt"]["malformed_json"] + 1  # a cut may keep updated_at


def test_columns_match_contract(landing):
    root, manifest = landing
    drift = dt.date.fromisoformat(manifest["schema_drift"]["date"])
    drift_columns = {k: v[0] for k, v in manifest["schema_drift"]["columns"].items()}
    for name, spec in contract().items():
        for path in sorted(root.glob(spec["landing_path"])):
            expected = list(spec["columns"])
            if name in drift_columns and file_day(path) < drift:
                expected.remove(drift_columns[name])
            if spec["format"] == "csv":
                header = path.read_text(encoding="utf-8").split("\n", 1)[0]
                assert header.split(",") == expected, path
            elif spec["format"] == "jsonl":
                for line in path.read_text(encoding="utf-8").splitlines():
                    record = parse(line)
                    if record is not None:
                        assert list(record) == expected, path
                        assert isinstance(record["is_deleted"], bool)
                        assert isinstance(record["marketing_consent"], bool)
                        assert record["updated_at"].endswith("Z")
            else:
                schema = pq.read_schema(path)
                assert schema.names == expected, path
                types = [ARROW_TYPES[t] for t in spec["types"]]
                assert schema.types == types, path


def test_every_dirt_kind_present(landing):
    _, manifest = landing
    for name, entity in manifest["entities"].items():
        assert entity["dirt"], name
        for kind, count in entity["dirt"].items():
            assert count > 0, (name, kind)
    assert set(manifest["entities"]["orders"]["dirt"]) == {
        "csv_wrong_type",
        "csv_missing_fields",
        "null_required",
        "unknown_currency",
        "exact_duplicate",
        "schema_drift",
    }


def test_crm_dirt_recount(landing):
    root, manifest = landing
    dirt = manifest["entities"]["customers"]["dirt"]
    lines = crm_lines(root)
    records = [(day, line, parse(line)) for day, line in lines]
    valid = [(day, line, r) for day, line, r in records if r is not None]
    assert len(records) - len(valid) == dirt["malformed_json"]
    assert sum(r["crm_id"] is None for _, _, r in valid) == dirt["null_required"]
    written = [r["email"] for _, _, r in valid if r["email"] is not None]
    bad = [e for e in written if not EMAIL_RE.match(e.strip().lower())]
    assert len(bad) == dirt["invalid_email"]
    raw = [line for _, line, _ in valid]
    assert len(raw) - len(set(raw)) == dirt["exact_duplicate"]
    drift = dt.date.fromisoformat(manifest["schema_drift"]["date"])
    files = manifest["entities"]["customers"]["files"]
    assert dirt["schema_drift"] == sum(dt.date.fromisoformat(f["date"]) >= drift for f in files)
    # some clean emails differ only in case or surrounding blanks: standardisation, not dirt
    emails = [e for e in written if EMAIL_RE.match(e.strip().lower())]
    assert any(e != e.strip().lower() for e in emails)
    # countries come in several spellings that the manifest maps to ISO codes
    codes = manifest["country_codes"]
    assert {r["country"] for _, _, r in valid} <= set(codes)
    assert len({r["country"] for _, _, r in valid}) > len(set(codes.values()))


def test_ecommerce_dirt_recount(landing):
    root, manifest = landing
    con = connect(root)
    orders = manifest["entities"]["orders"]["dirt"]
    items = manifest["entities"]["order_items"]["dirt"]
    currencies = ", ".join(f"'{c}'" for c in manifest["value_sets"]["currencies"])

    def count(sql: str) -> int:
        return scalar(con, f"select count(*) from {sql}")

    def duplicates(view: str) -> int:
        total = count(view)
        return total - count(f"(select distinct * exclude (file_day) from {view})")

    assert count("orders where channel is null") == orders["csv_missing_fields"]
    wrong = "order_total is not null and try_cast(order_total as decimal(18, 2)) is null"
    assert count(f"orders where {wrong}") == orders["csv_wrong_type"]
    # null_required: a guest order (no shop account) without the email that identifies it
    guest_without_email = "shop_account_id is null and email is null and channel is not null"
    assert count(f"orders where {guest_without_email}") == orders["null_required"]
    bad_currency = f"currency is not null and currency not in ({currencies})"
    assert count(f"orders where {bad_currency}") == orders["unknown_currency"]
    assert duplicates("orders") == orders["exact_duplicate"]
    headers = [
        (root / f["path"]).read_text().split("\n", 1)[0].endswith(",coupon_code")
        for f in manifest["entities"]["orders"]["files"]
    ]
    assert sum(headers) == orders["schema_drift"]

    assert (
        count("order_items where try_cast(quantity as integer) < 0") == items["negative_quantity"]
    )
    wrong_qty = "quantity is not null and try_cast(quantity as integer) is null"
    assert count(f"order_items where {wrong_qty}") == items["csv_wrong_type"]
    assert count("order_items where quantity is null") == items["csv_missing_fields"]
    assert duplicates("order_items") == items["exact_duplicate"]
    assert duplicates("products") == manifest["entities"]["products"]["dirt"]["exact_duplicate"]

    # clean rows are consistent: order_total = sum(quantity * unit_price) + shipping
    mismatched = count(
        """(select o.order_id from (select distinct order_id, order_total, shipping_amount
               from orders where channel is not null and try_cast(order_total as decimal(18, 2))
               is not null and order_status = 'placed') o
           join (select order_id, sum(try_cast(quantity as integer)
                     * cast(unit_price as decimal(18, 2))) as items_total, count(*) as n
                 from (select distinct * exclude (file_day) from order_items)
                 where try_cast(quantity as integer) > 0 group by order_id) i using (order_id)
           where cast(o.order_total as decimal(18, 2))
                 <> i.items_total + cast(o.shipping_amount as decimal(18, 2)))"""
    )
    dirty_items = items["csv_wrong_type"] + items["csv_missing_fields"] + items["negative_quantity"]
    assert mismatched <= dirty_items


def test_web_and_support_dirt_recount(landing):
    root, manifest = landing
    con = connect(root)
    web = manifest["entities"]["events"]["dirt"]
    support = manifest["entities"]["ticket_changes"]["dirt"]
    assert scalar(con, "select count(*) from events where event_at is null") == web["null_required"]
    total, distinct_ids, distinct_rows = con.sql(
        """select count(*), count(distinct event_id),
                  (select count(*) from (select distinct * exclude (file_day) from events))
           from events"""
    ).fetchall()[0]
    assert total - distinct_ids == web["exact_duplicate"]
    assert distinct_rows == distinct_ids
    late = scalar(
        con,
        """select count(*) from (select event_id, min(file_day) as delivered,
                  min(event_at) as event_at from events where event_at is not null
                  group by event_id) where delivered > cast(event_at as date)""",
    )
    assert late == web["late_event"]
    dup_changes = scalar(
        con,
        """select count(*) - count(distinct (ticket_id, _commit_version, _change_type))
           from ticket_changes""",
    )
    assert dup_changes == support["exact_duplicate"]
    out_of_order = scalar(
        con,
        """select count(*) from ticket_changes a where exists (
               select 1 from ticket_changes b where b.ticket_id = a.ticket_id
               and b._commit_version > a._commit_version and b.file_day < a.file_day)""",
    )
    assert out_of_order == support["out_of_order_change"]
    # an update is a pre- and post-image pair sharing its commit version
    unpaired = scalar(
        con,
        """select count(*) from (select ticket_id, _commit_version,
                  count(distinct _change_type) as kinds from ticket_changes
                  where _change_type like 'update_%' group by all) where kinds <> 2""",
    )
    assert unpaired == 0
    versions = con.sql(
        """select distinct _commit_version, _commit_timestamp from ticket_changes
           order by _commit_version"""
    ).fetchall()
    stamps = [ts for _, ts in versions]
    assert stamps == sorted(stamps)


def test_next_day_adds_one_day(landing, tmp_path):
    root, manifest = landing
    work = tmp_path / "landing"
    shutil.copytree(root, work)
    before = tree(work)
    result = cli("generate", "--out", str(work), "--next-day", "--quiet")
    assert result.exit_code == 0, result.output
    after = tree(work)
    new_day = dt.date.fromisoformat(END) + dt.timedelta(days=1)
    added = sorted(set(after) - set(before))
    assert len(added) == len(contract())
    assert all(file_day(p) == new_day for p in added)
    for path, (digest, mtime) in before.items():
        if path != "_manifest.json":
            assert after[path] == (digest, mtime), path
    updated = json.loads((work / "_manifest.json").read_text())
    assert updated["params"] == manifest["params"]
    assert updated["days_written"] == [*manifest["days_written"], new_day.isoformat()]
    for name, entity in updated["entities"].items():
        assert len(entity["files"]) == int(DAYS) + 1
        assert entity["files"][-1]["date"] == new_day.isoformat()
        assert entity["rows"] == sum(f["rows"] for f in entity["files"])
        for kind, count in entity["dirt"].items():
            assert count >= manifest["entities"][name]["dirt"][kind], (name, kind)
    # the new orders file carries the drifted header
    orders = work / updated["entities"]["orders"]["files"][-1]["path"]
    assert orders.read_text().split("\n", 1)[0].endswith(",coupon_code")
    # and the day after that works too
    assert cli("generate", "--out", str(work), "--next-day", "--quiet").exit_code == 0
    assert len(json.loads((work / "_manifest.json").read_text())["days_written"]) == int(DAYS) + 2


def test_clean_replaces_a_landing_dir(landing, tmp_path):
    root, _ = landing
    work = tmp_path / "landing"
    shutil.copytree(root, work)
    stale = work / "crm" / "customers" / "customers_1999-01-01.jsonl"
    stale.write_text("{}\n")
    generate(work, "--clean")
    assert not stale.exists()
    assert {k: v[0] for k, v in tree(work).items()} == {k: v[0] for k, v in tree(root).items()}


def _assert_one_sentence(result) -> None:
    assert result.exit_code == 2, result.output
    text = result.output.strip()
    assert "Traceback" not in text
    assert text.startswith("Error: ") and text.endswith("."), text
    assert "\n" not in text, text


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--scale", "-1"], "--scale"),
        (["--scale", "0"], "--scale"),
        (["--days", "0"], "--days"),
        (["--end-date", "2026-13-01"], "--end-date"),
    ],
)
def test_bad_parameters(tmp_path, args, fragment):
    result = cli("generate", "--out", str(tmp_path / "out"), "--quiet", *args)
    _assert_one_sentence(result)
    assert fragment in result.output
    assert not (tmp_path / "out").exists()


def test_unwritable_dir(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    result = cli("generate", "--out", str(blocker / "landing"), "--scale", "0.001", "--quiet")
    _assert_one_sentence(result)


def test_next_day_without_manifest(tmp_path):
    result = cli("generate", "--out", str(tmp_path), "--next-day", "--quiet")
    _assert_one_sentence(result)
    assert "_manifest.json" in result.output


def test_a_next_day_after_today_is_refused(tmp_path):
    """Data that ends today has no next day yet: its records would be dated in the future."""
    today = dt.datetime.now(dt.UTC).date().isoformat()
    args = ["--scale", "0.001", "--days", "2", "--seed", SEED, "--end-date", today]
    assert cli("generate", "--out", str(tmp_path), *args, "--quiet").exit_code == 0
    result = cli("generate", "--out", str(tmp_path), "--next-day", "--quiet")
    _assert_one_sentence(result)
    assert "is after today" in result.output


def test_refuses_to_clean_a_foreign_dir(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    result = cli("generate", "--out", str(tmp_path), "--clean", "--scale", "0.001", "--quiet")
    _assert_one_sentence(result)
    assert (tmp_path / "precious.txt").read_text() == "keep me"
    result = cli("generate", "--out", str(tmp_path), "--scale", "0.001", "--quiet")
    _assert_one_sentence(result)
