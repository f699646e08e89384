"""The command line's subcommands (cli.py): the parser, one module a group of handlers, and
what they share (``common``). May import: ``reports``, ``maps``, ``registry``, ``analysis``,
``layers``, ``io`` and the root; never ``ui`` or Streamlit.
"""
