"""What the engine says about a dataset: coverage figures and recommended sites.

``summary`` runs :mod:`coverage` over a dataset's key routes and hotspots; ``recommend`` builds
candidates and picks sites and bearings for new cameras. Nothing here is stored or drawn.
May import: ``layers``, ``io`` and the root.
"""
