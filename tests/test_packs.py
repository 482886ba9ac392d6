"""Every example of every shipped rule pack, one test per rule (the test id is the rule id).

A failure reads like `artclean rules test`: FILE:LINE: rule ID: example "…" was kept but should be dropped.
"""

from pathlib import Path

import pytest

from artclean.errors import RulePackError
from artclean.rules_cli import example_failures
from artclean.rulepack import builtin_rules_dir, load_library, load_pack, pack_files

ROOT = Path(__file__).resolve().parents[1]


def _short(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return path


def _cases():
    files = pack_files(builtin_rules_dir())
    if not files:
        yield pytest.param(None, f"no rule packs in {builtin_rules_dir()}", id="no-packs")
    for f in files:
        try:
            pack = load_pack(f)
        except RulePackError as exc:  # an invalid pack fails as one test named after its file
            yield pytest.param(None, exc.one_line(), id=f"invalid:{f.name}")
            continue
        for rule in pack.rules:
            yield pytest.param(rule, None, id=rule.id)


@pytest.mark.parametrize("rule, error", list(_cases()))
def test_rule_examples(rule, error):
    if error:
        pytest.fail(error, pytrace=False)
    failures = [_short(rule.path) + m[len(rule.path):] if m.startswith(rule.path) else m
                for m in example_failures(rule)]
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


def test_every_rule_has_keep_examples():
    """PACK-FORMAT: every rule has a `keep` example, a line that looks similar but must stay."""
    missing = []
    for pack in load_library().packs:
        for rule in pack.rules:
            if rule.action != "keep" and not rule.examples.get("keep"):
                missing.append(f"{_short(rule.path)}:{rule.line}: rule {rule.id}: no keep examples")
    assert not missing, "\n".join(missing)


def test_the_shipped_packs_load_together():
    library = load_library()  # ids unique across packs, every pack valid
    assert {"generic", "de", "en"} <= {p.id for p in library.packs}
    few = {lang: len(words) for lang, words in library.languages().items() if len(words) < 80}
    assert not few, f"language packs need 80-150 function words: {few}"
