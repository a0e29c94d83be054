"""Every macro of the project is described in its folder's `_*__macros.yml`: each `{% macro %}`,
`{% test %}` and `{% materialization %}` under macros/ has a yml entry, no entry names a macro
that does not exist, and the entry of a macro (dispatched variants aside, which take their
macro's arguments) lists each of its arguments. No macro file is over 150 lines."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

MACROS = Path(__file__).resolve().parents[2] / "macros"
ENGINES = ("default", "duckdb", "spark", "databricks")
MAX_LINES = 150


def files(pattern: str) -> list[Path]:
    return sorted(MACROS.rglob(pattern))


def defined() -> dict[str, list[str]]:
    """Each macro's yml name (tests are `test_<name>`, materializations
    `materialization_<name>_<adapter>`) -> its argument names."""
    found: dict[str, list[str]] = {}
    for path in files("*.sql"):
        text = path.read_text()
        for kind, name, args in re.findall(r"{%-?\s*(macro|test)\s+(\w+)\s*\(([^)]*)\)", text):
            names = [arg.split("=")[0].strip() for arg in args.split(",") if arg.strip()]
            found[name if kind == "macro" else f"test_{name}"] = names
        for name, adapter in re.findall(
            r"{%-?\s*materialization\s+(\w+)\s*,\s*adapter\s*=\s*'(\w+)'", text
        ):
            found[f"materialization_{name}_{adapter}"] = []
    return found


def described() -> dict[str, list[str]]:
    """Each yml macro entry's name -> the argument names it lists."""
    entries: dict[str, list[str]] = {}
    for path in files("*.yml"):
        for entry in (yaml.safe_load(path.read_text()) or {}).get("macros", []):
            assert entry.get("description", "").strip(), f"{path.name}: {entry['name']}"
            entries[entry["name"]] = [arg["name"] for arg in entry.get("arguments", [])]
    return entries


def is_variant(name: str, macros: dict) -> bool:
    engine, _, base = name.partition("__")
    return engine in ENGINES and base in macros


def test_every_macro_has_a_description() -> None:
    assert sorted(defined().keys() - described().keys()) == []


def test_every_description_names_a_macro() -> None:
    assert sorted(described().keys() - defined().keys()) == []


def test_every_argument_is_described() -> None:
    macros, entries = defined(), described()
    missing = {
        name: [arg for arg in args if arg not in entries.get(name, [])]
        for name, args in macros.items()
        if not is_variant(name, macros)
    }
    assert {name: args for name, args in missing.items() if args} == {}


def test_no_macro_file_is_over_150_lines() -> None:
    lengths = {path.name: len(path.read_text().splitlines()) for path in files("*.sql")}
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}
