"""`artclean rules list|show|test|lint|new`, user packs from the config, and the language fallback."""

import time
from pathlib import Path

import pytest

import artclean.rulepack as rulepack
from artclean import clean
from artclean.cli import main
from artclean.rulepack import builtin_rules_dir, lint_pack, load_library, load_pack, pack_files

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "euronews-de-putin-lukaschenko.txt"

GOOD = """\
pack: demo
description: a user pack
applies_to: {language: sv}
rules:
  - id: demo.ad
    action: drop
    match: {exact: ["Annons"]}
    examples: {drop: ["Annons", "ANNONS"], keep: ["Annonsen kostade mycket pengar."]}
  - id: demo.share
    action: drop
    match: {startswith: ["Dela artikeln"]}
    max_chars: 40
    examples:
      drop: ["Dela artikelnKommentarer"]
      keep: ["Dela artikeln med alla som fortfarande tvivlar, skrev författaren."]
  - id: demo.credit
    action: label
    label: credit
    match: {regex: '^Foto:\\s*(?P<value>.+)$'}
    examples:
      label: [{text: "Foto: TT", value: "TT"}]
      keep: ["Fotografen var på plats."]
"""


class Result:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err

    def __repr__(self):
        return f"<exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    """The real `artclean` entry point in this process, in a project folder of its own."""
    monkeypatch.delenv("ARTCLEAN_RULES", raising=False)
    home = tmp_path / "work"
    (home / ".git").mkdir(parents=True)  # config discovery stops here
    monkeypatch.chdir(home)

    def go(*args, env=None):
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    go.home = home
    return go


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- rules test


def test_rules_test_passes_on_the_shipped_packs(run):
    result = run("rules", "test")
    assert result.code == 0, result
    assert result.out == ""
    assert "examples tested: all pass" in result.err


def test_rules_test_reports_a_failing_example_with_file_line_and_rule(run):
    pack = write(run.home, "mine.yaml", GOOD.replace('drop: ["Annons", "ANNONS"]', 'drop: ["Annons", "Reklam"]'))
    result = run("rules", "test", pack)
    assert result.code == 1, result
    assert result.out == 'mine.yaml:5: rule demo.ad: example "Reklam" was kept but should be dropped\n'
    assert "1 failed" in result.err


def test_rules_test_without_paths_includes_the_configured_packs(run):
    write(run.home, "packs/cfg.yaml", GOOD.replace('drop: ["Annons", "ANNONS"]', 'drop: ["Reklam"]'))
    write(run.home, ".artclean.yaml", "rules: [packs]\n")
    env_pack = write(run.home, "env/env.yaml",
                     GOOD.replace("demo", "envp").replace('label: [{text: "Foto: TT", value: "TT"}]',
                                                          'label: [{text: "Foto: TT", value: "T"}]'))
    result = run("rules", "test", env={"ARTCLEAN_RULES": str(env_pack)})
    assert result.code == 1, result
    mine = [line for line in result.out.splitlines() if not line.startswith(str(ROOT))]  # not the shipped packs'
    assert mine == [
        'packs/cfg.yaml:5: rule demo.ad: example "Reklam" was kept but should be dropped',
        'env/env.yaml:16: rule envp.credit: example "Foto: TT" gave value "TT" but should give "T"',
    ]


def test_rules_test_on_an_invalid_pack_exits_2(run):
    write(run.home, "packs/good.yaml", GOOD)
    write(run.home, "packs/bad.yaml", GOOD.replace("demo", "bad").replace("action: label", "actoin: label"))
    result = run("rules", "test", "packs")
    assert result.code == 2, result
    assert "artclean: error: packs/bad.yaml:16: rule bad.credit: unknown rule key 'actoin'" in result.err
    assert "1 invalid pack not tested" in result.err


def test_rules_test_reports_an_example_that_times_out_instead_of_crashing(run):
    write(run.home, "inline.yaml", "pack: inl\napplies_to: {all: true}\nrules:\n  - id: inl.slow\n"
          "    action: drop-inline\n    match: {regex: '(x+x+)+y'}\n"
          f"    examples: {{drop: [\"xxy\"], keep: [\"{'x' * 3000}\"]}}\n")
    result = run("rules", "test", "inline.yaml")
    assert result.code == 1, result
    assert result.out.startswith("inline.yaml:4: rule inl.slow: an example timed out")


def test_rules_test_on_a_missing_path_exits_2(run):
    result = run("rules", "test", "nothere.yaml")
    assert result.code == 2
    assert "nothere.yaml: no such rule pack file or folder" in result.err


# ---------------------------------------------------------------- rules lint


BROKEN = """\
pack: broken
applies_to: {language: sv}
rules:
  - id: broken.ad
    action: drop
    match: {exact: ["Annons"]}
    examples: {drop: ["Annons"], keep: ["Annonsen var dyr."]}
  - id: broken.ad
    action: drop
    match: {exact: ["Reklam"]}
    examples: {drop: ["Reklam"], keep: ["Reklamen var dyr."]}
  - id: broken.share
    action: drop
    match: {exact: ["Dela"]}
    max_chars: 40
    exmaples: {drop: ["Dela"], keep: ["Dela inte ut pengar."]}
  - id: broken.credit
    action: label
    label: credit
    match: {regex: '^Foto:(?P<value>.+$'}
    examples: {label: ["Foto: TT"], keep: ["Fotot."]}
  - id: broken.slow
    action: drop
    match: {regex: '(a+)+$'}
    examples: {drop: ["aaa"], keep: ["bbb"]}
"""


def test_lint_reports_every_problem_of_a_broken_pack_with_file_line_and_rule(run):
    write(run.home, "broken.yaml", BROKEN)
    result = run("rules", "lint", "broken.yaml")
    assert result.code == 2, result
    assert result.out.splitlines() == [
        "broken.yaml:8: rule broken.ad: duplicate rule id (first at line 4)",
        "broken.yaml:16: rule broken.share: unknown rule key 'exmaples'; did you mean 'examples'?",
        "broken.yaml:20: rule broken.credit: bad regex: missing ) at position 19",
        "broken.yaml:24: rule broken.slow: regex can backtrack catastrophically (nested quantifier); "
        "avoid a quantified group that itself contains a quantifier",
    ]
    assert "4 errors" in result.err


FIXED = (BROKEN.replace('id: broken.ad\n    action: drop\n    match: {exact: ["Reklam"]}',
                        'id: broken.ad2\n    action: drop\n    match: {exact: ["Reklam"]}')
         .replace("exmaples", "examples").replace("(?P<value>.+$", "(?P<value>.+)$").replace("'(a+)+$'", "'^a+$'"))


@pytest.mark.parametrize("old, new, expected", [
    ("", "", None),
    ("id: broken.ad2", "id: broken.ad", "broken.yaml:8: rule broken.ad: duplicate rule id (first at line 4)"),
    ("    examples: {drop: [\"Dela\"]", "    exmaples: {drop: [\"Dela\"]",
     "broken.yaml:16: rule broken.share: unknown rule key 'exmaples'; did you mean 'examples'?"),
    ("(?P<value>.+)$", "(?P<value>.+$", "broken.yaml:20: rule broken.credit: bad regex"),
    ("'^a+$'", "'(a+)+$'", "broken.yaml:24: rule broken.slow: regex can backtrack catastrophically (nested"),
    ("'^a+$'", "'(a|aa)+$'", "broken.yaml:24: rule broken.slow: regex can backtrack catastrophically (overlapping"),
    ("'^a+$'", "'(\\w+\\s?)+$'", "broken.yaml:24: rule broken.slow: regex can backtrack catastrophically"),
    # shapes the static check lets through are caught by timing the regex on long probe lines
    ("'^a+$'", "'(x+x+)+y'", "broken.yaml:22: rule broken.slow: regex can backtrack catastrophically: it takes "
                            "over 0.25 s on a 1000-character line of 'xx'"),
])
def test_lint_catches_each_problem_alone(run, old, new, expected):
    assert old in FIXED
    write(run.home, "broken.yaml", FIXED.replace(old, new))
    result = run("rules", "lint", "broken.yaml")
    if expected is None:
        assert (result.code, result.out) == (0, ""), result
    else:
        assert result.code == 2, result
        assert [line for line in result.out.splitlines() if line.startswith(expected)], result


def test_lint_semantic_checks(run):
    pack = """\
pack: sem
applies_to: {language: sv}
rules:
  - id: sem.ad
    action: drop
    match: {exact: ["Annons", "Reklam"]}
    examples: {drop: ["Annons"], keep: ["Annonsen var dyr."]}
  - id: sem.reklam
    action: drop
    match: {exact: ["Reklam"]}
    examples: {drop: ["Reklam"], keep: ["Reklamen var dyr."]}
  - id: sem.byline
    action: label
    label: byline
    match: {regex: '^(?:Av|Annons)\\s+(?P<value>.+)$'}
    max_chars: 80
    examples: {label: ["Annons Anna Svensson"], keep: ["Av alla dagar."]}
  - id: sem.everything
    action: drop
    match: {regex: '^\\p{Lu}'}
    examples: {drop: ["Hej"], keep: ["123"]}
  - id: sem.menu
    action: drop
    match: {startswith: ["Meny"]}
    examples: {drop: ["Meny"], keep: ["Menyn var god."]}
  - id: sem.nokeep
    action: drop
    match: {exact: ["Logga in"]}
    examples: {drop: ["Logga in"]}
  - id: other.name
    action: drop
    match: {exact: ["Prenumerera"]}
    examples: {drop: ["Prenumerera"], keep: ["Prenumeranterna klagade."]}
"""
    write(run.home, "sem.yaml", pack)
    result = run("rules", "lint", "sem.yaml")
    assert result.code == 2, result
    out = result.out
    assert ("sem.yaml:8: rule sem.reklam: warning: shadowed: every example is already matched by earlier rule "
            "sem.ad") in out
    assert ('sem.yaml:12: rule sem.byline: example "Annons Anna Svensson" is taken first by rule sem.ad (line 4), '
            "which would drop it") not in out  # "Annons Anna Svensson" is not an exact match of sem.ad
    assert 'sem.yaml:18: rule sem.everything: matches any line, e.g. "The minister said' in out
    assert 'sem.yaml:22: rule sem.menu: warning: startswith without max_chars' in out
    assert 'sem.yaml:26: rule sem.nokeep: has no keep examples' in out
    assert "sem.yaml:30: rule other.name: warning: rule ids start with the pack id: sem.name" in out
    # a drop rule taking other rules' keep examples (here: the catch-all takes everything)
    assert 'sem.yaml:18: rule sem.everything: warning: drops "Annonsen var dyr.", which rule sem.ad' in out


def test_lint_an_earlier_rule_with_another_effect_is_an_error(run):
    pack = """\
pack: sh
applies_to: {language: sv}
rules:
  - id: sh.drop-foto
    action: drop
    match: {startswith: ["Foto:"]}
    max_chars: 60
    examples: {drop: ["Foto:"], keep: ["Fotot var suddigt."]}
  - id: sh.credit
    action: label
    label: credit
    match: {regex: '^Foto:\\s*(?P<value>.+)$'}
    examples: {label: ["Foto: TT"], keep: ["Fotografen var där."]}
"""
    write(run.home, "sh.yaml", pack)
    result = run("rules", "lint", "sh.yaml")
    assert result.code == 2, result
    assert ('sh.yaml:9: rule sh.credit: example "Foto: TT" is taken first by rule sh.drop-foto (line 4), '
            "which would drop it") in result.out


def test_lint_strict_fails_on_warnings_only(run):
    write(run.home, "w.yaml", GOOD.replace("    max_chars: 40\n", "").replace(
        'keep: ["Dela artikeln med alla som fortfarande tvivlar, skrev författaren."]', 'keep: ["Dela inte."]'))
    assert run("rules", "lint", "w.yaml").code == 0
    result = run("rules", "lint", "--strict", "w.yaml")
    assert result.code == 1, result
    assert result.out == ('w.yaml:9: rule demo.share: warning: startswith without max_chars: it drops article '
                          'sentences of any length that start with "dela artikeln"; add max_chars unless such lines '
                          'are always boilerplate\n')


def test_lint_warns_when_a_user_rule_drops_a_shipped_keep_example(run):
    write(run.home, "u.yaml", GOOD.replace('match: {exact: ["Annons"]}', 'match: {regex: "^Facebook"}')
          .replace('drop: ["Annons", "ANNONS"]', 'drop: ["Facebook"]').replace("language: sv", "language: en"))
    result = run("rules", "lint", "u.yaml")
    assert "u.yaml:5: rule demo.ad: warning: drops \"Facebook removed the posts on Monday.\"" in result.out, result


def test_lint_of_the_shipped_packs_finds_no_errors(run):
    result = run("rules", "lint")
    assert result.code == 0, result


def test_a_good_pack_passes_lint_strict(run):
    write(run.home, "good.yaml", GOOD)
    result = run("rules", "lint", "--strict", "good.yaml")
    assert (result.code, result.out) == (0, ""), result


def test_lint_pack_agrees_with_load_pack_on_the_shipped_packs():
    for f in pack_files(builtin_rules_dir()):
        pack, problems = lint_pack(f)
        assert problems == []
        assert [r.id for r in pack.rules] == [r.id for r in load_pack(f).rules]


def test_lint_pack_collects_several_problems(tmp_path):
    path = write(tmp_path, "broken.yaml", BROKEN)
    pack, problems = lint_pack(path)
    assert [(p.line, p.rule) for p in problems] == [(8, "broken.ad"), (16, "broken.share"), (20, "broken.credit"),
                                                    (24, "broken.slow")]
    assert [r.id for r in pack.rules] == ["broken.ad", "broken.share"]  # 'exmaples' checked as 'examples'
    path.write_text("pack: x\nrules: [\n", encoding="utf-8")
    pack, problems = lint_pack(path)
    assert pack is None and "YAML syntax error" in problems[0].one_line()


# ---------------------------------------------------------------- rules list / show


def test_rules_list_shows_packs_counts_and_origins(run):
    write(run.home, "packs/cfg.yaml", GOOD)
    write(run.home, ".artclean.yaml", "rules: [packs/cfg.yaml]\ndisable: [de.share-widget]\n")
    env_pack = write(run.home, "env.yaml", GOOD.replace("demo", "envp"))
    cli_pack = write(run.home, "cli.yaml", GOOD.replace("demo", "clip"))
    result = run("rules", "list", "--rules", cli_pack, env={"ARTCLEAN_RULES": str(env_pack)})
    assert result.code == 0, result
    rows = {line.split()[0]: line.split() for line in result.out.splitlines() if line.strip()}
    assert rows["de"][:4] == ["de", "language", "de", str(len(load_pack(ROOT / "rules" / "de.yaml").rules))]
    assert rows["de"][-2:] == ["builtin", str(ROOT / "rules" / "de.yaml")]
    assert rows["generic"][1:3] == ["generic", "all"]
    assert rows["demo"][-2:] == [".artclean.yaml", "packs/cfg.yaml"]
    assert rows["demo"][3:6] == ["3", "2", "1"]  # rules, drop, label
    assert rows["envp"][-2:] == ["ARTCLEAN_RULES", "env.yaml"]
    assert rows["clip"][-2:] == ["--rules", "cli.yaml"]
    assert "config file .artclean.yaml; disabled: de.share-widget" in result.out


def test_rules_list_lang_filters(run):
    result = run("rules", "list", "--lang", "de")
    names = {line.split()[0] for line in result.out.splitlines() if line.strip()}
    assert {"de", "generic"} <= names and not names & {"en", "fr", "es"}
    result = run("rules", "list", "--lang", "sv")
    assert "no language pack for 'sv'" in result.err


def test_rules_show_prints_the_rule(run):
    result = run("rules", "show", "de.share-widget")
    assert result.code == 0, result
    rule = next(r for r in load_pack(ROOT / "rules" / "de.yaml").rules if r.id == "de.share-widget")
    assert "rule:        de.share-widget" in result.out
    assert "pack:        de (language, de; builtin)" in result.out
    assert f"file:        {ROOT / 'rules' / 'de.yaml'}:{rule.line}" in result.out
    assert "action:      drop" in result.out
    assert "examples:" in result.out and "all pass" in result.out
    assert "  - id: de.share-widget" in result.out and "    match:" in result.out


def test_rules_show_a_user_rule_and_an_unknown_id(run):
    write(run.home, "mine.yaml", GOOD)
    result = run("rules", "show", "demo.credit", "--rules", "mine.yaml")
    assert "file:        mine.yaml:16" in result.out and "action:      label (credit)" in result.out, result
    result = run("rules", "show", "de.share-widgt")
    assert result.code == 2
    assert "no rule 'de.share-widgt'; did you mean de.share-widget" in result.err


# ---------------------------------------------------------------- rules new


@pytest.mark.parametrize("lang, pack_id", [("sv", "sv"), ("de", "de-local"), ("no", "no")])
def test_rules_new_writes_a_starter_that_passes_lint_and_test(run, lang, pack_id):
    result = run("rules", "new", "--lang", lang, "-o", "starter.yaml")
    assert result.code == 0, result
    pack = load_pack(run.home / "starter.yaml")
    assert (pack.id, pack.language, len(pack.rules)) == (pack_id, lang, 3)
    assert all(r.id.startswith(pack_id + ".") for r in pack.rules)
    assert run("rules", "lint", "--strict", "starter.yaml").code == 0
    assert run("rules", "test", "starter.yaml").code == 0
    result = run(SEED, "--rules", "starter.yaml", "--lang", lang, "-f", "json")
    assert result.code == 0, result


def test_rules_new_to_stdout_and_no_overwrite(run):
    result = run("rules", "new", "--lang", "sv")
    assert result.out.startswith("# A starter rule pack") and 'pack: "sv"\n' in result.out
    write(run.home, "taken.yaml", "x")
    result = run("rules", "new", "--lang", "sv", "-o", "taken.yaml")
    assert result.code == 2 and "taken.yaml: file exists" in result.err
    assert (run.home / "taken.yaml").read_text() == "x"
    assert run("rules", "new", "--lang", "sv", "-o", "taken.yaml", "--force").code == 0
    assert run("rules", "new", "--lang", "Swedish").code == 2


# ---------------------------------------------------------------- user packs never hang a run


SLOW = """\
pack: slow
applies_to: {all: true}
rules:
  - id: slow.catastrophic
    action: drop
    match: {regex: '(a|aa)+$'}
    examples: {drop: ["aaa"], keep: ["bbb"]}
"""


def test_a_user_pack_with_a_catastrophic_regex_is_refused_before_anything_runs(artclean, tmp_path):
    pack = write(tmp_path, "slow.yaml", SLOW)
    start = time.monotonic()
    result = artclean(SEED, "--rules", pack)
    assert time.monotonic() - start < 20
    assert result.code == 2
    assert "slow.yaml:6: rule slow.catastrophic: regex can backtrack catastrophically" in result.err
    assert result.out == ""


@pytest.mark.parametrize("length", [40, 5000])
def test_a_catastrophic_regex_that_slips_through_times_out_and_is_skipped(monkeypatch, tmp_path, length):
    monkeypatch.setattr(rulepack, "regex_risk", lambda pattern: None)  # as if the static check missed it
    library = load_library([(str(write(tmp_path, "slow.yaml", SLOW)), "--rules")])
    prose = "Es regnet seit Tagen in der Hauptstadt, und die Feuerwehr ist im Einsatz. " * 4
    text = "Regen in Berlin\n\n" + prose + "\n" + "a" * length + "b\n" + prose.replace("Tagen", "Wochen")  # no repeat
    start = time.monotonic()
    article = clean(text, rules=library)
    assert time.monotonic() - start < 5
    assert any("rule slow.catastrophic (" in w and "slow.yaml:4) timed out" in w for w in article.meta["warnings"])
    assert article.body


# ---------------------------------------------------------------- a language without a pack


SWEDISH = """\
Regeringen vill sänka skatten för pensionärer

Regeringen föreslår att skatten för pensionärer ska sänkas redan nästa år. Det meddelade finansministern på en pressträff i Stockholm på tisdagen.
– Vi vill att den som har arbetat ett helt liv ska kunna leva på sin pension, sade hon till journalisterna.
Förslaget innebär att en pensionär med en genomsnittlig pension får behålla ungefär tre hundra kronor mer i månaden. Kostnaden för staten beräknas till drygt fyra miljarder kronor per år.
Oppositionen är kritisk och menar att pengarna borde gå till vården i stället. Flera regioner har under året varnat för att de inte har råd att behålla personalen på sjukhusen.
Riksdagen väntas rösta om förslaget i december. Om det går igenom börjar de nya reglerna gälla från den första januari.
"""


def test_an_article_in_a_language_without_a_pack_falls_back_to_the_generic_rules():
    article = clean(SWEDISH + "\nFacebook\n")
    assert article.meta["language"] is None
    assert "language not recognised: only the generic rules were used" in article.meta["warnings"]
    assert article.meta["rules"] == ["generic"]
    assert article.headline == "Regeringen vill sänka skatten för pensionärer"
    assert any("Riksdagen väntas rösta" in b.text for b in article.body)


def test_the_language_fallback_on_the_command_line(run):
    write(run.home, "sv.txt", SWEDISH)
    result = run("sv.txt")
    assert result.code == 0, result
    assert "artclean: warning: sv.txt: language not recognised: only the generic rules were used" in result.err
    assert "Riksdagen väntas rösta" in result.out
