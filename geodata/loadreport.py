"""The load report: recoverable quirks found while reading data, shown to the user.

A quirk is something the loader could fix on its own (a geometry repaired with ``make_valid``, a
name normalised to NFC, a duplicated road removed). It is never dropped silently: the loader adds
a :class:`LoadIssue` to the report, and the app and the CLI show the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LoadIssue:
    """One recoverable quirk in one file.

    Parameters
    ----------
    file : str
        The file's name as the user gave it (or a dataset name for built-in data).
    message : str
        What was found and what the loader did about it, in English.
    feature : str, optional
        The row or feature, as a person would find it (``"row 7"``, ``"feature 12 (An Phú)"``).
    column : str, optional
        The column concerned.
    """

    file: str
    message: str
    feature: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.feature, self.column) if part)
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


@dataclass
class LoadReport:
    """The quirks found while loading one dataset, in the order they were found."""

    issues: list[LoadIssue] = field(default_factory=list)

    def add(
        self, file: str, message: str, *, feature: str | None = None, column: str | None = None
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

    def lines(self) -> list[str]:
        """Each quirk as one readable line."""
        return [str(issue) for issue in self.issues]
