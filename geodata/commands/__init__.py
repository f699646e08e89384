"""The command line's subcommands (cli.py): the parser, argparse's own words from the catalogue
(``usage``), one module a group of handlers, and what they share (``common``).

May import: ``reports``, ``maps``, ``registry``, ``analysis``, ``layers``, ``io`` and the root;
never ``ui`` or Streamlit.
"""
