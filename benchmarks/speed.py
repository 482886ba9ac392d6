#!/usr/bin/env python3
"""Speed benchmark of artclean on the shared corpora, with trafilatura side by side.

    python benchmarks/speed.py                      # 10,000 documents, every measurement
    python benchmarks/speed.py --docs 2000 --markdown
    python benchmarks/speed.py --jsonl-mb 1000      # also a 1 GB JSONL file through batch (peak memory)

In one run: clean() throughput in one process on the browser-text and the HTML rendering of every page
(documents/s per core and MB/s, per CPU second so that other load on the machine does not count),
trafilatura.extract() on the same HTML pages (optional: pip install -e .[bench]), `artclean batch`
wall time over a corpus of at least --docs text documents with --jobs 1 and --jobs 2, and the peak
resident memory of the batch (the largest process: parent or worker). The corpus is written to a temp
folder from the corpora's `ID.txt.gz` (browser text, not inscriptis) and `ID.html.gz` files.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPORA = REPO / ".." / "shared" / "corpora"
TARGET_TEXT_PER_CORE = 600  # documents/s, browser text (20x trafilatura's ~31 on HTML)
TARGET_SPEEDUP = 1.7  # --jobs 2 over --jobs 1 on 2 cores


@dataclass
class Page:
    id: str
    text: bytes
    html: bytes


def load_pages(corpora: Path, limit: int | None = None) -> list[Page]:
    pages = []
    for html_path in sorted(corpora.glob("*/html/*.html.gz")):
        text_path = html_path.with_name(html_path.name[: -len(".html.gz")] + ".txt.gz")
        if text_path.exists():
            pages.append(Page(f"{html_path.parent.parent.name}/{text_path.name[:-7]}",
                              gzip.decompress(text_path.read_bytes()), gzip.decompress(html_path.read_bytes())))
    if not pages:
        sys.exit(f"speed.py: no ID.html.gz + ID.txt.gz pairs under {corpora}/*/html")
    return pages[:limit] if limit else pages


# --------------------------------------------------------------------------- in-process throughput

@dataclass
class Rate:
    docs: int
    failed: int
    nbytes: int
    cpu: float
    wall: float

    @property
    def per_core(self) -> float:
        return self.docs / self.cpu if self.cpu else 0.0

    @property
    def mb_per_core(self) -> float:
        return self.nbytes / 1e6 / self.cpu if self.cpu else 0.0


def measure(fn, inputs: list[bytes]) -> Rate:
    fn(inputs[0])  # warm: rule packs loaded, imports done
    failed = 0
    cpu, wall = time.process_time(), time.perf_counter()
    for data in inputs:
        try:
            fn(data)
        except Exception:  # an input the system refuses still took its time
            failed += 1
    return Rate(len(inputs), failed, sum(map(len, inputs)), time.process_time() - cpu, time.perf_counter() - wall)


def artclean_fn(mode: str):
    sys.path.insert(0, str(REPO / "src"))
    import artclean

    def run(data: bytes):
        return artclean.clean(data, input=mode)

    return run


def trafilatura_fn():
    try:
        import trafilatura
    except ImportError:
        return None
    import logging

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    return lambda data: trafilatura.extract(data)


# --------------------------------------------------------------------------- batch runs

def build_tree(root: Path, pages: list[Page], docs: int) -> tuple[int, int]:
    """At least `docs` text files, the pages replicated into folders of one copy each."""
    copies = math.ceil(docs / len(pages))
    n = size = 0
    for k in range(copies):
        for page in pages:
            path = root / f"copy{k:03d}" / f"{page.id}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(page.text)
            n, size = n + 1, size + len(page.text)
    return n, size


def build_jsonl(path: Path, pages: list[Page], megabytes: int) -> tuple[int, int]:
    n = size = 0
    with open(path, "wb") as handle:
        while size < megabytes * 1_000_000:
            for page in pages:
                line = json.dumps({"id": f"{n}", "url": page.id, "text": page.text.decode("utf-8", "replace")},
                                  ensure_ascii=False).encode("utf-8") + b"\n"
                handle.write(line)
                n, size = n + 1, size + len(line)
                if size >= megabytes * 1_000_000:
                    break
    return n, size


@dataclass
class BatchRun:
    jobs: int
    wall: float
    cpu: float
    max_rss_mb: float
    code: int
    idle_wall: float  # the wall time with the time spent waiting for a CPU taken out (see idle_estimate)


# Started from a small launcher: a child forked from this (large) process would count this process's pages
# in its peak RSS until it execs. The launcher also samples /proc/PID/schedstat of the batch and its
# workers: how long each ran, and how long it was runnable but waiting for a CPU (other load).
LAUNCHER = """
import json, os, subprocess, sys, threading, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:])
seen, done = {}, threading.Event()

def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []

def sample():
    while not done.is_set():
        now = time.perf_counter() - start
        for pid in [proc.pid] + children(proc.pid):
            try:
                with open(f"/proc/{pid}/schedstat") as f:
                    run, wait = (int(x) / 1e9 for x in f.read().split()[:2])
            except (OSError, ValueError):
                continue
            entry = seen.setdefault(pid, {"first": now})
            entry.update(last=now, run=run, wait=wait)
            if pid != proc.pid and "parent_wait" not in seen.get(proc.pid, {"parent_wait": 0}):
                seen[proc.pid]["parent_wait"] = seen[proc.pid]["wait"]  # the parent's wait before the fork
        time.sleep(0.05)

threading.Thread(target=sample, daemon=True).start()
_, status, usage = os.wait4(proc.pid, 0)
done.set()
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "wall": time.perf_counter() - start,
                  "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": usage.ru_maxrss,
                  "parent": proc.pid, "procs": seen}))
"""


def idle_estimate(r: dict) -> float:
    """The wall time on an idle machine, estimated by taking out the time spent waiting for a CPU: the
    parent's until the workers start, then the slowest worker's, then the rest. Time a worker spent
    idle for lack of work (sleeping) stays in, so this does not hide a batch that starves its workers."""
    procs = {int(k): v for k, v in r["procs"].items()}
    parent = procs.get(r["parent"], {})
    workers = [v for k, v in procs.items() if k != r["parent"]]
    if not workers:
        return r["wall"] - parent.get("wait", 0.0)
    t0 = min(w["first"] for w in workers)
    t1 = max(w["last"] for w in workers)
    busiest = max(w["last"] - w["first"] - w["wait"] for w in workers)
    return (t0 - parent.get("parent_wait", 0.0)) + busiest + (r["wall"] - t1)


def run_batch(args: list[str], jobs: int) -> BatchRun:
    """`artclean batch ARGS --jobs N -q` in a child; wait4 gives its CPU time and the peak RSS of the
    largest process in its tree (the batch waits for its workers, so theirs are included)."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    command = [sys.executable, "-m", "artclean", "batch", *args, "--jobs", str(jobs), "-q"]
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *command], env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"speed.py: launcher failed: {done.stderr.strip()}")
    r = json.loads(done.stdout)
    if r["code"] not in (0, 1):
        sys.exit(f"speed.py: artclean batch {' '.join(args)} exited {r['code']}")
    return BatchRun(jobs, r["wall"], r["cpu"], r["rss_kb"] / 1024, r["code"], idle_estimate(r))


def _spin(n: int = 5_000_000) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def machine_ceiling() -> float:
    """What two processes get over one on this machine right now: a pure CPU loop run twice in a row,
    then twice at once. On an idle 2-core machine this is about 2; other load brings it down, and the
    batch cannot scale better than it."""
    import multiprocessing

    start = time.perf_counter()
    _spin(), _spin()
    serial = time.perf_counter() - start
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    procs = [ctx.Process(target=_spin) for _ in range(2)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return serial / (time.perf_counter() - start)


# --------------------------------------------------------------------------- report

def table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        rule = "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"
        lines = ["| " + " | ".join(header) + " |", rule]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = lambda r: "  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w) for i, (x, w) in enumerate(zip(r, widths)))
    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *map(fmt, rows)])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="default: ../shared/corpora")
    ap.add_argument("--docs", type=int, default=10_000, help="documents in the batch corpus (default 10,000)")
    ap.add_argument("--sample", type=int, help="only the first N pages for the in-process rates")
    ap.add_argument("--jsonl-mb", type=int, default=0, help="also run batch on a JSONL file this large")
    ap.add_argument("--no-trafilatura", action="store_true")
    ap.add_argument("--batch-only", action="store_true", help="only the batch runs (re-measure the speed-up)")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpus and outputs")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    args = ap.parse_args()

    pages = load_pages(args.corpora.resolve())
    sample = pages[: args.sample] if args.sample else pages
    load = os.getloadavg()[0]
    print(f"{len(pages)} pages from {args.corpora}; {os.cpu_count()} cores; load average {load:.1f}", file=sys.stderr)

    rates = {}
    traf = None if args.no_trafilatura or args.batch_only else trafilatura_fn()
    if not args.batch_only:
        print("clean() on browser text …", file=sys.stderr)
        rates["artclean, text mode"] = measure(artclean_fn("text"), [p.text for p in sample])
        print("clean() on HTML …", file=sys.stderr)
        rates["artclean, HTML mode"] = measure(artclean_fn("html"), [p.html for p in sample])
    if traf:
        print("trafilatura.extract() on HTML …", file=sys.stderr)
        rates["trafilatura 2.x, HTML"] = measure(traf, [p.html for p in sample])

    tmp = Path(tempfile.mkdtemp(prefix="artclean-speed-"))
    try:
        n, size = build_tree(tmp / "text", pages, args.docs)
        ceiling = [machine_ceiling()]
        runs = []
        for jobs in (1, 2):
            print(f"artclean batch, {n:,} text documents, --jobs {jobs} …", file=sys.stderr)
            runs.append(run_batch([str(tmp / "text"), "-o", str(tmp / f"out{jobs}")], jobs))
            shutil.rmtree(tmp / f"out{jobs}", ignore_errors=True)
        ceiling.append(machine_ceiling())
        jsonl = None
        if args.jsonl_mb:
            records, jsize = build_jsonl(tmp / "big.jsonl", pages, args.jsonl_mb)
            print(f"artclean batch, {jsize / 1e6:,.0f} MB JSONL ({records:,} records), --jobs 2 …", file=sys.stderr)
            jsonl = (records, jsize, run_batch([str(tmp / "big.jsonl"), "-o", str(tmp / "big.out.jsonl")], 2))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()[0]

    rows = [[name, f"{r.docs:,}", f"{r.per_core:,.0f}", f"{r.mb_per_core:,.2f}", f"{r.docs / r.wall:,.0f}"]
            for name, r in rates.items()]
    if rows:
        print(table(["in one process (per CPU second)", "pages", "docs/s per core", "MB/s per core", "docs/s wall"],
                    rows, args.markdown))
        print()
    base, idle_base = runs[0].wall, runs[0].idle_wall
    rows = [[f"artclean batch --jobs {r.jobs}", f"{r.wall:,.1f}", f"{n / r.wall:,.0f}", f"{base / r.wall:.2f}x",
             f"{r.idle_wall:,.1f}", f"{idle_base / r.idle_wall:.2f}x", f"{r.cpu:,.1f}", f"{r.cpu / r.wall:.2f}",
             f"{r.max_rss_mb:,.0f}"] for r in runs]
    if jsonl:
        records, jsize, r = jsonl
        rows.append([f"batch --jobs 2, {jsize / 1e6:,.0f} MB JSONL", f"{r.wall:,.1f}", f"{records / r.wall:,.0f}", "",
                     f"{r.idle_wall:,.1f}", "", f"{r.cpu:,.1f}", f"{r.cpu / r.wall:.2f}", f"{r.max_rss_mb:,.0f}"])
    rows.append(["CPU loop, 2 processes vs 1 (machine ceiling)", "", "", f"{min(ceiling):.2f}-{max(ceiling):.2f}x",
                 "", "", "", "", ""])
    print(table([f"batch, {n:,} text docs ({size / 1e6:,.0f} MB)", "wall s", "docs/s", "speed-up",
                 "wall s, CPU waits out", "speed-up, CPU waits out", "CPU s", "cores used", "peak RSS MB"],
                rows, args.markdown))
    print()
    speedup, idle_speedup = base / runs[1].wall, idle_base / runs[1].idle_wall
    checks = [(f"--jobs 2 >= {TARGET_SPEEDUP}x --jobs 1", speedup >= TARGET_SPEEDUP,
               f"{speedup:.2f}x measured, {idle_speedup:.2f}x with the waits for a CPU taken out")]
    if rates:
        text, html = rates["artclean, text mode"], rates["artclean, HTML mode"]
        checks.insert(0, (f"text mode >= {TARGET_TEXT_PER_CORE} docs/s per core",
                          text.per_core >= TARGET_TEXT_PER_CORE, f"{text.per_core:,.0f}"))
    if traf:
        t = rates["trafilatura 2.x, HTML"]
        checks.append(("HTML mode >= trafilatura", html.per_core >= t.per_core,
                       f"{html.per_core:,.0f} vs {t.per_core:,.0f}"))
    if jsonl:
        checks.append(("JSONL batch < 300 MB resident", jsonl[2].max_rss_mb < 300, f"{jsonl[2].max_rss_mb:,.0f} MB"))
    print(table(["target", "met", "measured"], [[c, "yes" if ok else "NO", m] for c, ok, m in checks], args.markdown))
    print(f"\nload average {load:.1f} before, {load_after:.1f} after. Wall times and the speed-up need an "
          "otherwise idle machine: 'cores used' (CPU s / wall s) near 1 and 2 shows the runs got their cores; "
          "'CPU waits out' takes out the time the batch was runnable but waiting for a CPU (/proc/PID/schedstat).",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
