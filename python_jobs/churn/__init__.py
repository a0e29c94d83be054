"""Churn model jobs on the gold table ``churn_features``: train, register, promote, score.

Modules: ``config`` (settings from the environment), ``data`` (load and validate the
features), ``train`` (time split, pipeline, metrics, MLflow run), ``registry`` (challenger /
champion aliases, promotion margin), ``score`` (load the champion and score a frame),
``artifacts`` (a local store's artifacts found next to it), ``serve`` (the champion behind
MLflow's scoring server, ``make serve``), ``serving_endpoint`` (the versions and traffic split
of the Databricks serving endpoint), ``cli`` (typer app).
"""

from __future__ import annotations

import os

# The jobs run offline: MLflow must never call home. Set before mlflow is first imported
# (MLflow reads DO_NOT_TRACK only when it equals "true", so the explicit switch is used).
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
