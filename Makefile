# Two commands for a fresh machine with Python 3.11 and make: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)
# dbt threads: twice the cores. A node spends part of its time in Python (rendering, the
# adapter), when DuckDB could run another node's query; but each query already uses every
# core, so on 2 cores at scale 1 it hardly matters: day 2 took 29.7-29.8 s with 1 thread,
# 29.7 s with 2, 29.7-31.2 s with 4; a full run 86.4 s with 1, 86.5 s with 4.
export DBT_THREADS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) * 2 )))
export C360_LANDING_ROOT ?= $(CURDIR)/data/landing
export C360_DUCKDB_PATH ?= $(CURDIR)/data/warehouse/customer360.duckdb
# the spark target's metastore and parquet tables (make spark-check)
export C360_SPARK_DIR ?= $(CURDIR)/data/spark
export MLFLOW_TRACKING_URI ?= sqlite:///$(CURDIR)/data/mlflow/mlflow.db
ifneq ($(wildcard /etc/ssl/certs/ca-certificates.crt),)
export SSL_CERT_FILE ?= /etc/ssl/certs/ca-certificates.crt
endif

# Sample data of `make run`: small enough to build in seconds; a year, so that the churn
# model has several labelled as-of dates to train on before the one it is evaluated on.
SCALE ?= 0.02
DAYS ?= 365
SEED ?= 42
BENCH_SCALE ?= 1
# The DuckDB/local Spark comparison of `make bench` (0 skips it): Spark takes minutes even here
ENGINE_SCALE ?= 0.02
# The last day of `make bench`'s landing data (empty: yesterday); day 2 is the day after. Two
# runs with the same date measure the same calendar (Splink refits on Sundays, CLV weekly).
BENCH_END_DATE ?=
# dbt vars for build, run and freshness, as YAML: make build VARS='{as_of_date: 2026-06-30}'
# (passed to dbt through the environment, so the shell never re-reads the value)
export VARS ?= {}

.PHONY: help install data build freshness run test lint pytest dbt-test clean docs bench spark-check test-macros evaluate dashboard screenshots serve

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml uv.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: install it, or run make PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# uv is itself in the lock (dev group), so after the first sync it stays in the venv
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@# --compile-bytecode: every dbt and python start imports from .pyc (about 2 s saved per
	@# start where PYTHONDONTWRITEBYTECODE is set, as on CI machines)
	@UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --locked --quiet --compile-bytecode --python $(BIN)/python
	@touch $@

install: $(BIN)/.installed  ## create .venv from the lock (reused when up to date)

data: install  ## generate the sample landing data (SCALE, DAYS, SEED); resets the warehouse
	@rm -f "$(C360_DUCKDB_PATH)" "$(C360_DUCKDB_PATH).wal"
	$(BIN)/python -m python_jobs generate --out "$(C360_LANDING_ROOT)" --scale $(SCALE) --days $(DAYS) --seed $(SEED) --clean

build: install  ## dbt build (local DuckDB), train the churn model, then score with it
	@mkdir -p "$(dir $(C360_DUCKDB_PATH))"
	$(BIN)/dbt build --target local --exclude tag:churn_scoring --vars "$$VARS"
	$(BIN)/python -m python_jobs train
	$(BIN)/dbt build --target local --select tag:churn_scoring --vars "$$VARS"

freshness: install  ## dbt source freshness: is the newest landing record of each source recent enough?
	@mkdir -p "$(dir $(C360_DUCKDB_PATH))"
	$(BIN)/dbt source freshness --target local --vars "$$VARS"

run: data freshness build  ## the whole flow on sample data, then where to look
	@$(BIN)/python -m python_jobs summary
	@$(BIN)/python -m python_jobs champion

pytest: install  ## Python tests (generator, Python models, ML jobs, end-to-end build)
	$(BIN)/pytest

lint: install  ## sqlfluff on the models (after make build), ruff on the Python
	@# the dbt templater renders incremental models as the next run would: against the warehouse
	@test -f "$(C360_DUCKDB_PATH)" || { echo "make lint renders the models against the built warehouse: run make build (or make run) first."; exit 1; }
	$(BIN)/ruff check python_jobs dashboard tests models evaluator
	$(BIN)/ruff format --check python_jobs dashboard tests models evaluator
	$(BIN)/sqlfluff lint models analyses snapshots tests macros --processes 2

test: data freshness build pytest lint spark-check test-macros  ## everything CI runs

# The tests of the project's test macros: integration_tests/, a dbt project of its own that
# installs this one as a package (dbt deps links it, offline), with warehouses of its own under
# integration_tests/target/; on DuckDB, then on local Spark (Spark's log: target/spark/jvm.log).
test-macros: install  ## the tests of the test macros (integration_tests/) on DuckDB and local Spark
	cd integration_tests && $(CURDIR)/$(BIN)/dbt deps \
	  && $(CURDIR)/$(BIN)/dbt build --profiles-dir . --target local \
	  && rm -rf target/spark && mkdir -p target/spark \
	  && $(CURDIR)/$(BIN)/dbt build --profiles-dir . --target spark 2>>target/spark/jvm.log

# The SQL side of the project on a real Spark engine (dbt-spark session method, local pyspark,
# parquet tables), compared table by table with the DuckDB warehouse: databricks/SPARK_CHECK.md.
spark-check: install  ## build seeds, SQL models, snapshots, tests on local Spark; compare with DuckDB
	@test -f "$(C360_LANDING_ROOT)/_manifest.json" || $(MAKE) --no-print-directory data
	@mkdir -p "$(dir $(C360_DUCKDB_PATH))"
	@test -f "$(C360_DUCKDB_PATH)" || $(BIN)/dbt build --target local --selector spark_check --resource-type seed model snapshot
	@rm -rf "$(C360_SPARK_DIR)" && mkdir -p "$(C360_SPARK_DIR)"
	@echo "Spark's own log: $(C360_SPARK_DIR)/jvm.log"
	@# three steps (selectors.yml): dbt-spark's session cannot run the Python models
	@# int_identity_match_fits and int_identity_match_scores (Splink), so a job builds them on
	@# the same warehouse between the SQL upstream of them and the SQL downstream of them
	$(BIN)/dbt build --target spark --selector spark_check_before_splink --full-refresh 2>>"$(C360_SPARK_DIR)/jvm.log"
	$(BIN)/python -m python_jobs spark-match-pairs 2>>"$(C360_SPARK_DIR)/jvm.log"
	$(BIN)/dbt build --target spark --selector spark_check_after_splink --full-refresh 2>>"$(C360_SPARK_DIR)/jvm.log"
	$(BIN)/dbt source freshness --target spark 2>>"$(C360_SPARK_DIR)/jvm.log"
	$(BIN)/python -m python_jobs spark-parity
	$(BIN)/sqlfluff lint models/bronze --disregard-sqlfluffignores --config .sqlfluff-bronze 2>>"$(C360_SPARK_DIR)/jvm.log"
	$(BIN)/dbt parse --target databricks --target-path target/databricks

# The local Customer 360 dashboard (docs/dashboard.md): Streamlit on 127.0.0.1 only, reading
# the warehouse of C360_DUCKDB_PATH read-only. Another port: make dashboard DASHBOARD_PORT=8502
DASHBOARD_PORT ?= 8501

dashboard: install  ## the Customer 360 dashboard on http://127.0.0.1:8501 (DASHBOARD_PORT)
	@$(BIN)/python -m dashboard --port $(DASHBOARD_PORT)

# Not part of make test: needs Debian's chromium (apt-get install -y chromium) and the sample
# warehouse of make run; writes docs/images/dashboard_<page>.png
screenshots: install  ## a PNG of each dashboard page in docs/images/ (headless Chromium)
	$(BIN)/python -m dashboard.screenshots --out docs/images

# The churn champion over REST: MLflow's scoring server on 127.0.0.1 (docs/serving.md).
SERVE_PORT ?= 5001
serve: install  ## serve the churn champion over REST on 127.0.0.1 (SERVE_PORT, default 5001)
	@$(BIN)/python -m python_jobs serve --port $(SERVE_PORT)

docs: install  ## generate and serve the docs site
	$(BIN)/dbt docs generate --target local && $(BIN)/dbt docs serve --port 8080

bench: install  ## benchmark at scale 1 (about 10M landing records), then DuckDB vs local Spark at ENGINE_SCALE
	$(BIN)/python -m python_jobs bench --scale $(BENCH_SCALE) --days 180 --engine-scale $(ENGINE_SCALE) \
		$(if $(BENCH_END_DATE),--end-date $(BENCH_END_DATE))

# Not part of make test: it needs checkouts of dbt-project-evaluator and dbt-utils (no dbt hub
# here). Copies the project to a temporary folder and builds nothing of the product.
evaluate: install  ## dbt-project-evaluator: make evaluate EVALUATOR_DIR=<checkout> DBT_UTILS_DIR=<checkout>
	$(BIN)/python evaluator/evaluate_project.py "$(EVALUATOR_DIR)" "$(DBT_UTILS_DIR)"

clean:  ## remove generated data and dbt artifacts (keeps .venv)
	rm -rf data target logs
