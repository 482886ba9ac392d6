"""`artclean diff`, `--check` and `artclean explain`: rendering at fixed widths with and without colour,
golden outputs for the seed, the exit codes, and that a pipe never gets escape codes.

Rewrite the golden files after a deliberate change with `python tests/test_preview.py`, then read
the diff before committing it.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

import artclean
from artclean import preview
from artclean.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
SEED = FIXTURES / "euronews-de-putin-lukaschenko.txt"
SEED_NAME = "fixtures/euronews-de-putin-lukaschenko.txt"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ROW = re.compile(r"^ *(\d+) ([+~-]) (\S+)")
SOURCES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".html"))


@lru_cache(maxsize=None)
def cleaned(path: Path) -> artclean.Article:
    """The fixture cleaned once per test run (the views only read the Article)."""
    return artclean.clean(path.read_bytes(), name=f"fixtures/{path.name}")


def capture(fn, *, width: int = 80, color: bool = False) -> str:
    """What fn(console) prints on a console of this width, with colour forced on or off."""
    out = io.StringIO()
    fn(preview.make_console("always" if color else "never", file=out, width=width))
    return out.getvalue()


def diff_text(path: Path, *, width: int = 80, color: bool = False, style: str = "lines") -> str:
    article = cleaned(path)
    return capture(lambda c: preview.render_diff(article, path.read_bytes(), c, name=f"fixtures/{path.name}",
                                                 style=style), width=width, color=color)


def explain_text(path: Path, width: int = 80) -> str:
    article = cleaned(path)
    entries = preview.explain(article, preview.ruleset_for(article))
    return capture(lambda c: preview.render_explain(entries, c), width=width)


@lru_cache(maxsize=1)
def goldens() -> dict[str, str]:
    """Every golden file of the seed and the text it must hold."""
    return {
        "seed.diff.txt": diff_text(SEED),
        "seed.diff.color.txt": diff_text(SEED, color=True),
        "seed.diff.160.txt": diff_text(SEED, width=160),
        "seed.side-by-side.txt": diff_text(SEED, style="side-by-side"),
        "seed.side-by-side.160.txt": diff_text(SEED, width=160, style="side-by-side"),
        "seed.unified.txt": diff_text(SEED, style="unified"),
        "seed.explain.txt": explain_text(SEED),
    }


# ------------------------------------------------------------------ golden files


def stable(text: str) -> str:
    """Rule locations without their line numbers: editing a pack above a rule does not change a golden."""
    return re.sub(r"(\.ya?ml):\d+", r"\1:N", text)


@pytest.mark.parametrize("name", sorted(goldens()))
def test_seed_golden(name):
    assert stable(goldens()[name]) == stable((GOLDEN / name).read_text(encoding="utf-8")), \
        f"{name} differs; if the change is deliberate, run `python tests/test_preview.py` and review the diff"


# ------------------------------------------------------------------ the line view


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
@pytest.mark.parametrize("width", [80, 160])
def test_every_block_is_shown_with_its_role_or_rule(source, width):
    article = cleaned(source)
    shown = [m.groups() for line in diff_text(source, width=width).splitlines() if (m := ROW.match(line))]
    expected = [(str(b.line), preview.marker(b), preview.tag(b)) for b in article.blocks]
    assert shown == expected
    removed = [(str(b.line), b.rule) for b in article.blocks if b.label == "boilerplate"]
    assert [(n, tag) for n, mark, tag in shown if mark == "-"] == removed


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
@pytest.mark.parametrize("style", ["lines", "side-by-side"])
@pytest.mark.parametrize("width", [80, 160])
@pytest.mark.parametrize("color", [False, True])
def test_lines_fit_the_width(source, style, width, color):
    text = diff_text(source, width=width, style=style, color=color)
    assert ("\x1b[" in text) == color
    for line in ANSI.sub("", text).splitlines():
        assert cell_len(line) <= width, line
        assert line == line.rstrip(), "no trailing spaces"


def test_long_lines_wrap_with_a_hanging_indent():
    url = "https://example.org/" + "x" * 300
    text = "Schlagzeile über nichts\n\n" + ("Ein langer Satz über die Stadt und die Leute darin. " * 8) + url + "\n"
    article = artclean.clean(text, name="long.txt")
    out = capture(lambda c: preview.render_diff(article, text, c, name="long.txt"), width=80)
    lines = out.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    start = next(i for i, line in enumerate(lines) if ROW.match(line) and line.split()[0] == "3")
    indent = lines[start].index("Ein langer")
    continuation = lines[start + 1:start + 6]
    assert all(line.startswith(" " * indent) and line[indent] != " " for line in continuation)


def test_wide_characters_fit():
    sentence = "市は新しい図書館を開館し、多くの市民が初日に訪れた。"
    text = "東京で新しい図書館が開館した\n\n" + sentence * 6 + "\nWERBUNG\n"
    article = artclean.clean(text, name="ja.txt")
    out = capture(lambda c: preview.render_diff(article, text, c, name="ja.txt"), width=80)
    assert all(cell_len(line) <= 80 for line in out.splitlines())


INLINE = SEED.read_text(encoding="utf-8").replace("des Jahres an.\n", "des Jahres an.Copy to clipboard\n", 1)


def test_inline_removals_are_visible_without_colour():
    article = artclean.clean(INLINE, name="inline.txt")
    out = capture(lambda c: preview.render_diff(article, INLINE, c, name="inline.txt"), width=80)
    assert re.search(r"^11 ~ lead ", out, re.M)
    assert "an.[-Copy to clipboard-]" in out
    assert 'cut "Copy to clipboard" (generic.clipboard-inline)' in out
    assert "1 inline string (generic.clipboard-inline)" in out


def test_inline_removals_are_highlighted_with_colour():
    article = artclean.clean(INLINE, name="inline.txt")
    out = capture(lambda c: preview.render_diff(article, INLINE, c, name="inline.txt"), width=80, color=True)
    assert "[-" not in out
    assert re.search(r"\x1b\[[0-9;]*41mCopy to clipboard\x1b\[0m", out)  # on a red background


def test_side_by_side_shows_the_markdown():
    out = diff_text(SEED, width=160, style="side-by-side")
    assert "│ # Eishockey und neue Manöver" in out
    assert "│ **Beim Treffen ging es um Zusammenarbeit" in out
    assert "│ ## Putin kündigt russisch-belarussisches Manöver an" in out
    assert "│ - Belarus: Lukaschenkos Angriff auf die Verfassung" in out


def test_html_shows_blocks_with_their_source_lines():
    source = FIXTURES / "metrogazette-en-library-closures.html"
    article = cleaned(source)
    out = diff_text(source)
    assert "<div" not in out and "<p" not in out
    assert "html:nav" in out and "html · en" in out
    shown = [int(m[1]) for line in out.splitlines() if (m := ROW.match(line))]
    assert shown == [b.line for b in article.blocks]


# ------------------------------------------------------------------ unified diff


def test_unified_diff_is_valid_and_annotated(tmp_path):
    article = cleaned(SEED)
    diff = preview.unified_diff(article, SEED.read_text(encoding="utf-8"), name="seed.txt")
    assert diff.startswith("--- seed.txt\t(input)\n+++ seed.txt\t(cleaned)\n@@ ")
    hunks = [line for line in diff.splitlines() if line.startswith("@@")]
    assert all(re.match(r"@@ -\d+(,\d+)? \+\d+(,\d+)? @@ \S", h) for h in hunks)
    for removal in article.removed:
        assert f"#   line {removal.line}: {removal.rule}: {removal.text}" in diff
        assert f"\n-{removal.text}\n" in diff
    if shutil.which("patch"):
        target = tmp_path / "seed.txt"
        target.write_bytes(SEED.read_bytes())
        subprocess.run(["patch", "-s", "-p0", "-i", "-"], input=diff.encode(), cwd=tmp_path, check=True)
        kept = target.read_text(encoding="utf-8")
        assert "WERBUNG" not in kept and kept.count("\n") == SEED.read_text(encoding="utf-8").count("\n") - 6


def test_unified_diff_without_final_newline(tmp_path):
    text = SEED.read_text(encoding="utf-8").rstrip("\n") + "\n\nDiesen Artikel teilenKommentare"
    article = artclean.clean(text, name="x.txt")
    diff = preview.unified_diff(article, text, name="x.txt")
    assert "-Diesen Artikel teilenKommentare\n\\ No newline at end of file\n" in diff
    if shutil.which("patch"):
        (tmp_path / "x.txt").write_text(text, encoding="utf-8")
        subprocess.run(["patch", "-s", "-p0", "-i", "-"], input=diff.encode(), cwd=tmp_path, check=True)
        assert "Diesen Artikel teilen" not in (tmp_path / "x.txt").read_text(encoding="utf-8")


def test_unified_diff_is_empty_when_nothing_is_removed():
    text = cleaned(SEED).to_text()
    assert preview.unified_diff(artclean.clean(text), text) == ""


def test_inline_cut_in_unified_diff():
    article = artclean.clean(INLINE, name="inline.txt")
    diff = preview.unified_diff(article, INLINE, name="inline.txt")
    assert "\n-Beim Treffen" in diff and "\n+Beim Treffen" in diff and "Jahres an.Copy to clipboard\n+" in diff
    assert "#   line 11 (inline): generic.clipboard-inline: Copy to clipboard" in diff


# ------------------------------------------------------------------ colour decision


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("choice, env, tty, expected", [
    ("auto", {}, True, True),
    ("auto", {}, False, False),
    ("auto", {"NO_COLOR": "1"}, True, False),
    ("auto", {"NO_COLOR": ""}, True, True),
    ("auto", {"TERM": "dumb"}, True, False),
    ("always", {"NO_COLOR": "1"}, False, True),
    ("never", {}, True, False),
])
def test_use_color(monkeypatch, choice, env, tty, expected):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert preview.use_color(choice, FakeTTY() if tty else io.StringIO()) is expected


def test_width_from_columns_or_80(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert preview.terminal_width(io.StringIO()) == 80
    monkeypatch.setenv("COLUMNS", "132")
    assert preview.terminal_width(io.StringIO()) == 132
    monkeypatch.setenv("COLUMNS", "12")
    assert preview.terminal_width(io.StringIO()) == preview.MIN_WIDTH


def test_never_colour_has_no_escape_codes_even_on_a_terminal():
    out = FakeTTY()
    preview.render_diff(cleaned(SEED), SEED.read_bytes(), preview.make_console("never", file=out, width=80))
    assert "\x1b" not in out.getvalue() and "- de.ad-label" in out.getvalue()


# ------------------------------------------------------------------ the command line


def run(*args, stdin: bytes = b""):
    """The real command in a subprocess, its stdout a pipe, with rich's colour variables set to tempt it."""
    environment = {**os.environ, "FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "COLUMNS": "80"}
    environment.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "artclean", *map(str, args)], input=stdin, capture_output=True,
                          env=environment, timeout=60)


def cli(*args, stdin: bytes = b"") -> tuple[int, str, str]:
    """The command line in this process (fast): exit code, stdout, stderr."""
    with CliRunner().isolation(input=stdin) as (out, err, _):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
        return code, out.getvalue().decode(), err.getvalue().decode()


def test_a_pipe_gets_no_escape_codes():
    for args in (["diff", SEED], ["explain", SEED, "--line", "13"]):
        result = run(*args)
        assert result.returncode == 0, result.stderr
        assert b"\x1b" not in result.stdout + result.stderr
        assert b"de.ad-label" in result.stdout
        assert all(cell_len(line) <= 80 for line in result.stdout.decode().splitlines())


def test_a_pipe_from_the_clean_command_and_check():
    result = run(SEED, "--diff", "--check")
    assert result.returncode == 1 and b"\x1b" not in result.stdout + result.stderr
    assert b"13 - de.ad-label" in result.stdout
    assert result.stderr.decode().startswith(f"artclean: {SEED}: would remove 6 lines (")


@pytest.mark.parametrize("args", [["diff", SEED], ["diff", SEED, "-y"], ["diff", SEED, "-u"], [SEED, "--diff"],
                                  ["explain", SEED]])
def test_no_escape_codes_unless_asked(args):
    code, out, err = cli(*args)
    assert code == 0 and "\x1b" not in out + err and "de.ad-label" in out
    code, out, err = cli(*args, "--color", "always")
    assert code == 0 and "\x1b[" in out


def test_check_exit_codes():
    code, out, err = cli(SEED, "--check")
    assert (code, out) == (1, "")
    assert err.startswith(f"artclean: {SEED}: would remove 6 lines (") and "de.ad-label" in err
    clean_text = cli(SEED, "-f", "text")[1].encode()
    assert cli("-", "--check", stdin=clean_text) == (0, "", "artclean: <stdin>: nothing would be removed\n")
    globs = sorted({r.rule.split(".")[0] + ".*" for r in cleaned(SEED).removed})
    code, _, err = cli(SEED, "--check", *[x for g in globs for x in ("--allow", g)])
    assert code == 0 and "(6 allowed by --allow)" in err
    code, _, err = cli(SEED, "--check", "--allow", "de.ad-label")
    assert code == 1 and "would remove 5 lines" in err and "1 more allowed by --allow" in err
    assert cli(SEED, "--check", "-q") == (1, "", "")


def test_check_with_diff_and_the_diff_command():
    code, out, _ = cli(SEED, "--check", "--diff")
    assert code == 1 and "13 - de.ad-label" in out
    assert cli("diff", SEED, "--check")[0] == 1
    assert cli("diff", SEED, "--check", "--allow", "*")[0] == 0


@pytest.mark.parametrize("args, stdin, code", [
    (["missing.txt", "--check"], b"", 2),
    (["-", "--check"], b"\x89PNG\r\n\x1a\n" + bytes(range(256)), 3),
    (["diff", "missing.txt"], b"", 2),
    ([SEED, "--diff", "-o", "out.md"], b"", 2),
    (["diff", SEED, "-u", "-y"], b"", 2),
    (["explain", SEED, "--line", "999"], b"", 2),
])
def test_errors_keep_their_codes(args, stdin, code):
    got, out, err = cli(*args, stdin=stdin)
    assert got == code and out == ""
    assert err.splitlines()[-1].startswith("artclean: error: ")


def test_diff_into_a_closed_pipe_is_quiet():
    proc = subprocess.run(f'"{sys.executable}" -m artclean diff "{SEED}" | head -1', shell=True, capture_output=True,
                          timeout=60)
    assert SEED.name in proc.stdout.decode()
    assert b"Traceback" not in proc.stderr


# ------------------------------------------------------------------ explain


def test_explain_one_line():
    code, out, _ = cli("explain", SEED, "--line", "13")
    assert out.startswith("line 13 - de.ad-label\n")
    assert re.search(r"why +dropped: matched rule de\.ad-label \(rules/de\.yaml:\d+\)", out)
    assert "(measured here: a rule decided before features were used)" in " ".join(out.split())


def test_explain_a_blank_line():
    assert cli("explain", SEED, "--line", "10")[:2] == (0, "line 10: no text on this line\n")


def test_explain_json_covers_every_block():
    data = json.loads(cli("explain", SEED, "-f", "json")[1])
    article = cleaned(SEED)
    assert [e["line"] for e in data["lines"]] == [b.line for b in article.blocks]
    for entry, block in zip(data["lines"], article.blocks):
        assert entry["why"].startswith("dropped: " if block.label == "boilerplate" else "kept as ")
        first = [m["rule"] for m in entry["matches"] if m["status"] == "first match"]
        assert first == ([block.scores["rule_match"]] if "rule_match" in block.scores else [])


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_every_line_has_a_specific_reason(source):
    article = cleaned(source)
    for entry in preview.explain(article, preview.ruleset_for(article)):
        assert not entry["why"].startswith(("dropped by", "kept as unlabelled")), entry
        assert "decided by" not in entry["why"], entry
        if entry["removed"]:
            assert entry["rule"] in entry["why"] or entry["rule"].startswith(("feature:", "html:")), entry


def test_explain_names_the_subheading_reason():
    article = cleaned(SEED)
    entry = preview.explain(article, preview.ruleset_for(article), line=19)[0]
    assert entry["why"] == "kept as subheading: short line without terminal punctuation followed by prose"
    assert entry["features"]["kind"] == "medium" and entry["features"]["terminal"] is False


def test_explain_lists_disabled_rules_that_would_match():
    article = artclean.clean(SEED.read_bytes(), disable=["de.ad-label"])
    rs = preview.ruleset_for(article, disable=["de.ad-label"])
    entry = preview.explain(article, rs, line=13)[0]
    assert {"rule": "de.ad-label", "status": "disabled"}.items() <= next(
        m for m in entry["matches"] if m["rule"] == "de.ad-label").items()


# ------------------------------------------------------------------ the hook for batch


def test_batch_hook():
    article = cleaned(SEED)
    out = io.StringIO()
    preview.render_diff(article, SEED.read_bytes(), preview.make_console("never", file=out, width=100), name="a.txt")
    assert out.getvalue().startswith("a.txt  text") and "13 - de.ad-label" in out.getvalue()
    result = preview.check(article, allow=["de.*"], name="a.txt")
    assert result.code == 1 and result.message.startswith("a.txt: would remove ")


if __name__ == "__main__":
    GOLDEN.mkdir(exist_ok=True)
    for name, text in goldens().items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
        print(f"tests/golden/{name}", file=sys.stderr)
