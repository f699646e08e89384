"""The area's layers, read from files and checked: wards, roads, hotspots and camera lists.

One module per layer (``wards``, ``roads``, ``hotspots``, ``cameras``) on shared steps
(``columns``, ``geometry``); ``cameralist`` is the one reader of camera tables, used by the
report and by the registry's import; ``camerafields`` says what each camera field holds and
how it is checked. Also the column ``contract``, the ``dataset``, the ``loadreport``, the
``demo`` with its buildings (``demobuildings``) and boundary sets (``demosets``), and
``osmextract`` (the layers of an OpenStreetMap extract, read with pyosmium); what the district
saved lives in the registry (:mod:`geodata.registry.arealayers`). What cannot be used is
refused once, listing every problem with its row, column and fix; what can be repaired is
noted in the load report.
May import: ``io`` and the root.
"""
