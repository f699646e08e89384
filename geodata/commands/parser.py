"""The argument parser of every subcommand and its ``--help`` texts from the catalogue (its
usage errors and argparse's own words: :mod:`geodata.commands.usage`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from coverage.candidates import STEP_M
from coverage.gaps import GAP_MIN_M
from coverage.placement import SPACING_M
from coverage.tiers import TIER_NAMES
from geodata.commands.area import (
    run_init,
    run_list_boundary_sets,
    run_list_layers,
    run_list_scopes,
    run_list_wards,
    run_load_layer,
    run_load_osm,
    run_map_scopes,
    run_set_key_routes,
    run_use_boundary_set,
)
from geodata.commands.cameras import run_export, run_import
from geodata.commands.common import language
from geodata.commands.figures import run_meeting_export, run_recommend, run_report
from geodata.commands.people import run_add_user, run_backup
from geodata.commands.usage import UsageParser, decimal_number, given_date
from geodata.i18n import LANGUAGES, text
from geodata.layers.camerafields import ROLES
from geodata.layers.osmextract import EXTRACT_LAYERS, WARD_ADMIN_LEVEL
from geodata.maps.papersizes import PIXELS
from geodata.registry import arealayers
from geodata.registry.cameraio import EXPORT_FORMATS
from geodata.reports.formats import FORMATS as MEETING_FORMATS


def help_text(name: str) -> str:
    """The ``--help`` text ``cli.help.<name>`` in the language of the messages."""
    return text(f"cli.help.{name}", language())


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = UsageParser(prog="cli.py", description=help_text("description"))
    commands = parser.add_subparsers(dest="command", required=True)
    acting = UsageParser(add_help=False)
    acting.add_argument("--as", dest="acting_as", metavar="USER", help=help_text("as"))

    area = UsageParser(add_help=False)
    source = area.add_mutually_exclusive_group()
    source.add_argument("--demo", action="store_true", help=help_text("demo"))
    source.add_argument("--wards", type=Path, help=help_text("wards"))
    area.add_argument("--roads", type=Path, help=help_text("roads"))
    area.add_argument("--cameras", type=Path, help=help_text("cameras"))
    area.add_argument("--hotspots", type=Path, help=help_text("hotspots"))
    area.add_argument("--buildings", type=Path, help=help_text("buildings"))
    area.add_argument("--key-routes", default="", help=help_text("key_routes"))
    area.add_argument("--route-name-field", help=help_text("route_name_field"))
    area.add_argument("--ward-name-field", help=help_text("ward_name_field"))
    area.add_argument("--crs", help=help_text("crs"))
    area.add_argument("--boundary-set", metavar="NAME", help=help_text("report_boundary_set"))

    report = commands.add_parser("report", parents=[acting, area], help=help_text("report"))
    report.add_argument(
        "--gap-min-m", type=decimal_number, default=GAP_MIN_M, help=help_text("gap_min_m")
    )
    report.add_argument("--json", type=Path, help=help_text("report_json"))
    report.add_argument("--gaps", type=Path, help=help_text("gaps"))
    report.add_argument("--tier", choices=TIER_NAMES, help=help_text("tier"))
    report.set_defaults(handler=run_report)

    advice = commands.add_parser("recommend", parents=[acting, area], help=help_text("recommend"))
    how_many = advice.add_mutually_exclusive_group(required=True)
    how_many.add_argument("--k", type=int, help=help_text("k"))
    how_many.add_argument("--target-share", type=decimal_number, help=help_text("target_share"))
    advice.add_argument("--candidates", type=Path, help=help_text("candidates"))
    advice.add_argument("--only-candidates", action="store_true", help=help_text("only_candidates"))
    advice.add_argument(
        "--spacing-m", type=decimal_number, default=SPACING_M, help=help_text("spacing_m")
    )
    advice.add_argument("--step-m", type=decimal_number, default=STEP_M, help=help_text("step_m"))
    advice.add_argument(
        "--route-weight",
        action="append",
        default=[],
        metavar="NAME=W",
        help=help_text("route_weight"),
    )
    advice.add_argument(
        "--hotspot-weighting",
        action="store_true",
        help=help_text("hotspot_weighting"),
    )
    advice.add_argument("--tier", choices=TIER_NAMES, help=help_text("tier"))
    advice.add_argument("--json", type=Path, help=help_text("recommend_json"))
    advice.set_defaults(handler=run_recommend)

    cameras = commands.add_parser("cameras", help=help_text("cameras_command"))
    camera_commands = cameras.add_subparsers(dest="camera_command", required=True)
    importing = camera_commands.add_parser("import", parents=[acting], help=help_text("import"))
    importing.add_argument("file", type=Path, help=help_text("import_file"))
    importing.add_argument("--dry-run", action="store_true", help=help_text("dry_run"))
    importing.add_argument(
        "--report", type=Path, metavar="REJECTED.csv", help=help_text("rejected")
    )
    importing.set_defaults(handler=run_import)
    exporting = camera_commands.add_parser(
        "export", parents=[acting], help=help_text("export_cameras")
    )
    exporting.add_argument("--format", required=True, choices=EXPORT_FORMATS, dest="fmt")
    exporting.add_argument("--out", required=True, type=Path, help=help_text("out"))
    exporting.add_argument("--with-owner", action="store_true", help=help_text("with_owner"))
    exporting.add_argument("--purpose", default="", help=help_text("purpose"))
    exporting.set_defaults(handler=run_export)

    meeting = commands.add_parser("export", parents=[acting], help=help_text("export"))
    # --format and --size are checked by the export itself (a one-line message in the user's
    # language); only their lists are loaded here, not what draws and writes the files.
    meeting.add_argument(
        "--format", required=True, dest="fmt", metavar="{" + ",".join(MEETING_FORMATS) + "}"
    )
    meeting.add_argument("--out", required=True, type=Path, help=help_text("out"))
    meeting.add_argument(
        "--ward", action="append", default=[], metavar="CODE", help=help_text("ward")
    )
    meeting.add_argument(
        "--size", default="a4", metavar="{" + ",".join(PIXELS) + "}", help=help_text("size")
    )
    meeting.add_argument("--campaign", type=int, metavar="ID", help=help_text("campaign"))
    meeting.add_argument("--lang", choices=LANGUAGES, default="vi", help=help_text("lang"))
    meeting.add_argument("--date", type=given_date, help=help_text("date"))
    meeting.add_argument("--with-owner", action="store_true", help=help_text("with_owner_book"))
    meeting.add_argument("--purpose", default="", help=help_text("purpose"))
    meeting.add_argument("--buildings", type=Path, help=help_text("buildings"))
    meeting.add_argument("--boundary-set", metavar="NAME", help=help_text("report_boundary_set"))
    meeting.set_defaults(handler=run_meeting_export)

    users = commands.add_parser("users", help=help_text("users"))
    user_commands = users.add_subparsers(dest="user_command", required=True)
    adding = user_commands.add_parser("add", parents=[acting], help=help_text("users_add"))
    adding.add_argument("name", help=help_text("user_name"))
    adding.add_argument("--role", required=True, choices=ROLES)
    adding.add_argument(
        "--ward",
        dest="wards",
        action="extend",
        nargs="+",
        default=[],
        metavar="CODE",
        help=help_text("user_wards"),
    )
    adding.set_defaults(handler=run_add_user)

    init = commands.add_parser("init", help=help_text("init"))
    init.add_argument("--demo", action="store_true", help=help_text("init_demo"))
    init.set_defaults(handler=run_init)

    layers = commands.add_parser("layers", help=help_text("layers"))
    layer_commands = layers.add_subparsers(dest="layer_command", required=True)
    loading = layer_commands.add_parser("load", parents=[acting], help=help_text("layers_load"))
    loading.add_argument(
        "kind", choices=("wards", *arealayers.LAYERS), help=help_text("layer_kind")
    )
    loading.add_argument("file", type=Path, help=help_text("layer_file"))
    loading.add_argument("--boundary-set", metavar="NAME", help=help_text("boundary_set"))
    loading.add_argument(
        "--valid-from",
        type=given_date,
        metavar="YYYY-MM-DD",
        help=help_text("valid_from"),
    )
    loading.add_argument("--keep-current", action="store_true", help=help_text("keep_current"))
    loading.add_argument("--crs", help=help_text("crs"))
    loading.add_argument("--name-field", metavar="F", help=help_text("name_field"))
    loading.add_argument("--anyway", action="store_true", help=help_text("anyway"))
    loading.set_defaults(handler=run_load_layer)
    osm = layer_commands.add_parser("load-osm", parents=[acting], help=help_text("layers_load_osm"))
    osm.add_argument("file", type=Path, help=help_text("osm_file"))
    osm.add_argument("--layers", default=",".join(EXTRACT_LAYERS), help=help_text("osm_layers"))
    osm.add_argument("--within", choices=("wards",), help=help_text("within"))
    osm.add_argument(
        "--admin-level", type=int, default=WARD_ADMIN_LEVEL, help=help_text("admin_level")
    )
    osm.add_argument("--boundary-set", metavar="NAME", help=help_text("osm_boundary_set"))
    osm.add_argument("--set-key-routes", action="store_true", help=help_text("set_key_routes"))
    osm.add_argument("--cameras-out", type=Path, metavar="FILE", help=help_text("cameras_out"))
    osm.add_argument("--anyway", action="store_true", help=help_text("anyway"))
    osm.set_defaults(handler=run_load_osm)
    layer_list = layer_commands.add_parser("list", parents=[acting], help=help_text("layers_list"))
    layer_list.set_defaults(handler=run_list_layers)

    key_routes = commands.add_parser("key-routes", help=help_text("key_routes_command"))
    route_commands = key_routes.add_subparsers(dest="route_command", required=True)
    choosing = route_commands.add_parser("set", parents=[acting], help=help_text("key_routes_set"))
    choosing.add_argument("names", nargs="+", metavar="NAME", help=help_text("route_names"))
    choosing.set_defaults(handler=run_set_key_routes)

    wards = commands.add_parser("wards", help=help_text("wards_command"))
    ward_commands = wards.add_subparsers(dest="ward_command", required=True)
    listing = ward_commands.add_parser("list", parents=[acting], help=help_text("wards_list"))
    listing.add_argument("--boundary-set", metavar="NAME", help=help_text("report_boundary_set"))
    listing.set_defaults(handler=run_list_wards)
    sets = ward_commands.add_parser("sets", parents=[acting], help=help_text("wards_sets"))
    sets.set_defaults(handler=run_list_boundary_sets)
    use = ward_commands.add_parser("use", parents=[acting], help=help_text("wards_use"))
    use.add_argument("name", metavar="NAME", help=help_text("boundary_set_name"))
    use.set_defaults(handler=run_use_boundary_set)
    scopes = ward_commands.add_parser("scopes", parents=[acting], help=help_text("wards_scopes"))
    scopes.set_defaults(handler=run_list_scopes)
    mapping = ward_commands.add_parser("map", parents=[acting], help=help_text("wards_map"))
    mapping.add_argument("pairs", nargs="*", metavar="OLD=NEW[,NEW]", help=help_text("ward_pairs"))
    mapping.add_argument("--suggested", action="store_true", help=help_text("map_suggested"))
    mapping.set_defaults(handler=run_map_scopes)

    backup = commands.add_parser("backup", parents=[acting], help=help_text("backup"))
    backup.add_argument("file", nargs="?", type=Path, help=help_text("backup_out"))
    backup.add_argument("--out", type=Path, help=help_text("backup_out"))
    backup.set_defaults(handler=run_backup)
    return parser
