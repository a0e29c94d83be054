"""Sample landing data for the Customer 360 project (`python -m python_jobs generate`)."""

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
