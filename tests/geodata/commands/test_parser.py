"""The parser's wiring: every subcommand reaches its handler, with ``--help`` texts in both
languages."""

import argparse

import pytest

from geodata.commands import area, cameras, figures, people
from geodata.commands.parser import build_parser


def subcommands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()):
    """Each subcommand below ``parser``: its words, its parser and its ``--help`` line."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, child in action.choices.items():
                yield (*words, name), child, helps[name]
                yield from subcommands(child, (*words, name))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_subcommand_has_a_handler_and_a_help_text(lang, monkeypatch):
    monkeypatch.setenv("CCTV_LANGUAGE", lang)
    found = list(subcommands(build_parser()))
    assert len(found) == 22
    for words, child, help_line in found:
        assert help_line and help_line.strip(), words
        nested = any(isinstance(a, argparse._SubParsersAction) for a in child._actions)
        handler = child.get_default("handler")
        assert (handler is None) == nested, words
        assert nested or handler.__name__.startswith("run_"), words


def test_the_help_texts_follow_the_language(monkeypatch):
    helps = {}
    for lang in ("vi", "en"):
        monkeypatch.setenv("CCTV_LANGUAGE", lang)
        helps[lang] = {words: line for words, _, line in subcommands(build_parser())}
    assert helps["vi"].keys() == helps["en"].keys()
    assert all(helps["vi"][words] != helps["en"][words] for words in helps["vi"])


@pytest.mark.parametrize(
    ("argv", "handler"),
    [
        (["report", "--demo"], figures.run_report),
        (["recommend", "--demo", "--k", "2"], figures.run_recommend),
        (["export", "--format", "pdf", "--out", "x.pdf"], figures.run_meeting_export),
        (["cameras", "import", "list.csv"], cameras.run_import),
        (["cameras", "export", "--format", "csv", "--out", "x.csv"], cameras.run_export),
        (["users", "add", "lan", "--role", "viewer"], people.run_add_user),
        (["backup", "copy.sqlite"], people.run_backup),
        (["init"], area.run_init),
        (["layers", "load", "roads", "roads.geojson"], area.run_load_layer),
        (["layers", "load-osm", "area.osm.pbf"], area.run_load_osm),
        (["layers", "list"], area.run_list_layers),
        (["key-routes", "set", "Mai Chí Thọ"], area.run_set_key_routes),
        (["wards", "list"], area.run_list_wards),
        (["wards", "sets"], area.run_list_boundary_sets),
        (["wards", "use", "2025"], area.run_use_boundary_set),
        (["wards", "scopes"], area.run_list_scopes),
        (["wards", "map", "27109=MH03"], area.run_map_scopes),
    ],
)
def test_each_command_line_picks_its_handler(argv, handler):
    assert build_parser().parse_args(argv).handler is handler
