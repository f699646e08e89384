"""Everything between the files people bring and the pages they read; the engine is ``coverage``.

One folder per concern, lowest first; each may import only the ones before it (the rules are
in ``tests/test_architecture.py``):

``io``        files in and out: bounded readers, atomic writers, CRS edges (degrees ↔ metres)
``layers``    wards, roads, hotspots and camera lists read and checked; the dataset; the demo
``analysis``  what the engine says about a dataset: coverage figures, recommended sites
``registry``  the database: cameras, users, wards, campaigns, the audit log, bulk import
``maps``      the web map, the offline HTML map, the print map
``reports``   the tables and charts pages show, the meeting exports (PNG, PDF, XLSX, HTML)
``ui``        the only code that imports Streamlit: caches, sign-in, sidebar, forms

At the root, used by all of them: ``settings`` (environment), ``errors`` (the exceptions, which
carry catalogue messages) and ``i18n`` with ``locales/`` (the catalogue in Vietnamese and
English, which the CLI, the exports and the registry's errors speak as much as the pages).
"""
