"""Bronze identifies a landing file by its path under the landing root, not by how the root is
spelled: end to end on DuckDB, as a user would meet it (issue 10, item 1 and the empty root of
item 3). A second spelling of the root ingests nothing again, the same content delivered under
a new name is counted as duplicates, a warehouse built before `_source_path` existed is
migrated in place, and a first build on a missing or empty root stops with one sentence."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from test_pipeline import DBT, END_DATE, REPO, dbt, dbt_env, dbt_result_line, generate

pytestmark = pytest.mark.slow

BRONZE_TABLES = [
    "brz_crm__customers",
    "brz_crm__account_links",
    "brz_ecommerce__orders",
    "brz_ecommerce__order_items",
    "brz_ecommerce__products",
    "brz_web__events",
    "brz_support__ticket_changes",
]
ROOT_SENTENCE = "is missing or holds no landing file"
# bronze to the record accounting, with their tests: what these tests are about (gold's model
# fits need more history than this small sample)
BUILD = ["build", "--select", "+dq_record_accounting", "--indirect-selection", "cautious"]


def dbt_at(workdir: Path, db: str, root: str, *args: str) -> subprocess.CompletedProcess:
    """test_pipeline.dbt, with the landing root spelled `root` (a path to workdir/landing)."""
    done = subprocess.run(
        [DBT, *args, "--exclude", "tag:churn_scoring"],
        cwd=REPO,
        env={**dbt_env(workdir, db), "C360_LANDING_ROOT": root},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} failed:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}")
    return done


def bronze_counts(db_path: Path) -> dict[str, tuple[int, int]]:
    """Rows and distinct record ids of every bronze table."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        return {
            table: con.execute(
                f"select count(*), count(distinct _record_id) from bronze.{table}"
            ).fetchone()
            for table in BRONZE_TABLES
        }


def accounting(db_path: Path) -> dict[str, dict[str, int]]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        cursor = con.execute(
            "select source_table, bronze_records, loaded_records, quarantined_records,"
            " duplicate_records, superseded_records, unaccounted_records,"
            " double_counted_records from silver.dq_record_accounting"
        )
        names = [column[0] for column in cursor.description]
        return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cursor.fetchall()}


def assert_adds_up(counts: dict[str, dict[str, int]]) -> None:
    for table, c in counts.items():
        assert c["unaccounted_records"] == 0 and c["double_counted_records"] == 0, table
        parts = ("loaded_records", "quarantined_records", "duplicate_records", "superseded_records")
        assert c["bronze_records"] == sum(c[p] for p in parts), table


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from an absolute landing root, as the Makefile spells it."""
    workdir = tmp_path_factory.mktemp("paths")
    generate(workdir, "--scale", "0.003", "--days", "40", "--seed", "11", "--end-date", END_DATE)
    dbt(workdir, "paths", *BUILD)
    return workdir


def test_every_record_id_starts_with_its_relative_path(built: Path) -> None:
    with duckdb.connect(str(built / "paths.duckdb"), read_only=True) as con:
        for table in BRONZE_TABLES:
            wrong = con.execute(
                f"select count(*) from bronze.{table} where _source_path is null"
                " or _source_path like '/%' or not starts_with(_record_id, _source_path || ':')"
                " or not ends_with(_source_file, '/' || _source_path)"
            ).fetchone()[0]
            assert wrong == 0, table


def test_another_spelling_of_the_root_ingests_nothing_again(built: Path, tmp_path: Path) -> None:
    before = bronze_counts(built / "paths.duckdb")
    landing = built / "landing"
    # the README's shell: a landing root relative to the project folder
    relative = os.path.relpath(landing, REPO)
    dbt_at(built, "paths", relative, *BUILD)
    assert bronze_counts(built / "paths.duckdb") == before
    # a symlinked alias, with a trailing slash, and a path with a `.` in it
    alias = tmp_path / "alias"
    alias.symlink_to(landing, target_is_directory=True)
    for root in (f"{alias}/", str(landing.parent / "." / "landing")):
        dbt_at(built, "paths", root, "run", "--select", "tag:bronze")
        assert bronze_counts(built / "paths.duckdb") == before, root


def test_old_layout_is_migrated_in_place(built: Path) -> None:
    """A warehouse built before `_source_path` existed (bronze had `_source_file` only) gets
    the column filled on its next build, and re-ingests nothing, even from another spelling."""
    old = built / "old_layout.duckdb"
    shutil.copy(built / "paths.duckdb", old)
    with duckdb.connect(str(old)) as con:
        for table in BRONZE_TABLES:
            con.execute(f"alter table bronze.{table} drop column _source_path")
    before = bronze_counts(old)
    done = dbt_at(built, "old_layout", os.path.relpath(built / "landing", REPO), *BUILD)
    assert "adding _source_path to its records" in done.stdout
    assert bronze_counts(old) == before
    with duckdb.connect(str(old), read_only=True) as con:
        for table in BRONZE_TABLES:
            missing = con.execute(
                f"select count(*) from bronze.{table}"
                " where _source_path is null or not starts_with(_record_id, _source_path || ':')"
            ).fetchone()[0]
            assert missing == 0, table
    assert_adds_up(accounting(old))


def test_content_delivered_again_under_a_new_name_counts_as_duplicates(built: Path) -> None:
    orders = sorted((built / "landing" / "ecommerce" / "orders").glob("orders_*.csv"))
    resent = orders[0].with_name(orders[0].stem + "_resent.csv")
    shutil.copy(orders[0], resent)
    rows = len(orders[0].read_text().splitlines()) - 1
    db = built / "paths.duckdb"
    before = accounting(db)["ecommerce.orders"]
    dbt(built, "paths", *BUILD)
    after = accounting(db)
    assert_adds_up(after)
    added = {name: after["ecommerce.orders"][name] - before[name] for name in before}
    assert added["bronze_records"] == rows
    # every record of the copy is either the same accepted record again or quarantined again
    assert added["duplicate_records"] + added["quarantined_records"] == rows
    assert added["duplicate_records"] > 0
    assert added["loaded_records"] == 0 and added["superseded_records"] == 0


def test_an_order_sent_again_without_its_time_is_named(built: Path, tmp_path: Path) -> None:
    """An export that no longer has updated_at re-sends an order that changed before: without
    it the copy's version time is its ordered_at, older than the stored version's, so its
    cancellation is not applied. So is a second order's, sent with the date of its updated_at
    alone (read as midnight, before the stored version's time that day), and a CRM contact's
    new email sent that way. The build warns, counting the two orders and the contact,
    instead of passing."""
    landing = tmp_path / "landing"
    shutil.copytree(built / "landing", landing)
    shutil.copy(built / "paths.duckdb", tmp_path / "resent.duckdb")
    with duckdb.connect(str(tmp_path / "resent.duckdb"), read_only=True) as con:
        orders = con.execute(
            "select order_id, cast(cast(updated_at as date) as varchar)"
            " from silver.stg_ecommerce__orders"
            " where updated_at > ordered_at and order_status <> 'cancelled'"
            " and updated_at > date_trunc('day', updated_at)"
            " order by order_id limit 2"
        ).fetchall()
    files = sorted((landing / "ecommerce" / "orders").glob("orders_*.csv"))
    header = files[0].read_text().splitlines()[0]
    names = header.split(",")
    for (order_id, updated_on), kept in zip(
        orders, [[name for name in names if name != "updated_at"], names], strict=True
    ):
        [line] = [
            line
            for path in files
            for line in path.read_text().splitlines()[1:]
            if line.startswith(f"{order_id},")
        ][-1:]
        fields = dict(zip(names, line.split(","), strict=True))
        fields |= {"order_status": "cancelled", "updated_at": updated_on}
        files[-1].with_name(f"{files[-1].stem}_resent_{order_id}.csv").write_text(
            ",".join(kept) + "\n" + ",".join(fields[name] for name in kept) + "\n"
        )
    # a CRM contact's new email sent with the date of its updated_at alone
    with duckdb.connect(str(tmp_path / "resent.duckdb"), read_only=True) as con:
        [(updated_on, source_path, row)] = con.execute(
            "select cast(cast(updated_at as date) as varchar), split_part(_record_id, ':', 1),"
            " cast(split_part(_record_id, ':', 2) as int) from silver.stg_crm__customers"
            " where not is_deleted and updated_at > date_trunc('day', updated_at)"
            " order by crm_id limit 1"
        ).fetchall()
    contact = json.loads((landing / source_path).read_text().splitlines()[row - 1])
    folder = landing / "crm" / "customers"
    last = sorted(folder.glob("customers_*.jsonl"))[-1]
    last.with_name(f"{last.stem}_resent.jsonl").write_text(
        json.dumps(contact | {"email": "new.address@example.com", "updated_at": updated_on}) + "\n"
    )
    done = dbt(tmp_path, "resent", *BUILD)
    name = "stg_ecommerce__orders_versions_sent_again_are_current"
    assert " WARN 2 " in dbt_result_line(done.stdout, name)
    name = "stg_crm__customers_versions_sent_again_are_current"
    assert " WARN 1 " in dbt_result_line(done.stdout, name)


def test_a_landing_root_without_the_optional_crosswalk_builds(built: Path, tmp_path: Path) -> None:
    """crm/account_links is optional as a whole: a landing root without the folder builds (its
    bronze table empty, every other record accounted for), and the folder delivered later is
    found by the next incremental build, every record of it."""
    landing = tmp_path / "landing"
    links = Path("crm") / "account_links"
    shutil.copytree(built / "landing", landing, ignore=shutil.ignore_patterns("account_links"))
    dbt(tmp_path, "no_links", *BUILD)
    db = tmp_path / "no_links.duckdb"
    assert bronze_counts(db)["brz_crm__account_links"] == (0, 0)
    assert (
        bronze_counts(db)["brz_crm__customers"]
        == bronze_counts(built / "paths.duckdb")["brz_crm__customers"]
    )
    counts = accounting(db)
    assert_adds_up(counts)
    assert counts["crm.account_links"]["bronze_records"] == 0
    shutil.copytree(built / "landing" / links, landing / links)
    delivered = sum(
        len(path.read_text().splitlines()) - 1
        for path in (landing / links).glob("account_links_*.csv")
    )
    dbt(tmp_path, "no_links", *BUILD)
    counts = accounting(db)
    assert_adds_up(counts)
    assert counts["crm.account_links"]["bronze_records"] == delivered > 0


def test_a_first_build_without_a_required_table_stops_naming_it(
    built: Path, tmp_path: Path
) -> None:
    """A required table without a file (its folder missing, or named otherwise: `Orders`) would
    build green with it and everything built from it empty: the first build stops before
    anything is built, naming the table and its pattern, and the unmatched files are listed."""
    landing = tmp_path / "landing"
    shutil.copytree(built / "landing", landing)
    (landing / "ecommerce" / "orders").rename(landing / "ecommerce" / "Orders")
    done = dbt(tmp_path, "no_orders", *BUILD, check=False)
    assert done.returncode != 0
    assert "No landing file for ecommerce.orders (ecommerce/orders/orders_*.csv)" in done.stdout
    assert "meta.landing_path" in done.stdout and "allow_empty_landing" in done.stdout
    assert "match no landing contract and are not read" in done.stdout
    assert ROOT_SENTENCE not in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    with duckdb.connect(str(tmp_path / "no_orders.duckdb"), read_only=True) as con:
        assert con.execute(
            "select count(*) from information_schema.tables where table_schema = 'bronze'"
        ).fetchone() == (0,)


def test_a_first_build_whose_required_table_has_no_record_stops_naming_it(
    built: Path, tmp_path: Path
) -> None:
    """Exports with nothing in them (a CSV header alone, 0-byte files) would build green with
    the table and everything built from it empty, like no file at all: the first build stops,
    naming the tables whose files hold no record."""
    landing = tmp_path / "landing"
    shutil.copytree(built / "landing", landing)
    orders = sorted((landing / "ecommerce" / "orders").glob("orders_*.csv"))
    header = orders[0].read_text().splitlines()[0]
    for path in orders:
        path.write_text(header + "\n\n" if path == orders[0] else "")
    for path in (landing / "ecommerce" / "order_items").glob("order_items_*.csv"):
        path.write_bytes(b"")
    done = dbt(tmp_path, "empty_orders", *BUILD, check=False)
    assert done.returncode != 0
    assert "hold no record (0 bytes, a CSV header alone or blank lines)" in done.stdout
    assert "ecommerce.orders (ecommerce/orders/orders_*.csv)" in done.stdout
    assert "ecommerce.order_items (ecommerce/order_items/order_items_*.csv)" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    # one record is enough
    orders[-1].write_text(
        orders[0].read_text()
        + (built / "landing").joinpath(orders[-1].relative_to(landing)).read_text().splitlines()[1]
        + "\n"
    )
    done = dbt(tmp_path, "empty_orders", *BUILD, check=False)
    assert "hold no record" in done.stdout
    assert "ecommerce.orders (" not in done.stdout


def test_a_full_refresh_after_landing_files_were_archived_stops(
    built: Path, tmp_path: Path
) -> None:
    """Bronze keeps every record it ingested; a --full-refresh builds it again from the files
    under the landing root. After an archive job moved ingested files away it would lose their
    records (and silver and gold with them): it stops, naming the tables, and the way out it
    names (silver and gold rebuilt from bronze as it is) works."""
    landing = tmp_path / "landing"
    shutil.copytree(built / "landing", landing)
    shutil.copy(built / "paths.duckdb", tmp_path / "archived.duckdb")
    archived = sorted((landing / "ecommerce" / "orders").glob("orders_*.csv"))[:-1]
    records = sum(len(path.read_text().splitlines()) - 1 for path in archived)
    for path in archived:
        path.unlink()
    done = dbt(tmp_path, "archived", *BUILD, "--full-refresh", check=False)
    assert done.returncode != 0
    assert (
        f"ecommerce.orders ({records} records of {len(archived)} files) would be lost"
        in done.stdout
    )
    assert "dbt build --full-refresh --exclude tag:bronze" in done.stdout
    before = bronze_counts(tmp_path / "archived.duckdb")
    dbt(tmp_path, "archived", *BUILD, "--full-refresh", "--exclude", "tag:bronze")
    assert bronze_counts(tmp_path / "archived.duckdb") == before
    assert_adds_up(accounting(tmp_path / "archived.duckdb"))


def test_a_file_modified_after_it_was_ingested_is_named(built: Path, tmp_path: Path) -> None:
    """A file is read once: one changed after bronze ingested it is not read again, and the
    next build says so, naming it (the copies keep their file times, so nothing else is)."""
    shutil.copytree(built / "landing", tmp_path / "landing")
    shutil.copy(built / "paths.duckdb", tmp_path / "rewritten.duckdb")
    before = bronze_counts(tmp_path / "rewritten.duckdb")
    changed = sorted((tmp_path / "landing" / "ecommerce" / "orders").glob("orders_*.csv"))[0]
    lines = changed.read_text().splitlines()
    changed.write_text("\n".join([*lines, lines[-1].replace(lines[-1][:10], "O199999999")]) + "\n")
    done = dbt(tmp_path, "rewritten", *BUILD)
    output = " ".join(done.stdout.split())
    assert "1 landing file(s) of ecommerce.orders were modified" in output
    assert f'ingested them: "{changed}" (modified ' in output
    assert "A file is read once, so a change is not loaded" in output
    assert output.count("were modified") == 1
    assert bronze_counts(tmp_path / "rewritten.duckdb") == before


def test_a_landing_folder_copied_without_its_file_times_is_one_warning(
    built: Path, tmp_path: Path
) -> None:
    """A landing folder copied without its file times has every file modified after it was
    ingested: one warning per table, naming five files, counting the rest and saying that a
    copy loses nothing, instead of a warning per file."""
    shutil.copytree(built / "landing", tmp_path / "landing", copy_function=shutil.copyfile)
    shutil.copy(built / "paths.duckdb", tmp_path / "copied.duckdb")
    orders = len(list((tmp_path / "landing" / "ecommerce" / "orders").glob("orders_*.csv")))
    done = dbt(tmp_path, "copied", *BUILD)
    output = " ".join(done.stdout.split())
    assert f"{orders} landing file(s) of ecommerce.orders were modified" in output
    assert f", and {orders - 5} more. A file is read once" in output
    assert "copied or restored without its file times" in output
    assert output.count("landing file(s) of ecommerce.orders were modified") == 1


def test_files_in_another_delimiter_are_named_with_the_likely_cause(
    built: Path, tmp_path: Path
) -> None:
    """Orders exported with `;`: the build warns that the files lack the required columns and
    that their header reads as one column with a semicolon, and the delivery guard, which
    stops the build as every record is quarantined, points at those warnings."""
    landing = tmp_path / "landing"
    shutil.copytree(built / "landing", landing)
    for path in (landing / "ecommerce" / "orders").glob("orders_*.csv"):
        path.write_text(path.read_text().replace(",", ";"))
    done = dbt(tmp_path, "semicolon", *BUILD, check=False)
    output = " ".join(done.stdout.split())
    assert done.returncode != 0
    assert "landing file(s) of ecommerce.orders" in output
    assert "have no column order_id, currency, order_total, ordered_at" in output
    assert "the files may be delimited by another character than the contract's comma" in output
    assert "ecommerce.orders delivery rejected" in output
    assert "Nearly every record was quarantined" in output
    assert "Traceback" not in done.stdout + done.stderr


def renamed_keys(line: str, renamed: dict[str, str]) -> str:
    """A JSON-lines line with its keys renamed; a line that is no JSON object as it is."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return line
    if not isinstance(record, dict):
        return line
    return json.dumps({renamed.get(key, key): value for key, value in record.items()})


def test_crm_json_with_renamed_keys_is_named(built: Path, tmp_path: Path) -> None:
    """A CRM API dump whose keys are camelCase (`firstName`, `emailAddress`): the contract's
    optional columns read as absent, and the build warns, naming each key the exporter
    renamed, instead of loading every contact without a name or an email in silence. A next
    delivery of pages of an API response (`{"page": 1, "data": [...]}` per line) is named as
    such, not only as records without a crm_id."""
    landing = tmp_path / "landing"
    shutil.copytree(built / "landing", landing)
    renamed = {"first_name": "firstName", "last_name": "lastName", "email": "emailAddress"}
    for path in (landing / "crm" / "customers").glob("customers_*.jsonl"):
        lines = path.read_text().splitlines()
        # the sample's dirt has lines that are no JSON: they stay as they are
        path.write_text("".join(f"{renamed_keys(line, renamed)}\n" for line in lines))
    done = dbt(tmp_path, "camel", "run", "--select", "brz_crm__customers")
    output = " ".join(done.stdout.split())
    assert 'first_name ("firstName"), last_name ("lastName"), email ("emailAddress")' in output
    # the next delivery, a paged API dump: each line a page holding records
    folder = landing / "crm" / "customers"
    page = {"page": 1, "data": [{"crm_id": "C9000001", "updated_at": f"{END_DATE}T08:00:00Z"}]}
    (folder / f"customers_{END_DATE}_api.jsonl").write_text(json.dumps(page) + "\n")
    done = dbt(tmp_path, "camel", "run", "--select", "brz_crm__customers")
    output = " ".join(done.stdout.split())
    assert (
        "Their keys are those of a paged API response (data, page): each line is likely a page"
        " of records, not one record"
    ) in output


def test_a_file_without_a_date_in_its_name_is_named(built: Path, tmp_path: Path) -> None:
    """A landing file whose name has no date counts as delivered on the day it is ingested,
    which moves gold's as-of date and the delivery monitoring's days: the delivery
    monitoring names it, on every engine (SQL, not the DuckDB file listing), with its records,
    on every build while it is there. An export's epoch time is no date (its first eight
    digits would read as 1796-10-10); eight digits that are a date (YYYYMMDD) are one."""
    landing = tmp_path / "landing"
    shutil.copytree(built / "landing", landing)
    links = landing / "crm" / "account_links"
    first_links = sorted(links.glob("account_links_*.csv"))[0]
    records = len(first_links.read_text().splitlines()) - 1
    first_links.rename(links / "account_links_1796101000.csv")
    # a name with eight digits that are a date (YYYYMMDD) is dated: not named
    second_links = sorted(links.glob("account_links_*-*.csv"))[0]
    second_links.rename(links / second_links.name.replace("-", ""))
    build = ("build", "--select", "+dq_delivery_anomalies", "--indirect-selection", "cautious")
    for _ in range(2):
        done = dbt(tmp_path, "undated", *build)
        output = " ".join(done.stdout.split())
        # the file (and the daily tables late on the day it moved the newest day to)
        test = "freshness_anomalies_dq_delivery_anomalies_"
        assert " WARN " in dbt_result_line(done.stdout, test)
        assert (
            "Delivery anomaly: crm.account_links: 1 landing file(s) with no date in the name"
            " (YYYY-MM-DD, YYYYMMDD or YYYY_MM_DD), e.g."
            " crm/account_links/account_links_1796101000.csv:"
            f" their {records} records count as delivered on"
        ) in output
        assert f"web.events has delivered nothing since {END_DATE}" in output


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_first_build_on_a_missing_or_empty_root_stops_with_a_sentence(
    tmp_path: Path, kind: str
) -> None:
    root = tmp_path / "landing"
    if kind == "empty":
        (root / "ecommerce" / "orders").mkdir(parents=True)
    done = dbt(tmp_path, "fresh", "build", check=False)
    assert done.returncode != 0
    assert f"The landing root '{root}' {ROOT_SENTENCE}" in done.stdout
    assert "C360_LANDING_ROOT" in done.stdout and "landing_root" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    # nothing was built
    with duckdb.connect(str(tmp_path / "fresh.duckdb"), read_only=True) as con:
        assert (
            con.execute(
                "select count(*) from information_schema.tables where table_schema = 'bronze'"
            ).fetchone()[0]
            == 0
        )


def test_an_empty_root_builds_on_purpose_and_then_incremental_runs_pass(tmp_path: Path) -> None:
    """On purpose, every model builds on an empty landing root and every test passes on the
    empty tables (a new deployment before its first delivery; make bench's fixed cost)."""
    (tmp_path / "landing").mkdir()
    dbt(tmp_path, "empty", "build", "--vars", "{allow_empty_landing: true}")
    # the tables exist: an incremental run with no new file is normal
    dbt(tmp_path, "empty", "run", "--select", "tag:bronze")
    assert all(rows == (0, 0) for rows in bronze_counts(tmp_path / "empty.duckdb").values())
