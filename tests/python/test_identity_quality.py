"""Tests of the identity resolution quality command (python_jobs/identity/quality.py): the
figures on small hand-computed clusterings, the records it must report, the CLI's table and
sentences, and the linking throughput from dbt's run_results.json."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from python_jobs.bench import _identity_linking, _identity_linking_line
from python_jobs.cli import app
from python_jobs.identity.quality import (
    IdentityQuality,
    QualityError,
    f1_score,
    linked_records,
    linking_throughput,
    measure,
)

runner = CliRunner()
FAMILY = "family_shared_email"


def truth_rows(persons: dict[str, list[str]], planted: dict[str, str] | None = None) -> list:
    """(source, record_key, person_id, planted) rows: person -> CRM contact keys."""
    planted = planted or {}
    return [
        ("crm.customers", key, person, planted.get(key, ""))
        for person, keys in persons.items()
        for key in keys
    ]


def predicted_rows(clusters: dict[str, list[str]], rules: dict[str, list[str]] | None = None):
    """(node_type, source_id, customer_id, rule_component_key) rows of CRM contacts: cluster ->
    contact keys; the rule components default to the clusters."""
    rule_of = {key: rule for rule, keys in (rules or clusters).items() for key in keys}
    return [
        ("crm", key, cluster, rule_of[key]) for cluster, keys in clusters.items() for key in keys
    ]


def connection(truth: list, predicted: list) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "create table truth (source varchar, record_key varchar, person_id varchar, "
        "planted varchar)"
    )
    con.execute(
        "create table predicted (node_type varchar, source_id varchar, customer_id varchar, "
        "rule_component_key varchar)"
    )
    if truth:
        con.executemany("insert into truth values (?, ?, ?, ?)", truth)
    if predicted:
        con.executemany("insert into predicted values (?, ?, ?, ?)", predicted)
    return con


def final(quality: IdentityQuality):
    """The rules + Splink clustering's figures."""
    (clustering,) = [c for c in quality.clusterings if c.column == "customer_id"]
    return clustering


def rules(quality: IdentityQuality):
    (clustering,) = [c for c in quality.clusterings if c.column == "rule_component_key"]
    return clustering


# three persons: H1 with 3 records, H2 with 2, H3 with 1 (6 records, 3 + 1 = 4 true pairs)
PERSONS = {"H1": ["a", "b", "c"], "H2": ["d", "e"], "H3": ["f"]}


def test_a_perfect_clustering_scores_one() -> None:
    quality = measure(connection(truth_rows(PERSONS), predicted_rows(PERSONS)))
    for clustering in quality.clusterings:
        assert clustering.pairwise.precision == clustering.pairwise.recall == 1.0
        assert clustering.pairwise.f1 == 1.0
        assert clustering.bcubed.precision == clustering.bcubed.recall == 1.0
        assert clustering.bcubed.f1 == 1.0
        assert clustering.true_positive_pairs == clustering.true_pairs == 4
        assert clustering.clusters == 3
        assert clustering.persons_split == 0
    assert quality.truth_records == quality.matched_records == 6
    assert quality.persons == 3
    assert quality.without_prediction == {} and quality.not_in_truth == {}


def test_all_records_in_one_cluster() -> None:
    quality = measure(connection(truth_rows(PERSONS), predicted_rows({"P": list("abcdef")})))
    clustering = final(quality)
    # 15 predicted pairs, of which the 4 true ones
    assert clustering.predicted_pairs == 15
    assert clustering.pairwise.precision == pytest.approx(4 / 15)
    assert clustering.pairwise.recall == 1.0
    assert clustering.pairwise.f1 == pytest.approx(2 * (4 / 15) / (4 / 15 + 1))
    # each record's cluster is 6 records, of which its person's: (3·3/6 + 2·2/6 + 1/6) / 6
    assert clustering.bcubed.precision == pytest.approx((9 + 4 + 1) / 36)
    assert clustering.bcubed.recall == 1.0
    assert clustering.clusters == 1
    assert clustering.persons_split == 0


def test_all_records_singletons() -> None:
    singletons = {f"P{key}": [key] for key in "abcdef"}
    clustering = final(measure(connection(truth_rows(PERSONS), predicted_rows(singletons))))
    assert clustering.predicted_pairs == 0
    assert clustering.pairwise.precision is None  # no pair predicted: undefined
    assert clustering.pairwise.recall == 0.0
    assert clustering.pairwise.f1 == 0.0
    assert clustering.bcubed.precision == 1.0
    # each record finds 1 of its person's records in its cluster: (3·1/3 + 2·1/2 + 1) / 6
    assert clustering.bcubed.recall == pytest.approx(3 / 6)
    assert clustering.clusters == 6
    assert clustering.persons_split == 2  # H1 and H2; H3 has one record


def test_a_known_contingency_table() -> None:
    """Predicted P1 = {a, b, d}, P2 = {c}, P3 = {e, f}. Contingency (cluster, person): (P1, H1)
    2, (P1, H2) 1, (P2, H1) 1, (P3, H2) 1, (P3, H3) 1.
    Pairs: true positives 1 (a-b); predicted 3 + 0 + 1 = 4; true 3 + 1 + 0 = 4:
    precision 1/4, recall 1/4, F1 1/4.
    B-cubed precision: a, b 2/3 each, d 1/3, c 1, e 1/2, f 1/2 -> (4/3 + 1/3 + 1 + 1) / 6 = 11/18.
    B-cubed recall: a, b 2/3 each, c 1/3, d 1/2, e 1/2, f 1 -> (4/3 + 1/3 + 1 + 1) / 6 = 11/18.
    """
    predicted = predicted_rows({"P1": ["a", "b", "d"], "P2": ["c"], "P3": ["e", "f"]})
    clustering = final(measure(connection(truth_rows(PERSONS), predicted)))
    assert (clustering.true_positive_pairs, clustering.predicted_pairs) == (1, 4)
    assert clustering.true_pairs == 4
    assert clustering.pairwise.precision == clustering.pairwise.recall == 0.25
    assert clustering.pairwise.f1 == pytest.approx(0.25)
    assert clustering.bcubed.precision == pytest.approx(11 / 18)
    assert clustering.bcubed.recall == pytest.approx(11 / 18)
    assert clustering.bcubed.f1 == pytest.approx(11 / 18)
    assert clustering.clusters == 3
    assert clustering.persons_split == 2  # H1 over P1 and P2, H2 over P1 and P3


def test_the_rules_and_the_final_clustering_are_measured_apart() -> None:
    # the rules leave H1 in two parts; Splink joins them
    predicted = predicted_rows(
        PERSONS, rules={"R1": ["a", "b"], "R2": ["c"], "R3": ["d", "e"], "R4": ["f"]}
    )
    quality = measure(connection(truth_rows(PERSONS), predicted))
    assert final(quality).pairwise.recall == 1.0
    assert rules(quality).pairwise.recall == pytest.approx(2 / 4)  # a-b and d-e of 4
    assert rules(quality).pairwise.precision == 1.0
    assert rules(quality).persons_split == 1
    assert rules(quality).clusters == 4


def test_missing_predictions_are_reported_and_count_as_their_own_clusters() -> None:
    truth = [
        *truth_rows(PERSONS),
        ("ecommerce.orders", "o1", "H1", "guest_order"),
        ("web.events", "w1", "H1", ""),
    ]
    predicted = [
        *predicted_rows({"P1": ["a", "b", "c"], "P2": ["d"], "P3": ["f"]}),  # e is missing
        ("order", "o1", "P1", "P1"),
        ("account", "A1", "P1", "P1"),  # accounts have no truth rows: left out
        ("ticket", "t9", "P9", "P9"),  # not in the truth file
        ("browser", "w2", "P1", "P1"),  # not in the truth file
    ]
    quality = measure(connection(truth, predicted))
    assert quality.truth_records == 8
    assert quality.matched_records == 6
    assert quality.without_prediction == {"crm.customers": 1, "web.events": 1}
    assert quality.not_in_truth == {"browser": 1, "ticket": 1}
    assert quality.accounts_left_out == 1
    assert quality.predicted_records == 8  # 5 contacts, o1, t9, w2
    clustering = final(quality)
    # e and w1 are clusters of their own: H1 (5 records) has 4 in P1 and w1 alone; H2 split
    assert clustering.clusters == 5
    assert clustering.persons_split == 2
    # true pairs: H1 C(5,2) = 10, H2 1; found: C(4,2) = 6 in P1
    assert (clustering.true_positive_pairs, clustering.true_pairs) == (6, 11)
    assert clustering.pairwise.precision == 1.0
    assert clustering.pairwise.recall == pytest.approx(6 / 11)


def test_family_persons_merged_are_counted() -> None:
    """H1 and H2 are planted as a family (their first contacts a, d), H3 is not."""
    truth = truth_rows(PERSONS, planted={"a": FAMILY, "d": f"duplicate_contact,{FAMILY}"})
    apart = measure(connection(truth, predicted_rows(PERSONS)))
    assert apart.family_persons == 2
    assert final(apart).family_persons_merged == 0
    # H2's second record (e, not itself planted) merged into H1's cluster: the family is merged
    merged = predicted_rows({"P1": ["a", "b", "c", "e"], "P2": ["d"], "P3": ["f"]})
    assert final(measure(connection(truth, merged))).family_persons_merged == 2
    # a family person merged with a person outside any family is not a family merge
    with_other = predicted_rows({"P1": ["a", "b", "c", "f"], "P2": ["d", "e"]})
    assert final(measure(connection(truth, with_other))).family_persons_merged == 0
    # a kind's name inside another's does not count as planted
    lookalike = truth_rows(PERSONS, planted={"a": f"not_{FAMILY}"})
    assert measure(connection(lookalike, predicted_rows(PERSONS))).family_persons == 0


def test_duplicated_keys_empty_truth_and_missing_columns_are_refused_in_a_sentence() -> None:
    truth = truth_rows(PERSONS)
    with pytest.raises(QualityError, match=r"The truth file has 1 duplicated keys"):
        measure(connection([*truth, truth[0]], predicted_rows(PERSONS)))
    with pytest.raises(QualityError, match=r"int_customer_identities has 1 duplicated keys"):
        predicted = predicted_rows(PERSONS)
        measure(connection(truth, [*predicted, predicted[0]]))
    with pytest.raises(QualityError, match=r"1 rows of int_customer_identities have no"):
        measure(connection(truth, [*predicted_rows(PERSONS)[1:], ("crm", "a", None, "R")]))
    with pytest.raises(QualityError, match=r"The truth file has no records\."):
        measure(connection([], predicted_rows(PERSONS)))
    con = connection(truth, predicted_rows(PERSONS))
    con.execute("alter table truth drop column planted")
    with pytest.raises(QualityError, match=r"The truth file has no column planted\."):
        measure(con)


def test_f1_conventions() -> None:
    assert f1_score(None, 0.0) == 0.0
    assert f1_score(0.0, None) == 0.0
    assert f1_score(None, 0.5) is None
    assert f1_score(0.5, 1.0) == pytest.approx(2 / 3)


# --- the command ---


def write_warehouse(path: Path, predicted: list) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema silver")
        con.execute(
            "create table silver.int_customer_identities (node_key varchar, node_type varchar, "
            "source_id varchar, customer_id varchar, rule_component_key varchar)"
        )
        con.executemany(
            "insert into silver.int_customer_identities values (?, ?, ?, ?, ?)",
            [(f"{row[0]}:{row[1]}", *row) for row in predicted],
        )


def write_truth(path: Path, truth: list) -> None:
    with duckdb.connect() as con:
        con.execute(
            "create table truth (source varchar, record_key varchar, person_id varchar, "
            "planted varchar)"
        )
        con.executemany("insert into truth values (?, ?, ?, ?)", truth)
        con.execute("copy truth to ? (format parquet)", [str(path)])


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A warehouse with the known contingency (and one CRM record unpredicted), its truth."""
    db, truth = tmp_path / "warehouse.duckdb", tmp_path / "truth.parquet"
    write_warehouse(
        db,
        predicted_rows(
            {"P1": ["a", "b", "d"], "P2": ["c"], "P3": ["e", "f"]},
            rules={"R1": ["a", "b"], "R2": ["c"], "R3": ["d"], "R4": ["e"], "R5": ["f"]},
        ),
    )
    write_truth(truth, [*truth_rows(PERSONS), ("ecommerce.orders", "o1", "H3", "guest_order")])
    monkeypatch.setenv("C360_DUCKDB_PATH", str(db))
    return db, truth


def test_the_command_prints_the_table_and_the_record_counts(warehouse: tuple[Path, Path]) -> None:
    _db, truth = warehouse
    result = runner.invoke(app, ["identity-quality", "--truth", str(truth)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Identity resolution against the truth file {truth}"
    assert lines[1].split() == [
        "clustering",
        *("pair", "P", "pair", "R", "pair", "F1", "B3", "P", "B3", "R", "B3", "F1"),
        "clusters",
        *("family", "persons", "merged", "persons", "split"),
    ]
    # rules alone: 1 true pair (a-b) of 1 predicted, of 5 true (H3 now has f and o1);
    # B-cubed recall (4/3 + 1/3 + 1/2 + 1/2 + 1/2 + 1/2) / 7 = 11/21; split H1, H2, H3
    assert lines[2].split() == [
        *("rules", "alone", "1.0000", "0.2000", "0.3333"),
        *("1.0000", "0.5238", "0.6875", "6", "0", "3"),
    ]
    assert lines[3].split()[:5] == ["rules", "+", "Splink", "0.2500", "0.2000"]
    assert "truth records without a prediction: 1 (ecommerce.orders 1)" in result.output
    assert "predicted records not in the truth file: 0" in result.output


def test_the_command_prints_json(warehouse: tuple[Path, Path]) -> None:
    _db, truth = warehouse
    result = runner.invoke(app, ["identity-quality", "--truth", str(truth), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["truth_file"] == str(truth)
    assert figures["without_prediction"] == {"ecommerce.orders": 1}
    by_column = {c["column"]: c for c in figures["clusterings"]}
    assert by_column["customer_id"]["pairwise"]["precision"] == 0.25
    assert by_column["rule_component_key"]["pairwise"]["precision"] == 1.0


@pytest.mark.parametrize(
    ("case", "sentence"),
    [
        ("no warehouse", "No warehouse at"),
        ("no table", "has no silver.int_customer_identities: build the identity models first"),
        ("no truth file", "No truth file at"),
        ("not parquet", "Cannot read the truth file"),
        ("no manifest", "has no _manifest.json; generate the landing data first. Or give"),
    ],
)
def test_the_command_says_what_is_missing(
    case: str, sentence: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, truth = tmp_path / "warehouse.duckdb", tmp_path / "truth.parquet"
    write_truth(truth, truth_rows(PERSONS))
    if case == "no table":
        duckdb.connect(str(db)).close()
    elif case != "no warehouse":
        write_warehouse(db, predicted_rows(PERSONS))
    args = ["identity-quality", "--truth", str(truth)]
    if case == "no truth file":
        args[-1] = str(tmp_path / "missing.parquet")
    elif case == "not parquet":
        args[-1] = str(db)
    elif case == "no manifest":
        args = ["identity-quality", "--landing", str(tmp_path)]
    monkeypatch.setenv("C360_DUCKDB_PATH", str(db))
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert sentence in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_generated_truth_read_back_as_the_prediction_scores_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest's truth file by default, and every source of it maps to a node_type: a
    prediction made of the truth itself is perfect, with nothing unmatched."""
    landing = tmp_path / "landing"
    args = ["generate", "--out", str(landing), "--scale", "0.002", "--days", "10", "--quiet"]
    assert runner.invoke(app, args).exit_code == 0
    truth = (tmp_path / "_truth" / "identity_truth.parquet").resolve()
    node_type = {
        "crm.customers": "crm",
        "ecommerce.orders": "order",
        "support.ticket_changes": "ticket",
        "web.events": "browser",
    }
    with duckdb.connect() as con:
        rows = con.execute(
            "select source, record_key, person_id from read_parquet(?)", [str(truth)]
        ).fetchall()
    assert {source for source, _, _ in rows} == set(node_type)
    db = tmp_path / "warehouse.duckdb"
    write_warehouse(db, [(node_type[source], key, person, person) for source, key, person in rows])
    monkeypatch.setenv("C360_DUCKDB_PATH", str(db))

    result = runner.invoke(app, ["identity-quality", "--landing", str(landing), "--json"])

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["truth_file"] == str(truth)
    assert figures["truth_records"] == figures["matched_records"] == len(rows)
    assert figures["without_prediction"] == {} and figures["not_in_truth"] == {}
    assert figures["family_persons"] > 0
    for clustering in figures["clusterings"]:
        assert clustering["pairwise"]["f1"] == clustering["bcubed"]["f1"] == 1.0
        assert clustering["family_persons_merged"] == clustering["persons_split"] == 0


# --- linking throughput ---


def write_run_results(path: Path, timings: dict[str, float]) -> None:
    results = [
        {"unique_id": unique_id, "status": "success", "execution_time": seconds}
        for unique_id, seconds in timings.items()
    ]
    path.write_text(json.dumps({"results": results}))


RUN_RESULTS = {
    "model.customer360.int_identity_nodes": 2.0,
    "model.customer360.int_identity_edges": 1.5,
    "model.customer360.int_identity_match_pairs": 3.5,
    "model.customer360.int_customer_identities": 1.0,
    "model.customer360.stg_crm__customers": 9.0,  # not an identity model
    "model.customer360.int_customer_versions": 7.0,  # not an identity model either
    "test.customer360.unique_int_identity_nodes_node_key.1a2b3c": 5.0,  # a test, not a model
    "unit_test.customer360.int_identity_edges.test_star": 4.0,
}


def test_linking_throughput_sums_the_identity_models(tmp_path: Path) -> None:
    run_results = tmp_path / "run_results.json"
    write_run_results(run_results, RUN_RESULTS)
    throughput = linking_throughput(run_results, 1600)
    assert throughput == {
        "models": {
            "int_identity_nodes": 2.0,
            "int_identity_edges": 1.5,
            "int_identity_match_pairs": 3.5,
            "int_customer_identities": 1.0,
        },
        "seconds": 8.0,
        "records_linked": 1600,
        "records_per_second": 200.0,
    }


def test_linking_throughput_is_none_without_identity_models(tmp_path: Path) -> None:
    run_results = tmp_path / "run_results.json"
    write_run_results(run_results, {"model.customer360.stg_crm__customers": 9.0})
    assert linking_throughput(run_results, 10) is None


def test_the_benchmark_reports_the_linking_throughput(tmp_path: Path) -> None:
    # bench's full build: workdir/full_build.duckdb and workdir/run_results_full_build.json
    write_run_results(tmp_path / "run_results_full_build.json", RUN_RESULTS)
    duckdb.connect(str(tmp_path / "full_build.duckdb")).close()
    assert _identity_linking(tmp_path) is None  # the build made no int_customer_identities
    assert _identity_linking_line(None) == (
        "identity linking: the full build made no silver.int_customer_identities"
    )
    (tmp_path / "full_build.duckdb").unlink()
    singletons = predicted_rows({f"P{k}": [f"k{k}"] for k in range(16)})
    write_warehouse(tmp_path / "full_build.duckdb", singletons)
    assert linked_records(tmp_path / "full_build.duckdb") == 16
    linking = _identity_linking(tmp_path)
    assert linking["records_linked"] == 16
    assert linking["records_per_second"] == 2.0
    assert _identity_linking_line(linking) == (
        "identity linking: 16 source records linked in 8.0 s of identity model time "
        "(int_identity_nodes 2.0 s, int_identity_edges 1.5 s, int_identity_match_pairs 3.5 s, "
        "int_customer_identities 1.0 s) = 2 records/s"
    )
