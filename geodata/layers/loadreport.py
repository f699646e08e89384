"""The load report: recoverable quirks found while reading data, shown to the user.

A quirk is something the loader could fix on its own (a geometry repaired with ``make_valid``, a
name normalised to NFC, a duplicated road removed). It is never dropped silently: the loader adds
a :class:`LoadIssue` to the report, and the app and the CLI show the report in their reader's
language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geodata.i18n import Message


@dataclass(frozen=True)
class LoadIssue:
    """One recoverable quirk in one file.

    Parameters
    ----------
    file : str
        The file's name as the user gave it (or a dataset name for built-in data).
    message : Message
        What was found and what the loader did about it.
    feature : Message or str, optional
        The row or feature, as a person would find it (``"row 7"``, ``"feature 12 (An Phú)"``).
    column : str, optional
        The column concerned, as the file names it.
    """

    file: str
    message: Message
    feature: Message | str | None = None
    column: str | None = None

    def render(self, lang: str) -> str:
        """The quirk as one line in ``lang``."""
        where = [part for part in (self.feature, self.column) if part]
        return Message(
            "load.issue.where" if where else "load.issue",
            file=self.file,
            where=Message("load.where", parts=where) if where else "",
            message=self.message,
        ).render(lang)

    def __str__(self) -> str:
        return self.render("en")


@dataclass
class LoadReport:
    """The quirks found while loading one dataset, in the order they were found."""

    issues: list[LoadIssue] = field(default_factory=list)

    def add(
        self,
        file: str,
        message: Message,
        *,
        feature: Message | str | None = None,
        column: str | None = None,
    ) -> None:
        """Record one quirk."""
        self.issues.append(LoadIssue(file, message, feature, column))

    def extend(self, other: LoadReport) -> None:
        """Append every quirk of ``other``."""
        self.issues.extend(other.issues)

    def __len__(self) -> int:
        return len(self.issues)

    def __iter__(self):
        return iter(self.issues)

    def lines(self, lang: str = "en") -> list[str]:
        """Each quirk as one readable line in ``lang``."""
        return [issue.render(lang) for issue in self.issues]
