"""The one exception the generator raises for bad input."""

from __future__ import annotations


class GenerateError(Exception):
    """Bad input or a landing directory the generator must not touch (one sentence)."""
