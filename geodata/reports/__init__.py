"""What pages show and what goes to meetings: tables, charts and the exports.

``views`` and ``planviews`` turn figures, cameras and campaigns into localised tables and
charts; ``meetingreport`` writes the PDF, ``meetingexport`` every export (PNG, PDF, XLSX, HTML,
CSV) with its audit entry. May import: ``maps``, ``registry``, ``analysis``, ``layers``, ``io``
and the root; never Streamlit.
"""
