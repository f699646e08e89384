"""Errors raised by ``geodata`` when reading or validating the outside world's data.

Every class subclasses :class:`ValueError`. Messages name the file, the row or feature, the
column, what was expected, what was found, and how to fix it. :data:`USER_ERRORS` is the tuple a
page or the CLI catches to show a message instead of a traceback.
"""

from coverage.errors import CoverageError, CRSError


class DataError(ValueError):
    """Base class of the errors about input files."""


class InputError(DataError):
    """A file cannot be read, is empty, or holds values that cannot be used."""


class SchemaError(DataError):
    """A file lacks a required column or holds the wrong geometry type."""


class FileCRSError(DataError, CRSError):
    """A file declares no CRS (and the caller stated none), or an unusable one."""


class PermissionDenied(DataError):
    """The acting user's role or wards do not allow this read or write."""


class ConflictError(DataError):
    """Someone else changed the record since the caller read it; nothing was written."""


class NotFound(DataError):
    """No such camera or user (or it was deleted)."""


USER_ERRORS = (DataError, CoverageError)
"""The errors a user can cause and fix; anything else is a bug."""
