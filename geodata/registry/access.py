"""Who may see and do what in the registry. Enforced by the registry on every call.

========  =====================================  ===================  ==============
role      reads                                  writes               owner details
========  =====================================  ===================  ==============
district  every camera                           every camera, users  yes
ward      cameras in their own ward(s)           the same cameras     yes
viewer    every camera (or their wards, if set)  nothing              no
========  =====================================  ===================  ==============

Who a user is, and what their password must be:

- A user name is compared and kept in its canonical form (:func:`user_name`): Unicode NFKC,
  case-folded, spaces at the ends dropped. A new name must then be 2 to 64 characters of
  ``a-z``, ``0-9``, ``.``, ``_`` and ``-``, starting with a letter or digit
  (:data:`USER_NAME`): look-alike names (Cyrillic "а" for Latin "a", full-width letters) are
  refused or become the name they imitate.
- A new password (:func:`password_problems`) has at least :data:`MIN_PASSWORD_LENGTH`
  characters once spaces at its ends are dropped (and at most :data:`MAX_PASSWORD_LENGTH`),
  at least 5 different characters, characters of at least two of the classes letters, digits
  and others (spaces, punctuation, symbols); it does not contain the user name, and it is not a
  common password: ignoring case, spaces and punctuation, and digits at its end, it is none of
  ``geodata/registry/common_passwords.txt``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from geodata.errors import PermissionDenied
from geodata.i18n import Message
from geodata.layers.camerafields import OWNER_FIELDS, ROLES

USER_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
"""What a new user's canonical name must be."""
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
COMMON_PASSWORDS = Path(__file__).resolve().parent / "common_passwords.txt"

SYSTEM = "system"
"""The actor name of writes the application makes on its own (seeding the demo)."""


@dataclass(frozen=True)
class Actor:
    """The signed-in user on whose behalf a registry call runs.

    Attributes
    ----------
    name : str
        The user's name (written to the audit log).
    role : str
        ``"district"``, ``"ward"`` or ``"viewer"``.
    wards : frozenset of str
        Ward codes a ward user (or a limited viewer) looks after, in the current boundary set.
    scoped : bool, optional
        Whether the user was given wards at all (default: whether ``wards`` is not empty). A
        viewer whose wards are all gone from the current boundary set is still scoped: they
        see nothing until the district maps their wards to the new ones, never everything.
    """

    name: str
    role: str
    wards: frozenset[str] = frozenset()
    scoped: bool | None = None

    def __post_init__(self):
        if self.role not in ROLES:
            raise PermissionDenied("error.role.unknown", role=self.role, roles=", ".join(ROLES))
        if self.scoped is None:
            object.__setattr__(self, "scoped", bool(self.wards))

    @property
    def sees_all_wards(self) -> bool:
        """Whether the actor reads cameras of every ward (and those outside every ward)."""
        return self.role == "district" or (self.role == "viewer" and not self.scoped)

    @property
    def sees_owners(self) -> bool:
        """Whether owner names, phones, addresses and consent are shown to the actor."""
        return self.role in ("district", "ward")

    def may_read(self, ward_code: str | None) -> bool:
        """Whether the actor may read a camera in ``ward_code`` (None: outside every ward)."""
        return self.sees_all_wards or ward_code in self.wards

    def require_read(self, ward_code: str | None, what: Message) -> None:
        """Raise :class:`PermissionDenied` unless the actor may read ``what``."""
        if not self.may_read(ward_code):
            raise PermissionDenied("error.access.read", what=what, **self._described(ward_code))

    def require_write(self, ward_code: str | None, what: Message) -> None:
        """Raise :class:`PermissionDenied` unless the actor may change ``what`` in ``ward_code``."""
        if self.role == "district":
            return
        if self.role == "ward" and ward_code in self.wards:
            return
        raise PermissionDenied("error.access.write", what=what, **self._described(ward_code))

    def require_district(self, what: Message) -> None:
        """Raise :class:`PermissionDenied` unless the actor is a district user."""
        if self.role != "district":
            raise PermissionDenied(
                "error.access.district",
                actor=self.name,
                role=Message(f"role.{self.role}"),
                what=what,
            )

    def _described(self, ward_code: str | None) -> dict:
        """Who the actor is and where, for a refusal."""
        return {
            "actor": self.name,
            "role": Message(f"role.{self.role}"),
            "wards": ", ".join(sorted(self.wards)) or Message("access.no_wards"),
            "ward": ward_code or Message("ward.outside"),
        }


def visible_rows(actor: Actor, table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a camera table (:meth:`Registry.cameras <geodata.registry.service.Registry.
    cameras>` of every camera, current wards) that ``actor`` may read, their owner details
    blanked for those who may not see them."""
    if not actor.sees_all_wards:
        table = table[table["ward_code"].isin(sorted(actor.wards))].reset_index(drop=True)
    if not actor.sees_owners:
        table = table.assign(**dict.fromkeys(f for f in OWNER_FIELDS if f in table))
    return table


def user_name(name: str) -> str:
    """The canonical form of a user name: NFKC, case-folded, without spaces at the ends.

    >>> user_name("  Lan.Nguyen "), user_name("ＡＤＭＩＮ")
    ('lan.nguyen', 'admin')
    """
    folded = unicodedata.normalize("NFKC", name.strip()).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def name_problems(name: str) -> list[Message]:
    """What is wrong with ``name`` (canonical, see :func:`user_name`) for a new user."""
    if not name:
        return [Message("user.problem.empty_name")]
    if not USER_NAME.fullmatch(name):
        return [Message("user.problem.name_chars", name=name)]
    return []


def password_problems(password: str, *, name: str) -> list[Message]:
    """What makes ``password`` too weak for the user ``name`` (the rules: module docstring).

    >>> [m.key for m in password_problems("12345678", name="lan")]
    ['user.problem.short_password', 'user.problem.password_classes', 'user.problem.common_password']
    >>> password_problems("trăng-rằm-2026", name="lan")
    []
    """
    stripped = password.strip()
    problems = []
    if len(stripped) < MIN_PASSWORD_LENGTH:
        problems.append(Message("user.problem.short_password", length=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(Message("user.problem.long_password", length=MAX_PASSWORD_LENGTH))
    if len(set(stripped)) < 5:
        problems.append(Message("user.problem.password_repeats"))
    classes = {
        "letter" if ch.isalpha() else "digit" if ch.isdigit() else "other" for ch in stripped
    }
    if len(classes) < 2:
        problems.append(Message("user.problem.password_classes"))
    folded = stripped.casefold()
    if len(name) >= 3 and name in folded:
        problems.append(Message("user.problem.password_name"))
    alnum = "".join(ch for ch in folded if ch.isalnum())
    if {folded, alnum, alnum.rstrip("0123456789")} & _common_passwords():
        problems.append(Message("user.problem.common_password"))
    return problems


@cache
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


SYSTEM_ACTOR = Actor(SYSTEM, "district")
"""The application acting on its own (the registry's creation, seeding the demo)."""
