"""Errors raised by ``geodata``: what a user did that cannot be done, and how to fix it.

Every class subclasses :class:`ValueError`. An error carries a catalogue key and its parameters
(a :class:`geodata.i18n.Message`), not a sentence: the page or the command line renders it in
its reader's language (:meth:`DataError.render`) under the heading of its :attr:`~DataError.kind`
(``error.kind.<kind>`` in the catalogue). ``str(error)`` is the English text, for logs and tests.
Messages name the file, the row or feature, the column, what was expected, what was found, and
the fix; never an owner's name or phone.

:data:`USER_ERRORS` is the tuple a page or the CLI catches to show a message instead of a
traceback; anything else is a bug.
"""

from __future__ import annotations

from coverage.errors import CRSError
from geodata.i18n import Message


class DataError(ValueError):
    """Base class of the errors a user can cause and fix.

    Parameters
    ----------
    key : str or Message
        The catalogue key of the message (or a message built already).
    **params
        The message's parameters (see :mod:`geodata.i18n` for how they are written).
    """

    kind = "invalid"
    """What went wrong, for the heading: ``invalid``, ``unreadable``, ``denied``, ``conflict``,
    ``not_found``, ``storage``."""

    def __init__(self, key: str | Message, /, **params):
        self.message = key if isinstance(key, Message) else Message(key, **params)
        super().__init__(self.message.key)

    def render(self, lang: str) -> str:
        """The message in ``lang``."""
        return self.message.render(lang)

    def __str__(self) -> str:
        return self.message.render("en")


class InputError(DataError):
    """A value cannot be used (out of range, missing, contradicting another)."""


class UnreadableFile(InputError):
    """A file cannot be read at all: missing, empty, an unknown format, broken."""

    kind = "unreadable"


class SchemaError(DataError):
    """A file lacks a required column or holds the wrong geometry type."""


class FileCRSError(DataError, CRSError):
    """A file declares no CRS (and the caller stated none), or an unusable one."""


class PermissionDenied(DataError):
    """The acting user's role or wards do not allow this read or write."""

    kind = "denied"


class ConflictError(DataError):
    """Someone else changed the record since the caller read it; nothing was written."""

    kind = "conflict"


class StorageError(DataError):
    """The registry's database cannot be used: missing, replaced, damaged, full, read-only,
    busy or unreachable; the message says what to do (often: restore the backup)."""

    kind = "storage"


class NotFound(DataError):
    """No such camera, user or campaign (or it was deleted)."""

    kind = "not_found"


USER_ERRORS = (DataError,)
"""The errors a user can cause and fix; anything else is a bug."""
