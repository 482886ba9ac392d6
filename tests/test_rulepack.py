import time
from pathlib import Path

import pytest
import regex

from artclean.errors import RulePackError
from artclean.rulepack import RuleSet, check_examples, load_pack, regex_risk

GOOD = """\
pack: demo
applies_to: {language: de}
function_words: [der, die]
rules:
  - id: demo.share
    action: drop
    match: {startswith: ["Diesen Artikel teilen"]}
    max_chars: 80
    examples:
      drop: ["Diesen Artikel teilenKommentare"]
      keep: ["Wer den Artikel teilen will, darf das."]
  - id: demo.credit
    action: label
    label: credit
    match: {regex: '^Foto:\\s*(?P<value>.+)$'}
    examples:
      label: [{text: "Foto: dpa", value: "dpa"}]
      keep: ["Fotografen waren vor Ort."]
  - id: demo.copy
    action: drop-inline
    match: {contains: ["Copy to clipboard"]}
    examples:
      inline: [{text: "Ende.Copy to clipboard", result: "Ende."}]
      keep: ["Ende."]
"""


def write(tmp_path: Path, text: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_pack_loads_and_its_examples_pass(tmp_path):
    pack = load_pack(write(tmp_path, GOOD))
    assert [r.id for r in pack.rules] == ["demo.share", "demo.credit", "demo.copy"]
    assert [r.line for r in pack.rules] == [5, 12, 19]
    assert all(check_examples(r) == [] for r in pack.rules)


def test_matching_semantics(tmp_path):
    rules = RuleSet([load_pack(write(tmp_path, GOOD))])
    assert rules.match("diesen artikel teilenClose Button")[0].id == "demo.share"  # case-insensitive
    assert rules.match("Diesen Artikel teilen " + "x" * 80) is None  # max_chars
    rule, value = rules.match("Foto: Michael Kappeler/dpa")
    assert (rule.id, value) == ("demo.credit", "Michael Kappeler/dpa")
    assert rules.cut_inline("Der Satz endet.Copy to clipboard") == ("Der Satz endet.", [("Copy to clipboard",
                                                                                          "demo.copy")])


@pytest.mark.parametrize("change, message", [
    (("action: drop\n    match: {startswith", "actoin: drop\n    match: {startswith"),
     "pack.yaml:5: rule demo.share: unknown rule key 'actoin'; did you mean 'action'?"),
    (("id: demo.credit", "id: demo.share"), "pack.yaml:12: rule demo.share: duplicate rule id (first at line 5)"),
    (("'^Foto:\\s*(?P<value>.+)$'", "'^Foto:(unclosed'"), "pack.yaml:15: rule demo.credit: bad regex"),
    (("'^Foto:\\s*(?P<value>.+)$'", "'(a|aa)+$'"),
     "pack.yaml:15: rule demo.credit: regex can backtrack catastrophically (overlapping alternation)"),
    (("'^Foto:\\s*(?P<value>.+)$'", "'(\\w+\\s?)+$'"),
     "pack.yaml:15: rule demo.credit: regex can backtrack catastrophically (nested quantifier)"),
    (("'^Foto:\\s*(?P<value>.+)$'", "'.*'"), "pack.yaml:15: rule demo.credit: regex matches the empty line"),
    (("language: de", "language: no"), "pack.yaml:2: 'language' must be a quoted language code"),
    (("startswith: [\"Diesen Artikel teilen\"]", "startswith: [\"\"]"),
     "pack.yaml:7: rule demo.share: empty string in 'startswith' would match every line"),
    (("      keep: [\"Fotografen waren vor Ort.\"]\n", ""), None),
    (("    examples:\n      drop: [\"Diesen Artikel teilenKommentare\"]\n      keep: [\"Wer den Artikel teilen will, darf das.\"]\n", ""),
     "pack.yaml:5: rule demo.share: rule has no examples"),
    (("rules:", "rules: !!python/object/apply:builtins.len [[1, 2]]\nx:"), "unsupported YAML tag"),
    (("function_words: [der, die]", "function_words: &w [der, die]\nmonths: *w"), "anchors and aliases"),
    (("pack: demo", "pack: demo\npack: other"), "pack.yaml:2: duplicate key 'pack'"),
    (("rules:", "rules: [\n"), "pack.yaml:"),
])
def test_broken_packs_name_file_line_and_rule(tmp_path, change, message):
    text = GOOD.replace(*change)
    assert text != GOOD
    path = write(tmp_path, text)
    if message is None:
        load_pack(path)  # a label rule without keep examples still loads; lint reports it
        return
    with pytest.raises(RulePackError) as info:
        load_pack(path)
    assert message in info.value.one_line().replace(str(tmp_path) + "/", "")


def test_a_pack_with_the_python_tag_runs_nothing(tmp_path):
    path = write(tmp_path, "pack: x\nrules: !!python/object/apply:os.system ['touch " + str(tmp_path / "pwned") + "']\n")
    with pytest.raises(RulePackError, match="unsupported YAML tag"):
        load_pack(path)
    assert not (tmp_path / "pwned").exists()


def test_billion_laughs_is_refused_quickly(tmp_path):
    lines = ["pack: x", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    started = time.perf_counter()
    with pytest.raises(RulePackError):
        load_pack(write(tmp_path, "\n".join(lines) + "\n"))
    assert time.perf_counter() - started < 2


def test_a_slow_regex_times_out_and_is_reported_not_hung(tmp_path):
    # The loader refuses the shapes it can see; the timeout guards the rest. Plant one it cannot see.
    rules = RuleSet([load_pack(write(tmp_path, GOOD), origin="--rules")])
    slow = rules.line_rules[1]
    slow.pattern = regex.compile(r"^(.+?,)+$")
    rules._index()
    started = time.perf_counter()
    assert rules.match("a," * 30 + "b") is None
    assert time.perf_counter() - started < 2
    assert rules.timed_out["demo.credit"] == (f"rule demo.credit ({tmp_path}/pack.yaml:12) timed out after 0.5 s "
                                              "and was skipped for this document")


def test_examples_that_fail_are_reported_with_file_line_and_rule(tmp_path):
    text = GOOD.replace('keep: ["Wer den Artikel teilen will, darf das."]', 'keep: ["Diesen Artikel teilen"]')
    pack = load_pack(write(tmp_path, text))
    failures = check_examples(pack.rules[0])
    assert failures == [f'{tmp_path}/pack.yaml:5: rule demo.share: example "Diesen Artikel teilen" '
                        'was dropped but should be kept']


@pytest.mark.parametrize("pattern", ["(a+)+$", "^(.+?,)+$", "(a|a)+$", "(a|aa)+$", r"(\w+\s?)+$", r"(\d*)*", "(.*a)+"])
def test_risky_patterns(pattern):
    assert regex_risk(pattern)


@pytest.mark.parametrize("pattern", [r"^Von\s+(?P<value>[A-Z]\S*(?:\s+\S+){0,8})$", r"(?:,\s*\w+)*",
                                     r"^(?:Foto|Bild)\s*:\s*(?P<value>.+)$", r"^(?:\w+ ){1,3}\w+$"])
def test_ordinary_patterns_pass(pattern):
    assert regex_risk(pattern) is None


def test_later_pack_disables_and_replaces_rules(tmp_path):
    base = load_pack(write(tmp_path, GOOD))
    site = load_pack(write(tmp_path, """\
pack: site
applies_to: {sites: [example.com]}
disable: [demo.copy]
rules:
  - id: demo.share
    action: keep
    match: {startswith: ["Diesen Artikel teilen"]}
    examples: {keep: ["Diesen Artikel teilen"]}
""", "site.yaml"))
    rules = RuleSet([base, site])
    assert rules.match("Diesen Artikel teilen")[0].action == "keep"
    assert rules.cut_inline("Ende.Copy to clipboard") == ("Ende.Copy to clipboard", [])


def test_shipped_packs_pass_the_full_validation_they_skip_at_load_time():
    # Shipped packs compile their regexes lazily; loaded as a user's pack, every regex is checked now.
    from artclean.rulepack import builtin_rules_dir, pack_files

    for path in pack_files(builtin_rules_dir()):
        pack = load_pack(path, origin="--rules")
        assert all(r.pattern is not None for r in pack.rules if r.regex_source is not None)


def test_a_user_pack_edited_while_the_process_runs_is_read_again(tmp_path):
    import artclean
    pack = tmp_path / "mine.yaml"
    text = "Vertrauliche Gespräche mit der Regierung.\nNichts davon wurde bestätigt, sagte der Sprecher am Montag.\n"
    rule = ("pack: mine\napplies_to: {{all: true}}\nrules:\n  - id: mine.drop\n    action: drop\n"
            "    match: {{startswith: [\"{0}\"]}}\n    examples: {{drop: [\"{0} und mehr\"], keep: [\"Etwas anderes\"]}}\n")
    dropped = []
    for start in ("Vertrauliche", "Nichts davon"):
        pack.write_text(rule.format(start), encoding="utf-8")
        art = artclean.clean(text, input="text", lang="de", rules=[pack])
        dropped.append([r.text for r in art.removed if r.rule == "mine.drop"])
    assert dropped == [["Vertrauliche Gespräche mit der Regierung."],
                       ["Nichts davon wurde bestätigt, sagte der Sprecher am Montag."]]
