"""Files in and out, knowing nothing of layers or the registry.

``files`` reads tables and vector files within bounds (size, rows, columns, cells); ``exports``
writes CSV, XLSX, GeoJSON and GeoPackage atomically and never as formulas; ``crs`` is the edge
between degrees and the working CRS in metres. May import: the root of ``geodata``.
"""
