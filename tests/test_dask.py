"""artclean.dask: the Dask engine of `artclean batch` and the record/bag API.

One local cluster of 2 single-threaded worker processes serves the session (as CI has 2 cores); the
last test starts a real `dask scheduler` and two `dask worker` processes on 127.0.0.1. Every Dask
output is compared with what the local batch (`--jobs 1`) writes for the same input.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from artclean.batch import Options, run_batch
from artclean.dask import clean_record, is_error
from artclean.errors import ConfigError
from conftest import FIXTURES, ROOT

MANIFEST = ".artclean-manifest.jsonl"
# four languages: every new worker process compiles each language's patterns once (about 0.1 s each)
TEXTS = [(FIXTURES / f"{name}.txt").read_text(encoding="utf-8") for name in
         ("coastalherald-en-wildfire", "euronews-de-putin-lukaschenko", "journaldulac-fr-festival",
          "elnoticiero-es-vivienda")]
SHARDS, PER_SHARD = 4, 250


def _has_engine_option() -> bool:
    from artclean.batch import batch_command

    return any(p.name == "engine" for p in batch_command.params)


needs_cli = pytest.mark.skipif(not _has_engine_option(), reason="`artclean batch --engine` is not an option yet")


# --------------------------------------------------------------------------- data

def make_records(shard: int, n: int, rng: random.Random) -> list[dict]:
    """Short articles cut from the fixtures (so that 1,000 take about a second), other fields to pass
    through, and now and then a record without an id (its name is SHARD:LINE, as in the local batch)."""
    records = []
    for k in range(n):
        lines = rng.choice(TEXTS).splitlines()
        text = "\n".join(lines[: rng.randint(5, 14)])
        record = {"id": f"s{shard}-{k:04d}", "url": f"https://example.org/{shard}/{k}", "text": text,
                  "meta": {"k": k, "tags": ["news", "ü"], "score": k / 7}}
        if k % 37 == 5:
            del record["id"]
        records.append(record)
    return records


def write_shard(path: Path, lines: list) -> Path:
    data = b"".join(x if isinstance(x, bytes) else json.dumps(x, ensure_ascii=False).encode() + b"\n"
                    for x in lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, mtime=0) if path.name.endswith(".gz") else data)
    return path


BAD = [
    b"{not json\n",
    b'{"id": "latin1", "text": "caf\xe9 au lait"}\n',  # one invalid UTF-8 byte
    b'{"id": "no-text", "body": "x"}\n',
    b'{"id": "null-text", "text": null}\n',
    b'{"id": "number-text", "text": 42}\n',
    b'["an", "array"]\n',
    b'{"id": "empty", "text": "   "}\n',  # refused by clean(): empty input
    b"\n",  # blank lines are skipped, not errors
    json.dumps({"id": "menu-only", "text": "Home\nNews\nSport\nWeather"}).encode() + b"\n",  # no article
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    """4 gzip shards of 250 records (plus a few bad lines in one), and the local batch's output."""
    root = tmp_path_factory.mktemp("corpus")
    rng = random.Random(20261124)
    shards = []
    for s in range(SHARDS):
        lines: list = make_records(s, PER_SHARD, rng)
        if s == 1:
            for i, bad in enumerate(BAD):
                lines.insert(10 + 17 * i, bad)
        shards.append(write_shard(root / "in" / f"part-{s:02d}.jsonl.gz", lines))
    local = root / "local"
    assert run_batch(shards, local, Options(), jobs=1) == 1  # the bad lines: exit 1
    return {"root": root, "shards": shards, "local": local}


@pytest.fixture(scope="session")
def cluster():
    """A local cluster as CI runs it: 2 worker processes of 1 thread; rule packs warmed in both."""
    pytest.importorskip("dask.bag")
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as cluster:
        with distributed.Client(cluster, set_as_default=False) as client:
            for text in TEXTS:  # every language's patterns compiled once per worker, before the timings
                client.run(clean_record, {"text": text})
            yield cluster


@pytest.fixture
def client(cluster):
    from distributed import Client

    with Client(cluster.scheduler_address, set_as_default=False) as c:
        yield c


def run_dask(*args, **kwargs) -> int:
    from artclean.dask import run_dask

    return run_dask(*args, **kwargs)


def read_lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.name.endswith(".gz") else data).splitlines()


def manifest(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / MANIFEST).read_text().splitlines()]


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name.endswith(".jsonl.gz")}


def assert_same_as_local(out: Path, local: Path) -> None:
    """Byte-identical shards; the same error lines (shards finish in any order) and manifest entries."""
    assert outputs(out) == outputs(local)
    assert sorted(read_lines(out / "errors.jsonl")) == sorted(read_lines(local / "errors.jsonl"))
    by_output = lambda entries: {e["output"]: e for e in entries}  # noqa: E731
    assert by_output(manifest(out)) == by_output(manifest(local))
    assert not [p.name for p in out.rglob(".artclean-tmp-*")]


# --------------------------------------------------------------------------- the batch engine

def test_dask_output_equals_the_local_batch(corpus, cluster, tmp_path):
    out = tmp_path / "out"
    code = run_dask(corpus["shards"], out, scheduler=cluster.scheduler_address)
    assert code == 1  # the bad records, as in the local batch
    assert_same_as_local(out, corpus["local"])
    for shard in corpus["shards"]:  # every record in input order, other fields passed through
        records = [json.loads(line) for line in read_lines(out / shard.name)]
        inputs = [json.loads(line) for line in read_lines(shard) if line.strip().startswith(b'{"id": "s')]
        assert [r["id"] for r in records if "id" in r and r["id"].startswith("s")] == [r["id"] for r in inputs]
        assert all(set(r) - {"artclean"} <= {"id", "url", "text", "meta"} for r in records)
    no_id = [json.loads(x) for x in read_lines(out / "part-00.jsonl.gz") if not x.startswith(b'{"id"')]
    assert no_id[0]["artclean"]["meta"]["source"] == "part-00.jsonl.gz:6"


def test_bad_records_become_error_records_and_never_fail_a_shard(corpus, cluster, tmp_path):
    truncated = tmp_path / "in" / "cut.jsonl.gz"
    whole = gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in make_records(9, 40, random.Random(1))))
    truncated.parent.mkdir()
    truncated.write_bytes(whole[: len(whole) // 2])  # broken gzip data halfway
    bad = corpus["shards"][1]
    local, out = tmp_path / "local", tmp_path / "dask"
    assert run_batch([bad, truncated], local, Options(), jobs=1) == 1
    assert run_dask([bad, truncated], out, scheduler=cluster.scheduler_address) == 1
    assert_same_as_local(out, local)
    errors = [json.loads(line) for line in read_lines(out / "errors.jsonl")]
    reasons = {e["id"] or e["line"]: e["reason"] for e in errors if e["source"].endswith(bad.name)}
    assert any(why.startswith("invalid JSON (not UTF-8") for why in reasons.values())
    assert reasons["no-text"] == "no 'text' field"
    assert reasons["null-text"] == "'text' is null"
    assert reasons["number-text"] == "'text' is not a string (got number)"
    assert reasons["empty"].startswith("empty input")
    assert reasons["menu-only"] == "no article found"
    assert {e["reason"].split(" (")[0] for e in errors if e["id"] is None and e["line"]} >= {"invalid JSON",
                                                                                            "not a JSON object"}
    (cut,) = [e for e in errors if e["source"].endswith("cut.jsonl.gz") and e["line"] is None]
    assert cut["reason"].startswith("unreadable after line")
    assert sorted((Path(e["output"]).name, e["status"]) for e in manifest(out)) == [("cut.jsonl.gz", "partial"),
                                                                                 (bad.name, "partial")]


def test_resume_after_one_output_is_removed_redoes_only_that_shard(corpus, cluster, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(corpus["local"], out)  # a finished local batch: --resume works across engines
    assert run_dask(corpus["shards"], out, scheduler=cluster.scheduler_address, resume=True) == 1
    assert len(manifest(out)) == SHARDS  # nothing redone
    (out / "part-02.jsonl.gz").unlink()
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.glob("*.jsonl.gz")}
    assert run_dask(corpus["shards"], out, scheduler=cluster.scheduler_address, resume=True) == 1
    after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.glob("*.jsonl.gz")}
    assert {k: v for k, v in after.items() if k != "part-02.jsonl.gz"} == before
    entries = manifest(out)
    assert len(entries) == SHARDS + 1 and entries[-1]["output"] == "part-02.jsonl.gz"
    assert_same_as_local(out, corpus["local"])
    assert len(read_lines(out / "errors.jsonl")) == len(read_lines(corpus["local"] / "errors.jsonl"))


def test_a_killed_job_resumes_with_nothing_lost_or_duplicated(corpus, cluster, client, tmp_path):
    """SIGKILL the client once the first shard is recorded; --resume finishes the rest."""
    out = tmp_path / "out"
    script = ("import sys; from artclean.dask import run_dask; "
              "sys.exit(run_dask(sys.argv[3:], sys.argv[2], scheduler=sys.argv[1]))")
    proc = subprocess.Popen([sys.executable, "-c", script, cluster.scheduler_address, str(out),
                             *map(str, corpus["shards"])], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not ((out / MANIFEST).exists() and (out / MANIFEST).read_bytes()) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    finished = {e["output"] for e in manifest(out)}
    assert 1 <= len(finished) < SHARDS
    deadline = time.monotonic() + 20  # the killed client's running shards finish (unrecorded) or vanish
    while any(client.processing().values()):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert run_dask(corpus["shards"], out, scheduler=cluster.scheduler_address, resume=True) == 1
    entries = manifest(out)
    assert len(entries) == SHARDS  # each shard recorded once: the finished ones were skipped
    assert_same_as_local(out, corpus["local"])


def _workers() -> set[int]:
    import psutil

    found = set()
    for p in psutil.Process().children(recursive=True):
        try:
            if "spawn_main" in " ".join(p.cmdline()):
                found.add(p.pid)
        except psutil.Error:
            pass
    return found


def test_without_a_scheduler_a_local_cluster_is_started_and_shut_down(tmp_path):
    pytest.importorskip("distributed")
    shard = write_shard(tmp_path / "one.jsonl", make_records(0, 6, random.Random(3)))
    children = _workers()
    code = run_dask([str(tmp_path / "*.jsonl")], tmp_path / "out", workers=1)  # a quoted glob works too
    assert code == run_batch([shard], tmp_path / "local", Options(), jobs=1)
    assert_same_as_local(tmp_path / "out", tmp_path / "local")
    assert _workers() <= children  # no worker process left running


def test_usage_errors_exit_2_before_anything_runs(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("artclean.dask.CONNECT_TIMEOUT", "1s")
    shard = write_shard(tmp_path / "a.jsonl", make_records(0, 1, random.Random(4)))
    (tmp_path / "doc.txt").write_text(TEXTS[0])
    cases = [([shard], tmp_path / "one.jsonl", "-o must be a folder"),
             ([tmp_path / "doc.txt"], tmp_path / "o1", "not JSON Lines"),
             ([str(tmp_path / "nothing-*.jsonl")], tmp_path / "o2", "no file matches"),
             ([shard], tmp_path / "o3", "cannot connect to the Dask scheduler")]
    for inputs, out, message in cases:
        with pytest.raises(ConfigError, match=message):
            run_dask(inputs, out, scheduler="tcp://127.0.0.1:9" if "o3" in str(out) else None)
        assert not out.exists()
    from artclean.dask import _worker_check, make_options  # what each worker answers before anything runs

    answer = _worker_check([str(tmp_path), str(tmp_path / "elsewhere")], make_options(rules=[tmp_path / "x.yaml"]))
    assert [p.split(" is ")[0] for p in answer["problems"]] == [str(tmp_path / "elsewhere"),
                                                                f"the rule pack {tmp_path / 'x.yaml'}"]


def test_progress_and_summary_on_a_terminal(cluster, tmp_path, monkeypatch):
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich takes stderr for a terminal: the progress bar runs
    shard = write_shard(tmp_path / "in" / "a.jsonl.gz", make_records(0, 40, random.Random(6)))
    code = run_dask([shard], tmp_path / "out", scheduler=cluster.scheduler_address, quiet=False)
    assert code == run_batch([shard], tmp_path / "local", Options(), jobs=1)
    assert_same_as_local(tmp_path / "out", tmp_path / "local")


PACK = """pack: mine
description: a user pack
applies_to: {{all: true}}
rules:
  - id: mine.drop
    action: drop
    match: {{startswith: ["{0}"]}}
    examples: {{drop: ["{0} und mehr"], keep: ["Eine andere Zeile"]}}
"""


def test_a_rule_pack_edited_between_jobs_is_read_again(cluster, tmp_path):
    """The workers outlive a job: the next job must use the pack as it is now, as --jobs 1 does."""
    pack = tmp_path / "mine.yaml"
    shard = write_shard(tmp_path / "in" / "a.jsonl", [{"id": "de", "text": TEXTS[1]}, BAD[-1]])
    options = Options(rules=(str(pack),))
    for n, start in enumerate(["Vertrauliche Gespräche", "Nichts davon"]):
        pack.write_text(PACK.format(start), encoding="utf-8")
        run_dask([shard], tmp_path / f"dask{n}", options, scheduler=cluster.scheduler_address)
        run_batch([shard], tmp_path / f"local{n}", options, jobs=1)
        assert_same_as_local(tmp_path / f"dask{n}", tmp_path / f"local{n}")
        assert (b'"rule":"mine.drop"' in (tmp_path / f"dask{n}" / "a.jsonl").read_bytes()) == (n == 0)


# --------------------------------------------------------------------------- records and bags

def test_clean_record_is_picklable_and_equals_the_local_output(corpus):
    local = corpus["local"] / "part-01.jsonl.gz"
    expected = {r.get("id"): r for r in map(json.loads, read_lines(local))}
    lines = [x for x in read_lines(corpus["shards"][1])]
    fn = pickle.loads(pickle.dumps(partial(clean_record, text_field="text")))
    for line_no, line in enumerate(lines[:40], 1):
        if not line.strip():
            continue
        as_bytes = fn(line, source="part-01.jsonl.gz", line=line_no)
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if isinstance(record, dict) and "id" in record and not is_error(as_bytes):
            assert as_bytes == expected[record["id"]]
            assert fn(record, source="part-01.jsonl.gz", line=line_no) == as_bytes  # a dict gives the same
    bad = clean_record(b"{oops", line=7)
    assert is_error(bad) and bad["artclean_error"]["line"] == 7
    assert bad["artclean_error"]["reason"].startswith("invalid JSON")
    assert is_error(clean_record({"id": 1, "text": 3})) and is_error(clean_record([1, 2]))
    assert clean_record({"id": "x", "text": "Home"})["artclean"]["body"] == []  # no article: still a record


def test_clean_bag_gives_the_local_records_in_order(corpus, client):
    import dask.bag as db

    from artclean.dask import clean_bag

    shards = corpus["shards"][:2]  # one with the bad lines
    lines = db.read_text([str(p) for p in shards], errors="surrogateescape", include_path=True)
    assert lines.npartitions == 2  # gzip: one partition per file
    results = clean_bag(lines).compute(scheduler=client)
    records = [r for r in results if not is_error(r)]
    expected = [json.loads(x) for s in shards for x in read_lines(corpus["local"] / s.name)]
    assert records == expected
    local_errors = [json.loads(x) for x in read_lines(corpus["local"] / "errors.jsonl")]
    failed = sorted((e["line"], e["reason"]) for e in local_errors if e["status"] == "failed")
    assert failed
    assert sorted((r["artclean_error"]["line"], r["artclean_error"]["reason"]) for r in results if is_error(r)) == failed


# --------------------------------------------------------------------------- the command line

@pytest.fixture
def blocked_dask(tmp_path) -> dict:
    """An environment in which `import dask` and `import distributed` fail, as without the extra."""
    stubs = tmp_path / "stubs"
    for name in ("dask", "distributed"):
        (stubs / name).mkdir(parents=True)
        (stubs / name / "__init__.py").write_text(
            "raise ModuleNotFoundError(f'No module named {__name__!r}', name=__name__)\n")
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(stubs), *sys.path]))


def test_without_the_extra_the_library_says_how_to_install_it(blocked_dask, tmp_path):
    script = ("import artclean.dask as d\n"
              "assert 'artclean' in d.clean_record({'id': 1, 'text': 'Hello.'})\n"  # needs no Dask
              "try:\n    d.run_dask(['a.jsonl'], 'out')\n"
              "except d.ConfigError as e:\n    print(e.one_line(), e.exit_code)\n")
    done = subprocess.run([sys.executable, "-c", script], env=blocked_dask, cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "pip install 'artclean[dask]'" in done.stdout and done.stdout.rstrip().endswith(" 2")


@needs_cli
def test_cli_without_the_extra_fails_at_once_with_one_line(artclean, blocked_dask, tmp_path):
    shard = write_shard(tmp_path / "a.jsonl", make_records(0, 2, random.Random(5)))
    started = time.monotonic()
    result = artclean("batch", shard, "-o", tmp_path / "out", "--engine", "dask", env=blocked_dask)
    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith("artclean: error: --engine dask needs")
    assert "pip install 'artclean[dask]'" in result.err
    assert not (tmp_path / "out").exists() and time.monotonic() - started < 10


@needs_cli
def test_cli_on_a_real_scheduler_and_two_workers(artclean, corpus, tmp_path):
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1, the CLI with --scheduler."""
    pytest.importorskip("distributed")
    dask_cli = [sys.executable, "-m", "dask"]
    address_file = tmp_path / "scheduler.json"
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    procs = []
    log = open(tmp_path / "dask.log", "wb")
    try:
        procs.append(subprocess.Popen([*dask_cli, "scheduler", "--port", "0", "--scheduler-file", str(address_file),
                                       *common], stdout=log, stderr=log, start_new_session=True))
        for _ in range(2):
            procs.append(subprocess.Popen([*dask_cli, "worker", "--scheduler-file", str(address_file), "--nthreads",
                                           "1", "--no-nanny", "--death-timeout", "60", *common], stdout=log,
                                          stderr=log, start_new_session=True, cwd=tmp_path))
        deadline = time.monotonic() + 30
        while not address_file.exists() or not address_file.read_text().strip():
            assert time.monotonic() < deadline and procs[0].poll() is None, (tmp_path / "dask.log").read_text()
            time.sleep(0.05)
        address = json.loads(address_file.read_text())["address"]
        shards = corpus["shards"][2:]  # two shards: one for each worker
        out = tmp_path / "out"
        result = artclean("batch", *shards, "-o", out, "--engine", "dask", "--scheduler", address, "--workers", "2")
        local_errors = [e for e in map(json.loads, read_lines(corpus["local"] / "errors.jsonl"))
                        if e["output"] in {s.name for s in shards}]
        assert result.code == (1 if local_errors else 0), result.err  # 1: records with no article
        for shard in shards:
            assert (out / shard.name).read_bytes() == (corpus["local"] / shard.name).read_bytes()
        assert sorted(e["output"] for e in manifest(out)) == [s.name for s in shards]
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in reversed(procs):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def test_engine_options_that_do_not_fit_are_usage_errors(tmp_path, artclean):
    shard = write_shard(tmp_path / "a.jsonl", make_records(0, 1, random.Random(5)))
    for args, message in ((["--engine", "dask", "-j", "2"], "--jobs goes with --engine local"),
                          (["--workers", "2"], "--scheduler and --workers go with --engine dask")):
        run = artclean("batch", shard, "-o", tmp_path / "out", *args)
        assert run.code == 2 and f"artclean: error: {message}" in run.err
        assert not (tmp_path / "out").exists()
