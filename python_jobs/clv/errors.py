"""Exceptions of the CLV library.

Every message is a sentence that says what went wrong and what to do about it, because dbt
shows the message of an exception raised inside a Python model as the model's error.

Hierarchy::

    ClvError
    ├── ClvInputError (also a ValueError)
    │   ├── EmptyInputError
    │   └── InvalidInputError
    ├── NoRepeatCustomersError
    ├── FitNotConvergedError
    └── ModelDomainError (also a ValueError)
"""

from __future__ import annotations


class ClvError(Exception):
    """Base class of every error raised by ``python_jobs.clv``."""


class ClvInputError(ClvError, ValueError):
    """The input data cannot be used as given."""


class EmptyInputError(ClvInputError):
    """There is no customer to fit or score."""


class InvalidInputError(ClvInputError):
    """Values are negative, non-finite or inconsistent (e.g. recency greater than age T)."""


class NoRepeatCustomersError(ClvError):
    """No customer has a repeat purchase with a positive spend: Gamma-Gamma cannot be fit."""


class FitNotConvergedError(ClvError):
    """A maximum-likelihood fit did not converge and its parameters must not be used."""


class ModelDomainError(ClvError, ValueError):
    """The fitted parameters do not define the requested quantity (e.g. a mean that is infinite)."""
