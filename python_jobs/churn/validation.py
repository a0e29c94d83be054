"""The churn model's check of what it is asked to score: the first step of its pipeline.

A served model scores whatever reaches it: MLflow's signature checks the columns and their
types, not their values, so a row of nulls or a ``tenure_days`` of -5000 got a probability
(imputed medians, or a value no training row had) and HTTP 200. :class:`FeatureRowCheck`
refuses a request with rows that cannot be rows of ``gold.churn_features``, with one sentence
that names the rows, the columns and the values, so the scoring server answers 400
(``INVALID_PARAMETER_VALUE``) and ``churn_scores`` fails with that sentence instead of writing
a made-up score:

* a feature that is a count or a number of days is not negative (amounts and the satisfaction
  score can be: silver keeps a negative order total or an out-of-range score with a warning);
* the order features every row of the table has (``tenure_days``, ``days_since_last_order``,
  ``orders_total``: a customer enters ``churn_features`` with their first order) are there;
* ``has_marketing_consent`` is true, false or unknown (JSON ``true``/``false``/``null``, or the
  text ``"true"``/``"false"`` the model was trained on, any case).

The module is pickled by value with the model (``cloudpickle.register_pickle_by_value`` in
``train._log_model``), so the model loads where ``python_jobs`` is not installed (Databricks
model serving); it needs only numpy, pandas, scikit-learn and MLflow, as the model does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

__all__ = ["FeatureRowCheck", "feature_row_problems"]

# the rows and problems a refusal names; the count says how many more
_NAMED = 5
_BOOLEAN_TEXT = {"true", "false"}


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def feature_row_problems(
    frame: pd.DataFrame,
    *,
    non_negative: Sequence[str],
    required: Sequence[str],
    booleans: Sequence[str],
) -> list[tuple[int, str]]:
    """What is wrong with the rows of ``frame``, as (row, problem) in row order (``(3,
    "tenure_days is -5000, below 0")``); columns ``frame`` does not have are not checked."""
    problems: list[tuple[int, str]] = []
    for column in non_negative:
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        for row in np.flatnonzero((values < 0).to_numpy(dtype=bool, na_value=False)):
            problems.append((int(row), f"{column} is {frame[column].iloc[row]}, below 0"))
    for column in required:
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        for row in np.flatnonzero(values.isna().to_numpy()):
            problems.append((int(row), f"{column} is missing"))
    for column in booleans:
        if column not in frame.columns:
            continue
        for row, value in enumerate(frame[column].tolist()):
            if _is_missing(value) or isinstance(value, bool | np.bool_):
                continue
            if str(value).strip().lower() not in _BOOLEAN_TEXT:
                problems.append((row, f"{column} is {value!r}, not true, false or null"))
    return sorted(problems, key=lambda problem: problem[0])


class FeatureRowCheck(TransformerMixin, BaseEstimator):
    """Passes the rows through unchanged, or refuses them all with one sentence (an
    ``MlflowException`` with ``INVALID_PARAMETER_VALUE``: HTTP 400 from MLflow's scoring
    server) when a row cannot be a churn_features row (see the module's docstring)."""

    def __init__(
        self,
        non_negative: Sequence[str] = (),
        required: Sequence[str] = (),
        booleans: Sequence[str] = (),
    ) -> None:
        self.non_negative = non_negative
        self.required = required
        self.booleans = booleans

    def fit(self, frame: pd.DataFrame, y: Any = None) -> FeatureRowCheck:
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        problems = feature_row_problems(
            frame,
            non_negative=self.non_negative,
            required=self.required,
            booleans=self.booleans,
        )
        if problems:
            from mlflow.exceptions import MlflowException
            from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE

            rows = len({row for row, _ in problems})
            named = "; ".join(f"row {row}: {problem}" for row, problem in problems[:_NAMED])
            more = len(problems) - _NAMED
            raise MlflowException(
                f"{rows} of {len(frame)} rows are not rows of gold.churn_features, so none was "
                f"scored: {named}"
                + (f"; and {more} more problem(s)" if more > 0 else "")
                + ". Send the feature values as the table holds them.",
                error_code=INVALID_PARAMETER_VALUE,
            )
        return frame
