"""`artclean batch`: mirrored trees, JSON Lines, errors, exit codes, refusals, resume, interruption.

Most runs go through the real entry point (`artclean.cli.main`) in this process, which is fast; the
interruption test runs the command line in its own process group, as a user's Ctrl-C would hit it.
"""

import errno
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import artclean.batch as batch
from artclean import clean
from artclean.cli import main, render
from artclean.errors import OutputError
from conftest import FIXTURES, SEED

MANIFEST = ".artclean-manifest.jsonl"
TEXTS = sorted(FIXTURES.glob("*.txt"))
HTML = sorted(FIXTURES.glob("*.html"))


class Result:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def run(capsys, tmp_path, monkeypatch):
    """`artclean batch ARGS` through the real entry point: exit code, stdout, stderr. It runs in the test's
    temp folder, so no config file of the checkout (nor ARTCLEAN_RULES) applies."""
    monkeypatch.delenv("ARTCLEAN_RULES", raising=False)

    def go(*args, cwd=None):
        old = os.getcwd()
        code = 0
        try:
            os.chdir(cwd or tmp_path)
            main(["batch", *map(str, args)])
        except SystemExit as exc:
            code = exc.code
        finally:
            os.chdir(old)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return go


def tree(root: Path, copies: int = 1) -> Path:
    """A small scraped corpus: text and HTML articles, nested folders."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        sub = root / (f"part{i:02d}" if copies > 1 else "news") / "de"
        sub.mkdir(parents=True, exist_ok=True)
        for src in TEXTS[:6] + HTML:
            (sub / src.name).write_bytes(src.read_bytes())
    (root / SEED.name).write_bytes(SEED.read_bytes())
    return root


def files(root: Path) -> dict[str, bytes]:
    """Every file under root (hidden ones too) by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def outputs(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in files(root).items() if not k.startswith(".") and k != "errors.jsonl"}


def manifest(out: Path) -> list[dict]:
    """The manifest's entries; a line cut short by a kill is not one."""
    entries = []
    for line in (out / MANIFEST).read_text().splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            pass
    return entries


def temps(root: Path) -> list[Path]:
    return [p for p in root.rglob(".artclean-tmp-*")]


def records(n: int, **extra) -> list[dict]:
    seed = SEED.read_text(encoding="utf-8")
    return [{"id": f"doc-{i}", "text": seed.replace("Putin", f"Putin{i}"), "n": i, **extra} for i in range(n)]


def write_jsonl(path: Path, lines: list) -> Path:
    text = "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


# --------------------------------------------------------------------------- trees of documents

@pytest.mark.parametrize("fmt, ext", [("md", ".md"), ("json", ".json"), ("text", ".txt")])
def test_the_tree_is_mirrored_with_the_format_extension(run, tmp_path, fmt, ext):
    src = tree(tmp_path / "in")
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in src.rglob("*") if p.is_file()}
    result = run(src, "-o", tmp_path / "out", "-f", fmt, "-j", "2")
    got = outputs(tmp_path / "out")
    expected = {}
    for p in sorted(src.rglob("*.*")):
        rel = p.relative_to(src).as_posix()
        expected[rel.rsplit(".", 1)[0] + ext] = render(clean(p.read_bytes(), name=rel), fmt).encode("utf-8")
    assert sorted(got) == sorted(expected)
    assert got == expected
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in src.rglob("*") if p.is_file()} == before
    assert result.code in (0, 1) and "cleaned" in result.err
    assert not temps(tmp_path)
    assert len(manifest(tmp_path / "out")) == len(expected)


def test_names_that_would_collide_keep_their_full_name(run, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "a.html", "b.txt", "errors.jsonl.txt"):
        (src / name).write_bytes(SEED.read_bytes())
    (src / "errors.jsonl").write_text(json.dumps({"text": SEED.read_text()}) + "\n")
    assert run(src, "-o", tmp_path / "out", "-q").code == 0
    assert sorted(outputs(tmp_path / "out")) == ["a.html.md", "a.txt.md", "b.md", "errors.artclean.jsonl",
                                                 "errors.jsonl.md"]


def test_glob_narrows_and_hidden_files_are_skipped(run, tmp_path):
    src = tree(tmp_path / "in")
    (src / ".hidden.txt").write_bytes(SEED.read_bytes())
    (src / ".git").mkdir()
    (src / ".git" / "x.txt").write_bytes(SEED.read_bytes())
    (src / "news" / "de" / "seed.txt").write_bytes(SEED.read_bytes())
    result = run(src, "-o", tmp_path / "out", "--glob", "*.html", "--glob", "news/*/seed*")
    got = sorted(outputs(tmp_path / "out"))
    assert got == sorted([f"news/de/{p.stem}.md" for p in HTML] + ["news/de/seed.md"])
    assert result.code in (0, 1)


# --------------------------------------------------------------------------- JSON Lines

def test_jsonl_keeps_input_order_and_passes_fields_through(run, tmp_path):
    recs = records(150, source="crawl-7")  # several chunks, cleaned by two workers
    src = write_jsonl(tmp_path / "pages.jsonl", recs)
    result = run(src, "-o", tmp_path / "clean.jsonl", "-j", "2")
    assert result.code == 0, result.err
    out = read_jsonl(tmp_path / "clean.jsonl")
    assert [r["n"] for r in out] == list(range(150))
    for rec, got in zip(recs, out):
        assert {k: got[k] for k in rec} == rec
        assert list(got["artclean"]) == ["headline", "byline", "date", "captions", "lead", "body", "related",
                                         "removed", "meta"]
        assert got["artclean"]["meta"]["source"] == rec["id"]
    assert got["artclean"]["headline"].startswith("Eishockey und neue Manöver")
    assert "150 records" in result.err


def test_jsonl_gz_in_and_out(run, tmp_path):
    recs = records(70)
    plain = write_jsonl(tmp_path / "a.jsonl", recs)
    packed = write_jsonl(tmp_path / "b.jsonl.gz", recs)
    assert run(plain, "-o", tmp_path / "plain.jsonl", "-q").code == 0
    assert run(packed, "-o", tmp_path / "packed.jsonl.gz", "-q").code == 0
    data = (tmp_path / "packed.jsonl.gz").read_bytes()
    assert data[:2] == b"\x1f\x8b"
    assert gzip.decompress(data) == (tmp_path / "plain.jsonl").read_bytes()


def test_several_jsonl_inputs_go_into_one_file_in_argument_order(run, tmp_path):
    a = write_jsonl(tmp_path / "z-first.jsonl", records(3))
    b = write_jsonl(tmp_path / "a-second.jsonl.gz", [dict(r, n=r["n"] + 3) for r in records(3)])
    assert run(a, b, "-o", tmp_path / "all.jsonl", "-q", "-j", "2").code == 0
    assert [r["n"] for r in read_jsonl(tmp_path / "all.jsonl")] == [0, 1, 2, 3, 4, 5]


def test_bad_records_are_listed_with_line_numbers_and_the_batch_goes_on(run, tmp_path):
    good = records(4)
    lines = [good[0], "{broken", "[1, 2]", {"id": "no-text"}, good[1], "", {"id": 7, "text": 42},
             {"id": "blank", "text": "  \n "}, '{"text": "caf@"}', good[2],
             {"id": "menu", "text": "Home\nNews\nSport\nKultur\nWetter\nImpressum\nKontakt\n"}, good[3]]
    src = tmp_path / "pages.jsonl"
    write_jsonl(src, lines)
    src.write_bytes(src.read_bytes().replace(b"caf@", b"caf\xe9"))  # a line that is not UTF-8
    result = run(src, "-o", tmp_path / "out.jsonl", "-j", "2")
    assert result.code == 1
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == ["doc-0", "doc-1", "doc-2", "menu", "doc-3"]
    errors = read_jsonl(tmp_path / "out.errors.jsonl")
    got = [(e["line"], e["id"], e["status"]) for e in errors]
    assert got == [(2, None, "failed"), (3, None, "failed"), (4, "no-text", "failed"), (7, 7, "failed"),
                   (8, "blank", "failed"), (9, None, "failed"), (11, "menu", "no-article")]
    reasons = [e["reason"] for e in errors]
    assert reasons[0].startswith("invalid JSON") and reasons[1] == "not a JSON object (got array)"
    assert reasons[2] == "no 'text' field" and reasons[3] == "'text' is not a string (got number)"
    assert reasons[4].startswith("empty input") and "not UTF-8" in reasons[5]
    assert {e["source"] for e in errors} == {str(src)}
    assert "failed" in result.err and "invalid JSON" in result.err


def test_text_and_id_fields_and_record_size_limit(run, tmp_path):
    seed = SEED.read_text()
    src = write_jsonl(tmp_path / "p.jsonl", [{"key": "a", "body": seed}, {"key": "b", "body": seed * 20}])
    result = run(src, "-o", tmp_path / "o.jsonl", "--text-field", "body", "--id-field", "key", "--max-bytes", "20000")
    assert result.code == 1
    assert [r["key"] for r in read_jsonl(tmp_path / "o.jsonl")] == ["a"]
    (error,) = read_jsonl(tmp_path / "o.errors.jsonl")
    assert error["id"] == "b" and error["reason"].startswith("input too large")


def test_ids_never_become_paths(run, tmp_path):
    seed = SEED.read_text()
    evil = ["../../escape", "/etc/passwd", "a/../../b", "..", "", "CON", "x\u0000y", "é" * 300]
    (tmp_path / "in").mkdir()
    write_jsonl(tmp_path / "in" / "p.jsonl", [{"id": i, "text": seed} for i in evil])
    before = set(tmp_path.parent.iterdir())
    assert run(tmp_path / "in", "-o", tmp_path / "out", "-q").code == 0
    assert set(tmp_path.parent.iterdir()) == before
    assert sorted(files(tmp_path / "out")) == [MANIFEST, "p.jsonl"]
    assert [r["id"] for r in read_jsonl(tmp_path / "out" / "p.jsonl")] == evil


def test_jsonl_files_in_a_folder_are_mirrored(run, tmp_path):
    src = tree(tmp_path / "in")
    write_jsonl(src / "news" / "batch.jsonl.gz", records(5))
    assert run(src, "-o", tmp_path / "out", "-q").code in (0, 1)
    assert [r["n"] for r in read_jsonl(tmp_path / "out" / "news" / "batch.jsonl.gz")] == list(range(5))


# --------------------------------------------------------------------------- failures and exit codes

def test_exit_0_when_everything_is_clean(run, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    result = run(tmp_path / "in", "-o", tmp_path / "out")
    assert result.code == 0 and not (tmp_path / "out" / "errors.jsonl").exists()


def test_failures_are_listed_and_exit_1(run, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_bytes(SEED.read_bytes())
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (src / "empty.txt").write_bytes(b"")
    (src / "menu.txt").write_text("Home\nNews\nSport\nKultur\nWetter\nImpressum\nKontakt\n")
    result = run(src, "-o", tmp_path / "out")
    assert result.code == 1
    errors = {e["source"]: e for e in read_jsonl(tmp_path / "out" / "errors.jsonl")}
    assert errors[str(src / "image.txt")]["reason"].startswith("binary input (PNG image)")
    assert errors[str(src / "empty.txt")]["reason"] == "empty input"
    assert errors[str(src / "menu.txt")]["status"] == "no-article"
    assert (tmp_path / "out" / "menu.md").exists() and not (tmp_path / "out" / "image.md").exists()
    assert "binary input (PNG image)" in result.err and "failed" in result.err


def test_unreadable_file_is_a_failure_not_a_stop(run, tmp_path, monkeypatch):
    # chmod 000 does not stop root from reading (FIELD-NOTES 10a): make open() refuse instead
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "locked.txt", "z.txt"):
        (src / name).write_bytes(SEED.read_bytes())
    real_open = os.open

    def refusing_open(path, *args, **kwargs):
        if str(path).endswith("locked.txt"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(batch.os, "open", refusing_open)
    result = run(src, "-o", tmp_path / "out", "-j", "1")
    monkeypatch.undo()
    assert result.code == 1
    assert sorted(outputs(tmp_path / "out")) == ["a.md", "z.md"]
    (error,) = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert error["reason"] == "cannot read (Permission denied)"


@pytest.mark.parametrize("args, message", [
    (["missing-dir", "-o", "out"], "missing-dir: no such file or folder"),
    (["in", "-o", "out", "--jobs", "0"], "Invalid value for '-j' / '--jobs'"),
    (["in", "-o", "out", "--format", "xml"], "Invalid value for '-f' / '--format'"),
    (["in"], "Missing option '-o' / '--output'"),
    (["in", "-o", "in"], "the output folder is the input folder"),
    (["in", "-o", "in/sub/out"], "the output folder is inside the input folder in"),
    (["in", "-o", "link"], "the output folder is the input folder"),
    (["in", "-o", "link/out"], "the output folder is inside the input folder in"),
    (["in/sub", "-o", "in"], "the input in/sub is inside the output folder"),
    (["in", "-o", "in/x.jsonl"], "the output file is inside the input folder in"),
    (["in/p.jsonl", "-o", "in/p.jsonl"], "the output is an input file"),
    (["in/a.txt", "-o", "all.jsonl"], "not JSON Lines"),
])
def test_usage_errors_exit_2_and_write_nothing(run, tmp_path, args, message):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    write_jsonl(tmp_path / "in" / "p.jsonl", records(1))
    (tmp_path / "link").symlink_to(tmp_path / "in")
    before = files(tmp_path)
    result = run(*args, cwd=tmp_path)
    assert result.code == 2
    assert message in result.err and result.err.startswith(("artclean: error:", "Usage:"))
    assert "Traceback" not in result.err
    assert files(tmp_path) == before


def test_help_states_the_exit_codes(run):
    result = run("--help")
    assert result.code == 0
    assert "130" in result.out and "--resume" in result.out and "--input-name" not in result.out


def test_symlink_loops_dangling_links_and_fifos_do_not_hang(run, tmp_path):
    src = tmp_path / "in"
    (src / "a" / "b").mkdir(parents=True)
    (src / "a" / "b" / "ok.txt").write_bytes(SEED.read_bytes())
    (src / "a" / "b" / "loop").symlink_to("../..")
    (src / "self").symlink_to("self")
    (src / "dangling.txt").symlink_to(tmp_path / "nowhere")
    (src / "link.txt").symlink_to(src / "a" / "b" / "ok.txt")
    os.mkfifo(src / "pipe.txt")
    result = run(src, "-o", tmp_path / "out", "-j", "2")
    assert result.code == 1
    assert sorted(outputs(tmp_path / "out")) == ["a/b/ok.md", "link.md"]
    assert {e["reason"] for e in read_jsonl(tmp_path / "out" / "errors.jsonl")} == {"broken symlink", "symlink loop"}
    assert "1 folder symlink (not followed), 1 not a regular file" in " ".join(result.err.split())


def test_a_worker_that_dies_costs_only_its_own_file(run, tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "crash.txt", "z.txt"):
        (src / name).write_bytes(SEED.read_bytes())
    real = batch._clean_doc

    def fragile(path, out, name):
        if name == "crash.txt":
            os._exit(9)  # a segfault in a parser, the OOM killer
        return real(path, out, name)

    monkeypatch.setattr(batch, "_clean_doc", fragile)
    result = run(src, "-o", tmp_path / "out", "-j", "2")
    assert result.code == 1
    assert sorted(outputs(tmp_path / "out")) == ["a.md", "z.md"]
    (error,) = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert error["source"].endswith("crash.txt") and "worker process died" in error["reason"]


def test_a_full_disk_stops_the_batch_cleanly(run, tmp_path, monkeypatch):
    src = tree(tmp_path / "in")
    real, written = batch._write, []

    def filling(path, data):
        if len(written) == 3:
            _enospc(path)
        written.append(path)
        return real(path, data)

    monkeypatch.setattr(batch, "_write", filling)
    result = run(src, "-o", tmp_path / "out", "-j", "1")
    assert result.code == 1
    assert "No space left on device" in result.err and "--resume" in result.err
    assert not temps(tmp_path / "out")
    done = [e for e in manifest(tmp_path / "out") if e["status"] != "failed"]
    assert sorted(e["output"] for e in done) == sorted(outputs(tmp_path / "out"))
    assert len(done) == 3


def _enospc(path):
    error = OutputError("cannot write (No space left on device)", path=path)
    error.errno = errno.ENOSPC
    raise error


# --------------------------------------------------------------------------- resume and interruption

def test_an_earlier_batch_is_not_overwritten_without_resume(run, tmp_path):
    src = tree(tmp_path / "in")
    run(src, "-o", tmp_path / "out", "-q")
    result = run(src, "-o", tmp_path / "out")
    assert result.code == 2 and "holds an earlier batch" in result.err and "--resume" in result.err


def test_resume_redoes_only_what_is_missing(run, tmp_path):
    src = tree(tmp_path / "in")
    run(src, "-o", tmp_path / "out", "-q")
    reference = outputs(tmp_path / "out")
    lines = len(manifest(tmp_path / "out"))
    (tmp_path / "out" / "news" / "de" / HTML[0].with_suffix(".md").name).unlink()
    result = run(src, "-o", tmp_path / "out", "--resume")
    assert outputs(tmp_path / "out") == reference
    assert len(manifest(tmp_path / "out")) == lines + 1
    assert f"{lines - 1} finished earlier" in result.err


def test_resume_after_a_kill(run, tmp_path):
    src = tree(tmp_path / "in")
    write_jsonl(src / "news" / "recs.jsonl.gz", records(80))
    run(src, "-o", tmp_path / "ref", "-q")
    reference = outputs(tmp_path / "ref")
    out = tmp_path / "out"
    run(src, "-o", out, "-q")
    # what a SIGKILL leaves: the last manifest lines missing (one cut in half), a half-written output whose
    # line is gone, an output cut short after its line was written, temp files
    lines = (out / MANIFEST).read_bytes().splitlines(keepends=True)
    (out / MANIFEST).write_bytes(b"".join(lines[:4]) + lines[4][:25])
    recorded = {e["output"] for e in manifest_prefix(lines, 4)}
    victim = next(k for k in reference if k.endswith(".md") and k not in recorded)
    (out / victim).write_bytes(reference[victim][:10])
    kept = manifest_prefix(lines, 4)[0]["output"]
    (out / kept).write_bytes(reference[kept][:10])
    (out / "news" / ".artclean-tmp-stray").write_bytes(b"half")
    (out / ".artclean-tmp-x").write_bytes(b"half")
    result = run(src, "-o", out, "--resume", "-j", "2")
    assert result.code in (0, 1)
    assert outputs(out) == reference
    assert not temps(out)
    statuses = {e["output"]: e["status"] for e in manifest(out)}
    assert sorted(statuses) == sorted(reference)


def manifest_prefix(lines, n):
    return [json.loads(line) for line in lines[:n]]


def test_jobs_1_and_2_give_identical_outputs(run, tmp_path):
    src = tree(tmp_path / "in")
    write_jsonl(src / "recs.jsonl.gz", records(130))
    write_jsonl(src / "news" / "recs.jsonl", records(10))
    run(src, "-o", tmp_path / "one", "-j", "1", "-q", "-f", "json")
    run(src, "-o", tmp_path / "two", "-j", "2", "-q", "-f", "json")
    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert {k: v for k, v in one.items() if k != MANIFEST} == {k: v for k, v in two.items() if k != MANIFEST}
    assert len(one) > 10


def test_ctrl_c_stops_cleanly_and_resume_completes(run, tmp_path):
    src = tree(tmp_path / "in", copies=25)
    run(src, "-o", tmp_path / "ref", "-q", "-j", "2")
    reference = outputs(tmp_path / "ref")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "artclean", "batch", str(src), "-o", str(out), "-j", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / MANIFEST).exists() and (out / MANIFEST).read_bytes().count(b"\n") >= 10:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the parent and its workers
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"interrupted" in err and b"Traceback" not in err
    assert not temps(out)
    finished = {e["output"] for e in manifest(out)}
    assert 10 <= len(finished) < len(reference)
    assert all(outputs(out)[k] == reference[k] for k in finished)
    result = run(src, "-o", out, "--resume", "-j", "2")
    assert result.code in (0, 1)
    assert outputs(out) == reference
    assert f"{len(finished)} finished earlier" in result.err
    assert len(manifest(out)) == len(reference)


def test_the_batch_is_a_library_call_too(tmp_path):
    src = tree(tmp_path / "in")
    code = batch.run_batch([src], tmp_path / "out", batch.Options(fmt="text"), jobs=1)
    assert code in (0, 1)
    assert sorted(outputs(tmp_path / "out")) == sorted(
        p.relative_to(src).with_suffix(".txt").as_posix() for p in src.rglob("*.*"))


def test_one_jsonl_output_is_refused_again_and_skipped_by_resume(run, tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", records(3))
    out = tmp_path / "all.jsonl.gz"
    assert run(src, "-o", out, "-q").code == 0
    stamp = out.stat().st_mtime_ns
    again = run(src, "-o", out)
    assert again.code == 2 and "written by an earlier batch" in again.err and "--resume" in again.err
    resumed = run(src, "-o", out, "--resume")
    assert resumed.code == 0 and "1 finished earlier" in resumed.err and out.stat().st_mtime_ns == stamp
    write_jsonl(src, records(4))  # the input changed: redone
    assert run(src, "-o", out, "--resume", "-q").code == 0
    assert len(read_jsonl(out)) == 4
