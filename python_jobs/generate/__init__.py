"""Sample landing data for the Customer 360 project (`python -m python_jobs generate`).

One world is simulated from the seed: customers signing up over time, a buy-till-you-die
purchase process (Pareto/NBD-style purchase rates, BG dropout after each purchase,
Gamma-Gamma spend), web sessions with anonymous browsing and logins, support tickets as a
Delta change feed, and a product catalog with a few changes. The world always covers the
requested days plus a fixed horizon beyond them (`EXTRA_HORIZON_DAYS`), so `--next-day` can
re-simulate it from the same parameters and write the following day's files.

The files follow the identity contract of docs/identity_resolution.md: each source with
its own ids (CRM contacts, shop accounts and guest checkouts, ticket requesters by email and
phone, browsers), one file per entity and extract day. Dirt is injected on purpose at known
rates, at most one kind per record, and counted per entity in `_manifest.json`; identity
problems (duplicate contacts, shared family emails, guest orders, ...) are planted at known
rates, and the true person of every source record is written to a truth file outside the
landing root (`truth`), never read by the pipeline.

Everything is vectorised with numpy/pyarrow; Python loops run over days, simulation rounds
or the few dirty records only.

Modules, in reading order:
- `run`: `generate()`, argument and landing-directory checks, progress.
- `world`: parameters, the clock, customers and their purchases; `World.build` runs the
  sources in a fixed order.
- `identity`: who each customer (person) is across the sources: names, addresses over
  time, phone, shop account, family; how a source types an address or a number.
- one module per source: `ecommerce` (products, orders, order items), `crm` (contacts),
  `crosswalk` (CRM id <-> shop account), `web` (events), `support` (ticket changes).
- `truth`: the truth file and the planted counts.
- `config`: every number (volumes, rates, probabilities, delays, dirt rates);
  `value_sets`: the values written.
- `dirt`: the dirt kinds and how dirty records are chosen.
- `columns`: arrow columns from numpy arrays; `arrays`: numpy group helpers.
- `entities`: the landing contract; `writers`: records and files; `manifest`: the
  `_manifest.json` model.
"""

from .config import MANIFEST_NAME
from .errors import GenerateError
from .manifest import Manifest, read_manifest
from .run import default_end_date, generate, parse_date, validate

__all__ = [
    "MANIFEST_NAME",
    "GenerateError",
    "Manifest",
    "default_end_date",
    "generate",
    "parse_date",
    "read_manifest",
    "validate",
]
