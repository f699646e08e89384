"""The registry database and everything that reads or writes it.

``db`` (engines, migrations in ``migrations/``), ``models``, ``access`` (who may see what),
``audit`` (the hash-chained log), ``service`` (the :class:`~geodata.registry.service.Registry`:
cameras, users, wards and their boundary sets), ``importer`` (bulk import of camera lists),
``cameraio`` (exchange formats and OpenStreetMap), ``arealayers`` (the area's saved layers),
``osmload`` (an OpenStreetMap extract's layers saved, its cameras offered to the import),
``campaigns``, ``boundaries`` (ward users' wards when the boundaries change) and ``seeding``
(the demo cameras). Never imports
``maps``, ``reports``, ``ui`` or Streamlit. May import: ``analysis``, ``layers``, ``io``, the root.
"""
