"""Errors raised by the coverage engine.

Both subclass :class:`ValueError`, so callers that only know ``ValueError`` still catch them.
"""


class CoverageError(ValueError):
    """Base class of every error the engine raises on bad input."""


class CRSError(CoverageError):
    """Inputs are not in a projected CRS in metres, or two inputs disagree on the CRS."""


class InputError(CoverageError):
    """An input table lacks a column, or holds values outside their documented range."""
