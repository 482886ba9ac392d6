"""The fault matrix (FIELD-NOTES B2) for one article, and the error contract of the command line.

Every row is either tested here or in the test file named beside it:

  empty / whitespace-only input ....... test_cli (CLI), test_properties (whitespace, any mix), here (library)
  binary: NUL bytes, magic numbers .... here (every magic number), test_decode, test_cli
  gzip / zstd payloads ................ here (end to end, bombs, zstd with and without a module), test_decode
  mostly UTF-8 with a few bad bytes ... here (a line mixing both), test_decode, test_cli
  UTF-16/32 with or without BOM ....... here (the seed article), test_properties (property), test_decode
  CR / CRLF ........................... here (same removed[].line), test_properties (property)
  NUL and control characters .......... here
  200 MB single line .................. here (size limit for bytes, str and the CLI; per-document time budget)
  HTML nested 100,000 levels .......... here (end to end), test_read_html (the reader)
  malformed HTML ...................... here (end to end), test_read_html, test_properties (damaged pages)
  a rule pack that deletes everything . here (meta.warnings)
  catastrophic regex, bad / unsafe YAML, alias bombs ... test_rulepack, test_cli
  symlink loops, FIFOs, output in input, bad JSONL, bad ids ... test_batch (folders), here (FIFO as FILE)
  Ctrl-C, closed pipe, full disk, internal error ... here; test_cli (/dev/full on stdout)
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

import artclean.cli as cli
import artclean.decode as decode_mod
import artclean.errors as errors
import artclean.output as output
import artclean.pipeline as pipeline
from artclean import ArtcleanError, InputError, clean
from artclean.decode import decode
from artclean.errors import TimeBudgetError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SEED = FIXTURES / "euronews-de-putin-lukaschenko.txt"
SLOW = bool(os.environ.get("ARTCLEAN_SLOW_TESTS")) or os.environ.get("HYPOTHESIS_PROFILE") == "nightly"


class Result:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def run(capsys, monkeypatch):
    """`artclean ARGS` through the real entry point, in this process (fast): code, stdout, stderr."""

    def go(*args, stdin: bytes | None = None):
        if stdin is not None:
            import io

            fake = types.SimpleNamespace(buffer=io.BytesIO(stdin), isatty=lambda: False)
            monkeypatch.setattr(sys, "stdin", fake)
        try:
            cli.main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return go


def one_error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


# ---------------------------------------------------------------- exit codes: one place, in the README


def test_exit_codes_are_decided_in_errors_py_and_listed_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    listed = {int(m) for m in re.findall(r"^\| (\d+) \|", table, flags=re.M)}
    constants = {name: value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    assert listed == set(constants.values()) - {errors.EXIT_TERMINATED}  # 143: `artclean batch` only
    for cls in (errors.ArtcleanError, errors.InputError, errors.RulePackError, errors.ConfigError,
                errors.OutputError, errors.TimeBudgetError):
        assert cls.exit_code in listed


def test_the_error_line_is_path_line_what_hint_on_one_line():
    exc = ArtcleanError("bad\nthing  here", path="a.txt", line=3, hint="do\tthis")
    assert exc.one_line() == "a.txt:3: bad thing here; do this"
    assert ArtcleanError("x").one_line() == "x"


# ---------------------------------------------------------------- the command line's own faults


def test_internal_error_is_one_line_with_a_saved_traceback(run, monkeypatch):
    def boom(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli, "clean", boom)
    result = run(SEED)
    line = one_error_line(result.err)
    m = re.fullmatch(r"artclean: internal error \(ZeroDivisionError\('a bug'\)\); traceback saved to (\S+); "
                     r"please report it", line)
    assert m and result.code == errors.EXIT_INTERNAL == 70
    log = Path(m.group(1))
    try:
        assert "Traceback" in log.read_text() and "ZeroDivisionError: a bug" in log.read_text()
    finally:
        log.unlink()


def test_ctrl_c_inside_cleaning_exits_130(run, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "clean", interrupted)
    result = run(SEED)
    assert result.code == errors.EXIT_INTERRUPTED == 130
    assert one_error_line(result.err) == "artclean: interrupted" and result.out == ""


def test_a_real_sigint_exits_130_without_a_traceback():
    code = "import sys; from artclean.cli import main; print('ready', file=sys.stderr, flush=True); main(['-'])"
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        assert proc.stderr.readline() == b"ready\n"
        time.sleep(0.3)  # now blocked reading stdin, which never ends
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert one_error_line(err.decode()) == "artclean: interrupted" and out == b""


def test_a_closed_stdout_exits_141_quietly():
    read_end, write_end = os.pipe()
    os.close(read_end)  # `artclean FILE | head` after head has gone: the first write fails with EPIPE
    try:
        proc = subprocess.run([sys.executable, "-m", "artclean", str(SEED)], stdout=write_end,
                              stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (errors.EXIT_BROKEN_PIPE, b"")


def test_a_full_disk_under_an_output_file_is_one_line_and_leaves_nothing(run, tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_text("the previous version\n")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    result = run(SEED, "-o", target)
    assert result.code == errors.EXIT_DATA
    assert one_error_line(result.err) == f"artclean: error: {target}: cannot write (no space left on device)"
    assert target.read_text() == "the previous version\n"  # the old file stays whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]  # no temp file left


def test_an_unreadable_input_is_a_data_error(run, monkeypatch):
    def denied(self):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)  # chmod 000 does not stop root (FIELD-NOTES 10a)
    result = run(SEED)
    assert result.code == errors.EXIT_DATA
    assert one_error_line(result.err) == f"artclean: error: {SEED}: cannot read (Permission denied)"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_folder_as_the_file_is_refused_without_hanging(run, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = run(fifo)  # opening it would block forever: nobody writes to it
    assert (result.code, one_error_line(result.err)) == (2, f"artclean: error: {fifo}: not a regular file")
    result = run(tmp_path)
    assert result.code == 2 and "use `artclean batch` for folders" in one_error_line(result.err)


# ---------------------------------------------------------------- empty, binary, compressed


@pytest.mark.parametrize("source", [b"", "", b"\xef\xbb\xbf", "\ufeff", b"\xff\xfe", b"\x1f\x8b" + gzip.compress(b"")[2:]])
def test_empty_input_is_the_documented_input_error(source):
    with pytest.raises(InputError, match="^empty input$") as info:
        clean(source, name="e.txt")
    assert info.value.exit_code == 3 and info.value.one_line() == "e.txt: empty input"


@pytest.mark.parametrize("magic, kind", decode_mod._MAGIC, ids=[k for _, k in decode_mod._MAGIC])
def test_every_magic_number_is_refused_by_name(magic, kind):
    with pytest.raises(InputError) as info:
        clean(magic + bytes(range(256)) * 4, name="x.txt")
    assert info.value.one_line() == f"x.txt: binary input ({kind}); artclean reads text or HTML"


@pytest.mark.parametrize("seed", range(40))
def test_random_binary_and_nul_heavy_text_are_refused(seed):
    noise = random.Random(seed).randbytes(4096)  # seeded: one in eight random blocks once slipped through
    with pytest.raises(InputError, match=r"binary input \((NUL|control) bytes\)"):
        clean(noise.replace(b"\x1f\x8b", b"ab").replace(b"\xff\xfe", b"ab").replace(b"\xfe\xff", b"ab")
              .replace(b"\xef\xbb\xbf", b"abc").replace(b"\x00\x00", b"\x00\x01"))
    with pytest.raises(InputError, match=r"binary input \(NUL bytes\)"):
        clean(b"Ein Satz mit NUL-Bytes.\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03" * 20)


@pytest.mark.parametrize("fmt", ["<300i", ">300i", "<300h", ">300h"])
def test_arrays_of_small_integers_are_binary_not_utf16_or_utf32(fmt):
    """They have the NUL pattern of BOM-less UTF-16/32 text, but decode to control characters."""
    import struct

    with pytest.raises(InputError, match=r"binary input \(NUL bytes\)"):
        clean(struct.pack(fmt, *[i % 30 + 1 for i in range(300)]))


def test_a_gzip_payload_gives_the_same_article_as_the_plain_text():
    assert clean(gzip.compress(SEED.read_bytes())).to_dict() == clean(SEED.read_bytes()).to_dict()


def test_a_gzip_bomb_is_refused_without_inflating_it():
    bomb = gzip.compress(b"\n" * 50_000_000, compresslevel=9)  # 50 MB of newlines in about 50 KB
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"input too large once decompressed \(> 1.0 MB\)"):
        clean(bomb, max_bytes=1_000_000)
    assert time.perf_counter() - start < 2


def _have_zstd() -> bool:
    for name in ("compression.zstd", "backports.zstd", "zstandard"):
        try:
            __import__(name)
            return True
        except ImportError:
            pass
    return False


ZSTD_FRAME = bytes.fromhex("28b52ffd2005290000") + b"Hallo"  # a real zstd frame of b"Hallo"


@pytest.mark.skipif(_have_zstd(), reason="a zstd module is installed")
def test_zstd_without_a_module_is_refused_with_a_hint():
    with pytest.raises(InputError) as info:
        clean(ZSTD_FRAME, name="a.txt.zst")
    assert info.value.one_line() == ("a.txt.zst: zstd-compressed input, and no zstd module to read it; "
                                     "pip install backports.zstd (or zstandard), or decompress it first")


def test_zstd_is_decompressed_with_the_stdlib_interface_and_bounded(monkeypatch):
    """compression.zstd (Python 3.14) and backports.zstd share one interface; a stand-in checks the wiring."""
    text = SEED.read_bytes()

    class ZstdError(Exception):
        pass

    class ZstdDecompressor:
        def decompress(self, data, max_length=-1):
            if data[4:] != b"payload":
                raise ZstdError("bad frame")
            return text if max_length < 0 else text[:max_length]

    fake = types.ModuleType("compression.zstd")
    fake.ZstdDecompressor, fake.ZstdError = ZstdDecompressor, ZstdError
    package = types.ModuleType("compression")
    package.zstd = fake
    monkeypatch.setitem(sys.modules, "compression", package)
    monkeypatch.setitem(sys.modules, "compression.zstd", fake)
    frame = decode_mod._ZSTD_MAGIC + b"payload"
    assert clean(frame).to_dict() == clean(text).to_dict()
    with pytest.raises(InputError, match="input too large once decompressed"):
        clean(frame, max_bytes=100)
    with pytest.raises(InputError, match=r"broken zstd data \(bad frame\)"):
        clean(decode_mod._ZSTD_MAGIC + b"garbage")


# ---------------------------------------------------------------- encodings, line endings, invisible characters


def test_a_line_mixing_utf8_and_cp1252_keeps_both():
    good = "Für die Straße gilt: "
    data = good.encode("utf-8") + "Größe zählt, sagt Jürgen.".encode("cp1252") + "\nZweite Zeile: äöü.\n".encode()
    out = decode(data)
    assert out.text == "Für die Straße gilt: Größe zählt, sagt Jürgen.\nZweite Zeile: äöü.\n"  # nothing garbled
    assert out.decode_errors == 1 and out.warnings == ["1 line(s) not valid UTF-8, decoded as cp1252"]


def test_three_bad_bytes_in_an_article_garble_nothing_else():
    data = SEED.read_bytes()
    for word in ("Manöver", "Gespräche", "Präsidenten"):
        data = data.replace(word.encode(), word.encode("cp1252"), 1)
    art = clean(data)
    assert art.to_dict()["body"] == clean(SEED.read_bytes()).to_dict()["body"]
    assert art.headline.startswith("Eishockey und neue Manöver")
    assert "3 line(s) not valid UTF-8, decoded as cp1252" in art.meta["warnings"]


NAMED = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le", "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be",
         "utf-32": "utf-32-le", "utf-32-le": "utf-32-le", "utf-32-be": "utf-32-be"}  # utf-16/32: the BOM's order


@pytest.mark.parametrize("encoding", sorted(NAMED))
def test_the_seed_article_in_any_unicode_encoding(encoding):
    reference = clean(SEED.read_bytes()).to_dict()
    other = clean(SEED.read_text(encoding="utf-8").encode(encoding)).to_dict()
    assert other["meta"].pop("encoding") == NAMED[encoding]
    reference["meta"].pop("encoding")
    assert other == reference


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_crlf_and_cr_give_the_same_article_and_line_numbers(newline):
    reference = clean(SEED.read_bytes()).to_dict()
    assert clean(SEED.read_bytes().replace(b"\n", newline)).to_dict() == reference
    assert any(r["line"] > 10 for r in reference["removed"])


def test_nul_and_control_characters_are_removed_and_the_json_parses(run, tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("Zusammenarbeit", "Zusam\x00men\x07arbeit\x1b[0m", 1)
    source = tmp_path / "ctl.txt"
    source.write_bytes(text.encode())
    result = run(source, "-f", "json")
    data = json.loads(result.out)
    assert result.code == 0 and data["lead"].startswith("Beim Treffen ging es um Zusammenarbeit[0m")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", result.out)


def test_a_bom_beats_a_contradicting_meta_charset():
    page = "<html><head><meta charset='iso-8859-1'></head><body><h1>Größe zählt</h1>" \
        + "<p>Die Straße wird für den Verkehr gesperrt, sagt die Stadt, und die Größe der Baustelle wächst.</p>" * 3
    art = clean(b"\xef\xbb\xbf" + page.encode("utf-8"))
    assert art.headline == "Größe zählt" and "Straße" in art.lead


# ---------------------------------------------------------------- huge input: a size limit and a time budget


def test_a_200_mb_single_line_is_refused_before_it_is_read_into_the_pipeline(run, tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:  # sparse: 200 MB without writing them
        handle.truncate(200_000_000)
    start = time.perf_counter()
    result = run(big)
    assert result.code == errors.EXIT_DATA
    assert one_error_line(result.err) == (f"artclean: error: {big}: input too large (200.0 MB > 20.0 MB); "
                                          "raise the limit with --max-bytes")
    assert time.perf_counter() - start < 10


def test_the_size_limit_holds_for_str_input_too():
    with pytest.raises(InputError, match=r"input too large \(0.0 MB > 0.0 MB\)"):
        clean("x" * 1001, max_bytes=1000)
    assert clean("Ein Satz, der lang genug ist, um als Artikel zu gelten. " * 10, max_bytes=1000) is not None


class FakeClock:
    """The deadline's clock in pipeline.py: one second passes at every look."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 1.0
        return self.now


def test_the_time_budget_is_checked_in_the_rule_loop(monkeypatch):
    monkeypatch.setattr(pipeline, "_clock", FakeClock())
    text = SEED.read_text(encoding="utf-8")
    with pytest.raises(TimeBudgetError) as info:
        clean(text, name="slow.txt", time_budget=8)
    assert isinstance(info.value, InputError) and info.value.exit_code == 3
    assert info.value.one_line() == ("slow.txt: gave up after 8 s (the time budget per document) while matching "
                                     "rules; raise the budget with time_budget=, or split the input")
    assert clean(text, time_budget=None).found  # no budget, no checks


@pytest.mark.parametrize("budget, stage", [(0.5, "decoding"), (1.5, "reading the text")])
def test_the_time_budget_is_checked_between_stages(monkeypatch, budget, stage):
    monkeypatch.setattr(pipeline, "_clock", FakeClock())
    with pytest.raises(TimeBudgetError, match=f"while {stage}$"):
        clean(SEED.read_bytes(), time_budget=budget)


def test_a_long_document_stops_soon_after_its_budget_runs_out():
    line = "Ein Satz aus einem endlosen Dokument, der nicht aufhört und weitergeht. "
    text = (line * 40 + "\n") * 700  # about 2 MB, thousands of blocks
    start = time.perf_counter()
    with pytest.raises(TimeBudgetError):
        clean(text, lang="de", time_budget=0.05)
    assert time.perf_counter() - start < 5  # without the budget: several seconds on this machine


def test_the_cli_reports_a_spent_budget_as_a_data_error(run, monkeypatch):
    monkeypatch.setitem(pipeline.clean.__kwdefaults__, "time_budget", 1e-9)
    result = run(SEED)
    assert result.code == 3
    assert one_error_line(result.err).startswith(f"artclean: error: {SEED}: gave up after 1e-09 s (the time budget")


# ---------------------------------------------------------------- HTML


def _nested(depth: int) -> str:
    paragraph = ("<p>Die Seilbahn auf den Gipfel fährt wieder: Nach zwei Jahren Bauzeit hat die Gemeinde die neue "
                 "Anlage am Samstag eröffnet, und Hunderte Gäste kamen zur Feier ins Tal.</p>")
    return ("<html><head><title>Seilbahn</title></head><body>" + "<div>" * depth +
            "<h1>Die neue Seilbahn ist eröffnet</h1>" + paragraph * 3 + "</div>" * depth + "</body></html>")


@pytest.mark.parametrize("depth", [300, 3000] + ([100_000] if SLOW else []))
def test_deeply_nested_html_still_gives_the_article(depth):
    art = clean(_nested(depth))  # lxml's parser gives up past 255/2048 levels; bs4 takes over
    assert art.headline == "Die neue Seilbahn ist eröffnet"
    assert art.lead.startswith("Die Seilbahn auf den Gipfel fährt wieder") and len(art.body) == 2


def test_malformed_html_is_cleaned_with_warnings_not_errors():
    body = "<p>Die Stadt hat am Montag den neuen Haushalt beschlossen, der mehr Geld für Schulen vorsieht.</p>" * 3
    art = clean("<html><body><h1>Haushalt beschlossen</h1>" + body + "<!-- ein nie geschlossener Kommentar"
                + "<p>verschluckt</p>" * 200)
    assert art.found and any(w.startswith("unclosed comment") for w in art.meta["warnings"])
    art = clean("<html><body><script>var s = '</script>';</script>" + body + "<p>Ende <b>ohne</i> Schluss")
    assert art.found and all("';" not in b.text for b in art.body)


# ---------------------------------------------------------------- a rule pack that deletes everything


CATCH_ALL = """\
pack: x
applies_to: {all: true}
rules:
  - id: x.catchall
    action: drop
    match: {regex: '\\w'}
    examples:
      drop: ["anything at all"]
"""


def test_a_pack_that_deletes_everything_is_warned_about(run, tmp_path):
    pack = tmp_path / "catchall.yaml"
    pack.write_text(CATCH_ALL)
    art = clean(SEED.read_bytes(), rules=[pack])
    wiped = [w for w in art.meta["warnings"] if w.startswith("rules removed")]
    assert len(wiped) == 1 and re.fullmatch(r"rules removed (9\d|100)% of the text: x\.catchall(, [\w.-]+)*",
                                            wiped[0])
    assert not art.found
    result = run(SEED, "--rules", pack)
    assert result.code == 1 and f"artclean: warning: {SEED}: {wiped[0]}\n" in result.err


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.txt")) + sorted(FIXTURES.glob("*.html")),
                         ids=lambda p: p.name)
def test_no_fixture_is_warned_about_as_wiped(path):
    art = clean(path.read_bytes(), name=path.name)
    assert not [w for w in art.meta.get("warnings", []) if w.startswith("rules removed")]


def test_a_page_of_nothing_but_boilerplate_is_warned_about_too():
    lines = ["Diesen Artikel teilen", "WERBUNG", "Zum selben Thema", "Mehr zum Thema", "Diesen Artikel teilen"] * 12
    art = clean("\n".join(lines), lang="de")
    assert any(w.startswith("rules removed 100% of the text: ") for w in art.meta["warnings"])
    short = clean("WERBUNG\nDiesen Artikel teilen", lang="de")  # too little text to say anything
    assert not [w for w in short.meta.get("warnings", []) if w.startswith("rules removed")]
