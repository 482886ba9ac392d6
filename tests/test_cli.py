import json
import os
import sys

import pytest

from conftest import SEED


def test_file_stdin_and_pipe_give_the_same_markdown(artclean):
    by_path = artclean(SEED)
    by_dash = artclean("-", stdin=SEED.read_bytes())
    by_pipe = artclean(stdin=SEED.read_bytes())
    assert by_path.code == by_dash.code == by_pipe.code == 0
    assert by_path.out == by_dash.out == by_pipe.out
    assert by_path.out.startswith("# Eishockey und neue Manöver")
    assert by_path.err == ""


def test_json_has_exactly_the_contract_keys(artclean):
    result = artclean(SEED, "--format", "json")
    data = json.loads(result.out)
    assert list(data) == ["headline", "byline", "date", "captions", "lead", "body", "related", "removed", "meta"]
    assert data["meta"]["source"] == str(SEED) and data["meta"]["input"] == "text"


def test_text_format_is_headline_lead_and_body(artclean):
    out = artclean(SEED, "-f", "text").out
    paragraphs = out.rstrip("\n").split("\n\n")
    assert paragraphs[0] == "Eishockey und neue Manöver: Putin und Lukaschenko suchen Schulterschluss"
    assert paragraphs[1].startswith("Beim Treffen ging es um Zusammenarbeit")
    assert paragraphs[-1] == "Es solle als Vorbereitung des Treffens der beiden Präsidenten in Genf dienen, welches für den 10. Januar geplant ist."


def test_output_file_is_written_and_stdout_stays_empty(artclean, tmp_path):
    target = tmp_path / "out.md"
    result = artclean(SEED, "-o", target)
    assert result.code == 0 and result.out == ""
    assert target.read_text(encoding="utf-8") == artclean(SEED).out
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]  # no temp file left


def test_output_equal_to_input_is_refused(artclean, tmp_path):
    source = tmp_path / "a.txt"
    source.write_bytes(SEED.read_bytes())
    result = artclean(source, "-o", source)
    assert result.code == 2
    assert result.err == f"artclean: error: {source}: output is the input file; artclean never overwrites its input\n"
    assert source.read_bytes() == SEED.read_bytes()


def test_disable_switches_a_rule_off(artclean):
    data = json.loads(artclean(SEED, "-f", "json").out)
    rule = next(r["rule"] for r in data["removed"] if r["text"] == "WERBUNG")
    again = json.loads(artclean(SEED, "-f", "json", "--disable", rule).out)
    assert "WERBUNG" not in [r["text"] for r in again["removed"]]


@pytest.mark.parametrize("stdin, message", [
    (b"", "artclean: error: <stdin>: empty input\n"),
    (b" \n\t\n\xc2\xa0\n", "artclean: error: <stdin>: empty input (nothing but whitespace)\n"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
     "artclean: error: <stdin>: binary input (PNG image); artclean reads text or HTML\n"),
])
def test_bad_input_is_one_line_and_exit_3(artclean, stdin, message, tmp_path):
    target = tmp_path / "out.md"
    result = artclean("-", "-o", target, stdin=stdin)
    assert (result.code, result.err, result.out) == (3, message, "")
    assert not target.exists()


def test_missing_file(artclean):
    result = artclean("does-not-exist.txt")
    assert (result.code, result.err) == (2, "artclean: error: does-not-exist.txt: no such file\n")


def test_invalid_utf8_is_cleaned_with_a_warning(artclean):
    data = SEED.read_bytes().replace("Vertrauliche Gespräche".encode(), "Vertrauliche Gespr\xe4che".encode("cp1252"))
    result = artclean("-", stdin=data)
    assert result.code == 0
    assert "Vertrauliche Gespräche" in result.out
    assert result.err == "artclean: warning: <stdin>: 1 line(s) not valid UTF-8, decoded as cp1252\n"


@pytest.mark.parametrize("pack, message", [
    ("pack: x\nrules: [\n", "bad.yaml:3: YAML syntax error"),
    ("pack: x\nrules:\n  - id: x.a\n    actoin: drop\n", "bad.yaml:3: rule x.a: unknown rule key 'actoin'"),
    ("pack: x\nrules:\n  - id: x.a\n    action: drop\n    match: {regex: '(unclosed'}\n"
     "    examples: {drop: [a]}\n", "bad.yaml:5: rule x.a: bad regex"),
    ("pack: x\nrules:\n  - id: x.a\n    action: drop\n    match: {regex: '(a|aa)+$'}\n"
     "    examples: {drop: [a]}\n", "bad.yaml:5: rule x.a: regex can backtrack catastrophically"),
])
def test_broken_rule_file_is_one_line_and_exit_2(artclean, tmp_path, pack, message):
    (tmp_path / "bad.yaml").write_text(pack)
    target = tmp_path / "out.md"
    result = artclean(SEED, "--rules", tmp_path / "bad.yaml", "-o", target)
    assert result.code == 2 and result.err.count("\n") == 1 and "Traceback" not in result.err
    assert result.err.startswith(f"artclean: error: {tmp_path}/{message}")
    assert not target.exists()


def test_no_article_exits_1_with_a_warning(artclean):
    menu = "\n".join(["Home", "News", "Sport", "Kultur", "Wetter", "Impressum", "Kontakt"]) + "\n"
    result = artclean("-", stdin=menu.encode())
    assert result.code == 1
    assert "no article found" in result.err


def test_closed_pipe_is_quiet(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(("Ein langer Satz mit vielen Wörtern, der immer weiter geht und nicht endet. " * 20 + "\n\n") * 3000)
    status = os.system(f"cd {tmp_path} && {sys.executable} -m artclean big.txt 2>err.txt | head -c 10 > /dev/null")
    assert status == 0
    assert "Traceback" not in (tmp_path / "err.txt").read_text()


def test_full_disk_on_stdout_is_one_line(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    status = os.system(f"{sys.executable} -m artclean {SEED} > /dev/full 2> {tmp_path}/err.txt")
    err = (tmp_path / "err.txt").read_text()
    assert os.waitstatus_to_exitcode(status) == 3
    assert err == "artclean: error: <stdout>: cannot write (no space left on device)\n"


def test_help_and_version(artclean):
    assert "Examples:" in artclean("--help").out
    assert artclean("--version").out.startswith("artclean, version ")
