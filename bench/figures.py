"""What every benchmark does with its figures: print them as JSON, and write them with --json."""

from __future__ import annotations

import json
from pathlib import Path


def emit(figures: dict, path: Path | None) -> None:
    """Print ``figures`` as indented JSON, and write the same to ``path`` when given."""
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    print(text)
    if path:
        path.write_text(text + "\n", encoding="utf-8")
