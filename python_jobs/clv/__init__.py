"""Customer lifetime value: BG/NBD purchases, Gamma-Gamma spend, discounted CLV.

Written from the published formulas (no BTYD library):

* :mod:`.bgnbd`: Fader, Hardie & Lee (2005), "Counting your customers the easy way";
* :mod:`.gamma_gamma`: Fader & Hardie (2013), "The Gamma-Gamma model of monetary value";
* :mod:`.lifetime_value`: discounted CLV over a horizon;
* :mod:`.models`: the engine-agnostic functions behind the dbt models ``clv_model_fits``
  and ``customer_clv`` (DuckDB relations, Spark DataFrames);
* :mod:`.errors`: the exceptions.
"""

from .bgnbd import (
    BgNbdFit,
    BgNbdParams,
    expected_purchases,
    expected_purchases_unconditional,
    fit_bgnbd,
    probability_alive,
    simulate_bgnbd,
)
from .errors import (
    ClvError,
    ClvInputError,
    EmptyInputError,
    FitNotConvergedError,
    InvalidInputError,
    ModelDomainError,
    NoRepeatCustomersError,
)
from .gamma_gamma import (
    GammaGammaFit,
    GammaGammaParams,
    conditional_expected_average_spend,
    fit_gamma_gamma,
    simulate_spend,
)
from .lifetime_value import customer_lifetime_value, per_period_discount_rate

__all__ = [
    "BgNbdFit",
    "BgNbdParams",
    "ClvError",
    "ClvInputError",
    "EmptyInputError",
    "FitNotConvergedError",
    "GammaGammaFit",
    "GammaGammaParams",
    "InvalidInputError",
    "ModelDomainError",
    "NoRepeatCustomersError",
    "conditional_expected_average_spend",
    "customer_lifetime_value",
    "expected_purchases",
    "expected_purchases_unconditional",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "per_period_discount_rate",
    "probability_alive",
    "simulate_bgnbd",
    "simulate_spend",
]
