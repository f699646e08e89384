"""Command line for batch reports.

    python cli.py report --demo [--json OUT.json] [--gaps OUT.geojson]
    python cli.py report --wards W --roads R --cameras C [--hotspots H]
                         [--key-routes "Mai Chí Thọ,Đồng Văn Cống"] [--route-name-field F]
                         [--ward-name-field F] [--crs EPSG:XXXX] [--gap-min-m 50]
                         [--json OUT.json] [--gaps OUT.geojson]

Exit status: 0 on success; 2 on bad input, with one line on stderr naming the file, the row or
feature and the problem.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from coverage.gaps import GAP_MIN_M
from geodata.dataset import load_dataset
from geodata.demo import build_demo
from geodata.errors import USER_ERRORS
from geodata.exports import write_geojson
from geodata.summary import summarise

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="cli.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    report = commands.add_parser(
        "report", help="coverage of key routes and hotspots, and the gaps, as JSON"
    )
    source = report.add_mutually_exclusive_group(required=True)
    source.add_argument("--demo", action="store_true", help="use the built-in Quận 2 demo")
    source.add_argument("--wards", type=Path, help="ward polygons (GeoJSON, GPKG, SHP, KML…)")
    report.add_argument("--roads", type=Path, help="road lines")
    report.add_argument("--cameras", type=Path, help="cameras: CSV/XLSX with lat/lon, or points")
    report.add_argument("--hotspots", type=Path, help="hotspot polygons, or points with radius_m")
    report.add_argument(
        "--key-routes", default="", help="comma-separated road names (default: every road)"
    )
    report.add_argument("--route-name-field", help="the roads' name column")
    report.add_argument("--ward-name-field", help="the wards' name column")
    report.add_argument("--crs", help="CRS of input files that declare none (e.g. EPSG:32648)")
    report.add_argument(
        "--gap-min-m", type=float, default=GAP_MIN_M, help="shortest gap reported, in metres"
    )
    report.add_argument("--json", type=Path, help="write the report here (default: stdout)")
    report.add_argument("--gaps", type=Path, help="write the gaps as GeoJSON (EPSG:4326)")
    report.set_defaults(handler=run_report)
    return parser


def run_report(args: argparse.Namespace) -> int:
    """The ``report`` subcommand."""
    if args.demo:
        dataset = build_demo()
    else:
        dataset = load_dataset(
            wards=args.wards,
            roads=args.roads,
            cameras=args.cameras,
            hotspots=args.hotspots,
            key_routes=tuple(n.strip() for n in args.key_routes.split(",") if n.strip()),
            ward_name_field=args.ward_name_field,
            route_name_field=args.route_name_field,
            crs=args.crs,
        )
    for line in dataset.report.lines():
        print(f"note: {line}", file=sys.stderr)
    summary = summarise(dataset, gap_min_m=args.gap_min_m)
    text = json.dumps(summary.to_json(), ensure_ascii=False, indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
        routes = summary.routes
        print(
            f"{dataset.name}: key routes {routes.length_m / 1000:.1f} km, "
            f"covered {routes.share:.1%}, {len(summary.gaps)} gaps ≥ {args.gap_min_m:g} m "
            f"→ {args.json}"
        )
    else:
        print(text)
    if args.gaps:
        write_geojson(summary.gaps_wgs84().drop(columns=["lat", "lon"]), args.gaps)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "report" and not args.demo:
        missing = [f"--{flag}" for flag in ("roads", "cameras") if getattr(args, flag) is None]
        if missing:
            parser.error(f"--wards needs {' and '.join(missing)}")
    try:
        return args.handler(args)
    except USER_ERRORS as error:
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _one_line(error: Exception) -> str:
    return " | ".join(part.strip() for part in str(error).splitlines() if part.strip())


if __name__ == "__main__":
    sys.exit(main())
