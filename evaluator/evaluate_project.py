"""Run dbt-project-evaluator on a scratch copy of this project and list its violations.

Usage (from the project root, with the venv of `make install`):

    .venv/bin/python evaluator/evaluate_project.py EVALUATOR_DIR DBT_UTILS_DIR [--keep]

EVALUATOR_DIR and DBT_UTILS_DIR are checkouts of dbt-labs/dbt-project-evaluator and
dbt-labs/dbt-utils (`make evaluate EVALUATOR_DIR=... DBT_UTILS_DIR=...`). The project is copied
(its git-tracked and untracked, not ignored, files) to a temporary folder, where the copy gets
a packages.yml with both checkouts as `local:` packages, the vars of evaluator/vars.yml and
the exceptions seed evaluator/dbt_project_evaluator_exceptions.csv; then `dbt deps` and
`dbt build --select package:dbt_project_evaluator dbt_project_evaluator_exceptions` run on a
DuckDB file of its own. Nothing is written to this project or its warehouse.

Exit status: 0 when every evaluator test passes (each violation found is in the exceptions
seed), 1 when a violation is not excepted, 2 when the evaluator could not run.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import yaml

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
EXCEPTIONS_SEED = "dbt_project_evaluator_exceptions"
SEED_FOLDER = "evaluator_seeds"


class HarnessError(Exception):
    """The evaluator could not run; the message is the sentence to print."""


def checkout(path: str, name: str, project_name: str) -> Path:
    """The checkout at path, or a HarnessError saying what is missing."""
    if not path:
        raise HarnessError(
            f"No {name} checkout given: pass a clone of https://github.com/dbt-labs/{name}"
            " (make evaluate EVALUATOR_DIR=<folder> DBT_UTILS_DIR=<folder>)."
        )
    folder = Path(path).expanduser().resolve()
    project_file = folder / "dbt_project.yml"
    if not project_file.is_file():
        raise HarnessError(
            f"No {name} checkout at {folder} (no dbt_project.yml there): clone "
            f"https://github.com/dbt-labs/{name} and pass its folder."
        )
    found = yaml.safe_load(project_file.read_text()).get("name")
    if found != project_name:
        raise HarnessError(f"{folder} holds the dbt project {found!r}, not {project_name!r}.")
    return folder


def project_files() -> list[str]:
    """The project's files as git sees them: tracked, plus untracked ones not ignored."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    if listing.returncode != 0:
        raise HarnessError(f"{PROJECT} is not a git checkout: the harness copies what git lists.")
    return [name for name in listing.stdout.split("\0") if name and (PROJECT / name).is_file()]


def copy_project(work: Path) -> Path:
    """Copy the project into work/project."""
    copy = work / "project"
    for name in project_files():
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, target)
    return copy


def local_evaluator(evaluator: Path, dbt_utils: Path, work: Path) -> Path:
    """A copy of the evaluator that depends on the local dbt-utils (its own names the hub)."""
    copy = work / "dbt-project-evaluator"
    skip = shutil.ignore_patterns(".git", "target", "dbt_packages", "logs", "integration_tests*")
    shutil.copytree(evaluator, copy, ignore=skip)
    (copy / "packages.yml").write_text(yaml.safe_dump({"packages": [{"local": str(dbt_utils)}]}))
    return copy


def configure(copy: Path, evaluator: Path, dbt_utils: Path) -> None:
    """The two checkouts in the copy's packages.yml (after any package of the project's own),
    the evaluator's vars and the exceptions seed in its dbt_project.yml."""
    packages_file = copy / "packages.yml"
    packages = yaml.safe_load(packages_file.read_text()) if packages_file.is_file() else None
    packages = packages or {"packages": []}
    packages["packages"] = [
        *packages.get("packages", []),
        {"local": str(evaluator)},
        {"local": str(dbt_utils)},
    ]
    packages_file.write_text(yaml.safe_dump(packages, sort_keys=False))

    seeds = copy / SEED_FOLDER
    seeds.mkdir()
    shutil.copy2(HERE / f"{EXCEPTIONS_SEED}.csv", seeds / f"{EXCEPTIONS_SEED}.csv")

    project_file = copy / "dbt_project.yml"
    project = yaml.safe_load(project_file.read_text())
    project["seed-paths"] = [*project.get("seed-paths", ["seeds"]), SEED_FOLDER]
    evaluator_vars = yaml.safe_load((HERE / "vars.yml").read_text())
    project.setdefault("vars", {})["dbt_project_evaluator"] = evaluator_vars
    # only one seed of that name may exist: the project's replaces the package's empty one
    disabled = {EXCEPTIONS_SEED: {"+enabled": False}}
    project.setdefault("seeds", {})["dbt_project_evaluator"] = disabled
    project_file.write_text(yaml.safe_dump(project, sort_keys=False))


def dbt(copy: Path, *args: str) -> subprocess.CompletedProcess:
    """Run dbt in the copy, on a DuckDB file of its own; its output goes to the terminal."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(copy),
        "DBT_TARGET": "local",
        "C360_DUCKDB_PATH": str(copy / "evaluator.duckdb"),
        "C360_LANDING_ROOT": str(copy / "landing"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    executable = Path(sys.executable).parent / "dbt"
    return subprocess.run([str(executable), *args, "--target", "local"], cwd=copy, env=env)


def failed_tests(copy: Path) -> tuple[list[dict], list[dict]]:
    """The evaluator's tests that warned or failed, and the nodes that errored (run_results)."""
    results = json.loads((copy / "target" / "run_results.json").read_text())["results"]
    manifest = json.loads((copy / "target" / "manifest.json").read_text())["nodes"]
    violations, errors = [], []
    for result in results:
        node = manifest.get(result["unique_id"], {})
        if result["status"] in ("error", "runtime error", "skipped"):
            errors.append({"node": result["unique_id"], "message": result.get("message")})
        elif result["status"] in ("warn", "fail"):
            parents = node.get("depends_on", {}).get("nodes", [])
            rule = manifest.get(next((p for p in parents if p.startswith("model.")), ""), {})
            violations.append(
                {
                    "test": node.get("name", result["unique_id"]),
                    "table": rule.get("name", "?"),
                    "rule": " ".join(rule.get("description", "").split()),
                    "failures": result.get("failures"),
                }
            )
    return violations, errors


def relation(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    """The quoted schema.table of a table the build wrote, or None."""
    found = con.execute(
        "select table_schema from information_schema.tables where table_name = ?", [table]
    ).fetchone()
    return f'"{found[0]}"."{table}"' if found else None


def print_summary(copy: Path, violations: list[dict]) -> None:
    """Each violated rule, what it checks, and the rows of its table (exceptions already out)."""
    with duckdb.connect(str(copy / "evaluator.duckdb"), read_only=True) as con:
        for violation in sorted(violations, key=lambda v: v["table"]):
            print(f"\n{violation['table']}: {violation['failures']} violation(s)")
            if violation["rule"]:
                print(f"  rule: {violation['rule']}")
            table = relation(con, violation["table"])
            if table is None:
                print(f"  (table not built; test {violation['test']})")
                continue
            cursor = con.execute(f"select * from {table}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                cells = zip(columns, row, strict=True)
                print("  - " + "; ".join(f"{c}: {v}" for c, v in cells if v is not None))


def exception_count(copy: Path) -> int:
    """How many exceptions the seed declares."""
    with duckdb.connect(str(copy / "evaluator.duckdb"), read_only=True) as con:
        return con.execute(f"select count(*) from {relation(con, EXCEPTIONS_SEED)}").fetchone()[0]


def unused_exceptions(copy: Path) -> list[tuple[str, str, str]]:
    """The exceptions that match no finding: each rule's compiled query, run without the
    filter the evaluator appends from the seed (`where 1 = 1 and <column> not like ...`)."""
    compiled = copy / "target" / "compiled" / "dbt_project_evaluator" / "models"
    unused = []
    with duckdb.connect(str(copy / "evaluator.duckdb"), read_only=True) as con:
        rows = con.execute(
            f"select fct_name, column_name, id_to_exclude from {relation(con, EXCEPTIONS_SEED)}"
        ).fetchall()
        for fct_name, column, pattern in rows:
            query = next(compiled.rglob(f"{fct_name}.sql"), None)
            if query is None:
                unused.append((fct_name, column, pattern))
                continue
            sql = query.read_text()
            unfiltered = sql[: sql.rindex("where 1 = 1")] if "where 1 = 1" in sql else sql
            matches = con.execute(
                f'select count(*) from ({unfiltered}) as findings where "{column}" like ?',
                [pattern],
            ).fetchone()[0]
            if matches == 0:
                unused.append((fct_name, column, pattern))
    return unused


def evaluate(evaluator_dir: str, dbt_utils_dir: str, work: Path) -> int:
    evaluator = checkout(evaluator_dir, "dbt-project-evaluator", "dbt_project_evaluator")
    dbt_utils = checkout(dbt_utils_dir, "dbt-utils", "dbt_utils")
    copy = copy_project(work)
    configure(copy, local_evaluator(evaluator, dbt_utils, work), dbt_utils)
    if dbt(copy, "deps").returncode != 0:
        raise HarnessError("dbt deps failed in the copy (output above).")
    build = dbt(copy, "build", "--select", "package:dbt_project_evaluator", EXCEPTIONS_SEED)
    if not (copy / "target" / "run_results.json").is_file():
        raise HarnessError("dbt build stopped before running anything (output above).")
    violations, errors = failed_tests(copy)
    if errors or build.returncode != 0:
        details = "; ".join(f"{e['node']}: {e['message']}" for e in errors)
        raise HarnessError(f"The evaluator's build failed ({details or 'output above'}).")
    seed = f"evaluator/{EXCEPTIONS_SEED}.csv"
    print(f"\ndbt-project-evaluator: {exception_count(copy)} documented exception(s) in {seed}.")
    for fct_name, column, pattern in unused_exceptions(copy):
        print(
            f"Unused exception ({fct_name}, {column} like '{pattern}'): it matches no finding;"
            " remove its row."
        )
    if not violations:
        print("No violation other than the documented exceptions.")
        return 0
    print_summary(copy, violations)
    print(f"\n{len(violations)} rule(s) violated beyond the documented exceptions (listed above).")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("evaluator_dir", help="checkout of dbt-labs/dbt-project-evaluator")
    parser.add_argument("dbt_utils_dir", help="checkout of dbt-labs/dbt-utils")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy, say where")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="c360-evaluator-"))
    try:
        return evaluate(args.evaluator_dir, args.dbt_utils_dir, work)
    except HarnessError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"Scratch copy kept at {work / 'project'}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
