"""Command line for batch reports and the camera registry.

    python cli.py report [--demo] [--boundary-set NAME] [--json OUT.json] [--gaps OUT.geojson]
    python cli.py report --wards W --roads R [--cameras C] [--hotspots H] [--buildings B]
                         [--key-routes "Mai Chí Thọ,Đồng Văn Cống"] [--route-name-field F]
                         [--ward-name-field F] [--crs EPSG:XXXX] [--gap-min-m 50]
                         [--json OUT.json] [--gaps OUT.geojson] [--tier TIER] [--as USER]
    python cli.py cameras import FILE [--dry-run] [--report REJECTED.csv] [--as USER]
    python cli.py cameras export --format csv|xlsx|geojson|gpkg|osm --out FILE
                                 [--with-owner --purpose TEXT] [--as USER]
    python cli.py recommend (--demo | --wards W --roads R [--cameras C]) [--hotspots H]
                            [--buildings B] [--tier TIER]
                            [--key-routes ...] [--candidates FILE [--only-candidates]]
                            (--k K | --target-share S) [--spacing-m 30] [--step-m 25]
                            [--route-weight "NAME=W" ...] [--hotspot-weighting]
                            [--json OUT.json]
    python cli.py export --format png|pdf|html|xlsx --out FILE [--ward CODE ...]
                         [--size a4|a3|phone] [--campaign ID] [--lang vi|en] [--date YYYY-MM-DD]
                         [--with-owner --purpose TEXT] [--buildings B] [--boundary-set NAME]
                         [--as USER]
    python cli.py users add NAME --role district|ward|viewer [--ward CODE ...] [--as USER]
    python cli.py init [--demo]
    python cli.py layers load wards|roads|hotspots|buildings FILE [--boundary-set NAME]
                              [--valid-from YYYY-MM-DD] [--keep-current]
                              [--crs EPSG:XXXX] [--name-field F] [--anyway] [--as USER]
    python cli.py layers load-osm EXTRACT.osm.pbf [--layers roads,buildings,wards,cameras]
                              [--within wards] [--admin-level 8] [--boundary-set NAME]
                              [--set-key-routes] [--cameras-out FILE] [--anyway] [--as USER]
    python cli.py layers list
    python cli.py key-routes set NAME... [--as USER]
    python cli.py wards list [--boundary-set NAME] [--as USER]
    python cli.py wards sets | use NAME | scopes | map OLD=NEW[,NEW]... [--suggested]
    python cli.py backup FILE [--as USER]       (or --out FILE)

Without ``--cameras``, ``report`` reads the cameras from the registry; without ``--demo`` or
``--wards``, ``report`` and ``recommend`` work on the registry's own area (its layers, key routes
and cameras), on the wards of ``--boundary-set`` (default: the current set). The registry is the
database of ``DATABASE_URL``, else the SQLite file in ``CCTV_DATA_DIR`` (default ``./data``); see
:mod:`geodata.settings`.

Who acts: without ``--as`` a command acts as the local administrator, ``system`` with the
district role (the name written to the audit log). ``--as USER`` acts as that registry user,
with their role and wards, and asks no password: whoever runs this command has access to the
server's database already. ``users add`` takes the new user's password from the ``PASSWORD``
environment variable, else asks for it twice.

Exit status: 0 on success (an import that rejected some rows succeeded); 2 on bad input, a
refused action or a failure of the disk or the database (full, read-only, missing, damaged),
with one line on stderr naming the file, the row or feature and the problem, never a traceback
and never a value of the registry (owners' names and phones).

Messages (errors, notes, the one-line summaries) are in the language of ``CCTV_LANGUAGE``
(Vietnamese unless it says ``en``); JSON keys and the import's ``accepted N, rejected M`` line
are the same in every language, for scripts.
"""

from __future__ import annotations

import errno
import gc
import logging
import sys
from pathlib import Path

from geodata.commands.common import EXIT_BAD_INPUT, language
from geodata.commands.parser import build_parser
from geodata.errors import USER_ERRORS
from geodata.i18n import text
from geodata.registry.db import DATABASE_ERRORS


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("report", "recommend") and args.wards is not None and args.roads is None:
        parser.error("--wards needs --roads")
    if args.command in ("report", "recommend") and args.boundary_set and (args.demo or args.wards):
        parser.error(text("cli.boundary_set_area", language()))
    try:
        return args.handler(args)
    except USER_ERRORS as error:
        message = error.render(language())
    except OSError as error:
        message = _os_message(error)
    except DATABASE_ERRORS as error:  # a refusal of the database no check foresaw
        logging.getLogger(__name__).info("registry database: %s", type(error).__name__)
        message = text("error.cli.database_failed", language())
    print(text("cli.error", language(), message=_one_line(message)), file=sys.stderr)
    return EXIT_BAD_INPUT


_OS_ERRORS = {
    errno.ENOSPC: "error.cli.disk_full",
    errno.EDQUOT: "error.cli.disk_full",
    errno.EFBIG: "error.cli.too_large",
    errno.EACCES: "error.cli.no_permission",
    errno.EPERM: "error.cli.no_permission",
    errno.EROFS: "error.cli.no_permission",
}
"""Failures of the system's files a user can do something about → catalogue key."""


def _os_message(error: OSError) -> str:
    """An :class:`OSError` as one catalogue line, naming the file when the error does."""
    key = _OS_ERRORS.get(error.errno)
    reason = (
        text(key, language()) if key else text("error.cli.os", language(), reason=error.strerror)
    )
    if error.filename is None:
        return reason
    return text("error.cli.in_file", language(), file=Path(error.filename).name, message=reason)


def _one_line(message: str) -> str:
    return " | ".join(part.strip() for part in message.splitlines() if part.strip())


if __name__ == "__main__":
    # What is imported lives as long as the process: no garbage collection, during the run or
    # at its end, needs to walk it (a quarter of a second of every command).
    gc.freeze()
    sys.exit(main())
