"""Settings, read from environment variables each time they are asked for.

- ``CCTV_DATA_DIR``: folder for the database and caches (created when needed); default ``./data``.
- ``DATABASE_URL``: SQLAlchemy URL of the camera registry; default a SQLite file in the data
  folder.
- ``CCTV_TILE_URL``: base-map tile URL template (``{z}/{x}/{y}``); default none (no base map).
- ``CCTV_TILE_ATTRIBUTION``: attribution shown for those tiles; default empty.
- ``CCTV_LANGUAGE``: ``vi`` or ``en``; default ``vi``.
- ``CCTV_TIMEZONE``: the time zone dates and times are shown in; default ``Asia/Ho_Chi_Minh``.
- ``CCTV_SESSION_MINUTES``: minutes of inactivity after which a sign-in expires; default 60.
- ``ADMIN_PASSWORD``: password of the first user ``admin``; default: generated and shown once.

Nothing is read at import time, so tests can set a variable and call again.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
"""The checkout's root folder (where ``app.py`` lives)."""

LANGUAGES = ("vi", "en")


def data_dir() -> Path:
    """The folder for the database and caches, created if missing."""
    path = Path(os.environ.get("CCTV_DATA_DIR") or PROJECT_DIR / "data")
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """The registry's SQLAlchemy URL: ``DATABASE_URL``, else a SQLite file in :func:`data_dir`."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir() / 'registry.sqlite3'}"


def tile_url() -> str | None:
    """The base-map tile URL template, or ``None`` to draw no base map (the offline default)."""
    return os.environ.get("CCTV_TILE_URL") or None


def tile_attribution() -> str:
    """The attribution text for :func:`tile_url`'s tiles."""
    return os.environ.get("CCTV_TILE_ATTRIBUTION", "")


def language() -> str:
    """The default UI language, ``"vi"`` unless ``CCTV_LANGUAGE`` names another supported one."""
    value = os.environ.get("CCTV_LANGUAGE", "vi").strip().lower()
    return value if value in LANGUAGES else "vi"


def timezone() -> str:
    """The IANA time zone in which times are shown (the registry keeps UTC)."""
    return os.environ.get("CCTV_TIMEZONE") or "Asia/Ho_Chi_Minh"


def session_minutes() -> float:
    """Minutes of inactivity after which the app signs a user out."""
    try:
        return max(1.0, float(os.environ.get("CCTV_SESSION_MINUTES", "60")))
    except ValueError:
        return 60.0


def admin_password() -> str | None:
    """The password for the first ``admin`` user, or None to generate one."""
    return os.environ.get("ADMIN_PASSWORD") or None


def static_dir() -> Path:
    """Streamlit's static folder (served at ``/app/static/`` with ``enableStaticServing``)."""
    return PROJECT_DIR / "static"
