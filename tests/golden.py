"""Golden outputs of the fixtures: how they are made, shared by the tests and `python tests/golden.py`.

Run `python tests/golden.py` to rewrite the expected files after a deliberate change, then read the
diff before committing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import artclean

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def sources() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".html") and ".expected" not in p.name)


def outputs(source: Path) -> dict[str, str]:
    article = artclean.clean(source.read_bytes(), name=f"fixtures/{source.name}")
    return {".expected.md": article.to_markdown(), ".expected.json": article.to_json()}


def expected_path(source: Path, suffix: str) -> Path:
    return source.with_name(source.stem + suffix)


if __name__ == "__main__":
    for source in sources():
        for suffix, text in outputs(source).items():
            expected_path(source, suffix).write_text(text, encoding="utf-8")
            print(expected_path(source, suffix).relative_to(ROOT), file=sys.stderr)
