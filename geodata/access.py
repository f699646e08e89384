"""Who may see and do what in the registry. Enforced by the registry on every call.

========  =====================================  ===================  ==============
role      reads                                  writes               owner details
========  =====================================  ===================  ==============
district  every camera                           every camera, users  yes
ward      cameras in their own ward(s)           the same cameras     yes
viewer    every camera (or their wards, if set)  nothing              no
========  =====================================  ===================  ==============
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.camerafields import ROLES
from geodata.errors import PermissionDenied
from geodata.i18n import Message

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
        Ward codes a ward user (or a limited viewer) looks after.
    """

    name: str
    role: str
    wards: frozenset[str] = frozenset()

    def __post_init__(self):
        if self.role not in ROLES:
            raise PermissionDenied("error.role.unknown", role=self.role, roles=", ".join(ROLES))

    @property
    def sees_all_wards(self) -> bool:
        """Whether the actor reads cameras of every ward (and those outside every ward)."""
        return self.role == "district" or (self.role == "viewer" and not self.wards)

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
