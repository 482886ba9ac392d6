"""Every fixture cleans to exactly its golden Markdown and JSON, and to the fields its author wrote down."""

import json

import pytest
import yaml

from golden import expected_path, outputs, sources

FIELDS = ["headline", "byline", "date", "captions", "lead", "body", "related", "must_not_contain"]

# Fields a perfect cleaner gets right and artclean does not yet; each one fails the run once it passes,
# so that it is moved out of this list (ftfy's known-failures idea).
KNOWN_FAILURES = {
    ("journaldulac-fr-festival.txt", "body"): "a three-line newsletter box in the middle of the article is kept",
    ("journaldulac-fr-festival.txt", "must_not_contain"): "the same newsletter box",
}


@pytest.mark.parametrize("source", sources(), ids=lambda p: p.name)
def test_golden_outputs(source):
    for suffix, text in outputs(source).items():
        assert text == expected_path(source, suffix).read_text(encoding="utf-8"), f"{source.name}{suffix} differs"


def _cases():
    for source in sources():
        if expected_path(source, ".fields.yaml").exists():
            for field in FIELDS:
                reason = KNOWN_FAILURES.get((source.name, field))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(source, field, id=f"{source.name}-{field}", marks=marks)


@pytest.mark.parametrize("source, field", list(_cases()))
def test_fields_written_by_hand(source, field):
    """The article as its fixture's author says a perfect cleaner gives it."""
    want = yaml.safe_load(expected_path(source, ".fields.yaml").read_text(encoding="utf-8"))
    got = json.loads(outputs(source)[".expected.json"])
    if field == "must_not_contain":
        content = json.dumps({k: got[k] for k in FIELDS[:-1]}, ensure_ascii=False)
        assert [junk for junk in want.get(field, []) if junk in content] == []
    elif field in want:
        assert got[field] == want[field]
