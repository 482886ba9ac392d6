#!/usr/bin/env python3
"""Scale-out benchmark: `artclean batch` serial, local --jobs 2, and the Dask engine, on one corpus.

    python benchmarks/scale.py                         # 20,000 records in 16 gzip shards, every mode
    python benchmarks/scale.py --records 4000 --markdown
    python benchmarks/scale.py --modes dask2,local2    # a subset (serial is the baseline when present)

The corpus is JSON Lines built from the browser-text renderings of the shared corpora
(`../shared/corpora/*/html/ID.txt.gz`; the pages repeated until there are --records records), written as
--shards gzip shards to a temp folder. Each mode runs the real command line in a child process
(`python -m artclean batch SHARDS -o OUT -q ...`):

  serial   --jobs 1
  local2   --jobs 2                       (artclean's own process pool)
  dask1    --engine dask --workers 1      (a local Dask cluster, started and shut down by the command)
  dask2    --engine dask --workers 2

For each: wall time (including the cluster's start and stop), records/s, speed-up over serial, CPU
seconds of the whole process tree, and the peak resident memory of the main process and of each
worker (sampled every 50 ms with psutil; for serial the one process is the worker), split into the
first and the second half of the run: a worker that streams has the same peak in both halves. The
outputs of every mode are compared byte for byte with serial's. Wall times need an otherwise idle
machine: the load average is printed before and after each mode.
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
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPORA = REPO / ".." / "shared" / "corpora"
MODES = {
    "serial": ["--jobs", "1"],
    "local2": ["--jobs", "2"],
    "dask1": ["--engine", "dask", "--workers", "1"],
    "dask2": ["--engine", "dask", "--workers", "2"],
}
LABELS = {"serial": "serial (--jobs 1)", "local2": "local --jobs 2", "dask1": "Dask, 1 local worker",
          "dask2": "Dask, 2 local workers"}
TARGET_DASK_VS_LOCAL = 0.8  # Dask with 2 workers >= 0.8x the throughput of local --jobs 2
TARGET_DASK_SCALING = 1.7  # Dask with 2 workers >= 1.7x Dask with 1
PAGES_100M = 100_000_000


# --------------------------------------------------------------------------- corpus

def load_texts(corpora: Path) -> list[tuple[str, str]]:
    texts = []
    for path in sorted(corpora.glob("*/html/*.txt.gz")):
        if path.name.endswith(".inscriptis.txt.gz"):
            continue
        text = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        if text.strip():
            texts.append((f"{path.parent.parent.name}/{path.name[:-7]}", text))
    if not texts:
        sys.exit(f"scale.py: no ID.txt.gz renderings under {corpora}/*/html")
    return texts


def build_shards(folder: Path, texts: list[tuple[str, str]], records: int, shards: int) -> tuple[list[Path], int]:
    """`records` records (the pages in order, repeated) cut into `shards` gzip shards of consecutive
    records, as a crawl is: each shard holds most of the pages, so a worker's caches are warm after its
    first shard and its memory after that shows whether it streams."""
    folder.mkdir(parents=True, exist_ok=True)
    per_shard = math.ceil(records / shards)
    lines: list[list[bytes]] = [[] for _ in range(shards)]
    for n in range(records):
        page, text = texts[n % len(texts)]
        record = {"id": f"r{n:07d}", "url": page, "copy": n // len(texts), "text": text}
        lines[n // per_shard].append(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    paths, size = [], 0
    for i, chunk in enumerate(lines):
        path = folder / f"shard-{i:03d}.jsonl.gz"
        path.write_bytes(gzip.compress(b"".join(chunk), compresslevel=6, mtime=0))
        paths.append(path)
        size += sum(map(len, chunk))
    return paths, size


# --------------------------------------------------------------------------- running a mode

@dataclass
class Sample:
    main_rss: list[tuple[float, int]] = field(default_factory=list)
    workers: dict[int, list[tuple[float, int]]] = field(default_factory=dict)


def child_env() -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        x for x in (os.environ.get("PYTHONPATH"), str(REPO / "src")) if x))


def sample_tree(proc, mode: str, sample: Sample, stop: threading.Event) -> None:
    import psutil

    try:
        root = psutil.Process(proc.pid)
    except psutil.Error:
        return
    started = time.perf_counter()
    while not stop.is_set():
        now = time.perf_counter() - started
        try:
            sample.main_rss.append((now, root.memory_info().rss))
            children = root.children(recursive=True)
        except psutil.Error:
            break
        for child in children:
            try:
                cmd = " ".join(child.cmdline())
                if "resource_tracker" in cmd:
                    continue
                if mode.startswith("dask") and "spawn_main" not in cmd:
                    continue
                sample.workers.setdefault(child.pid, []).append((now, child.memory_info().rss))
            except psutil.Error:
                continue
        stop.wait(0.05)


@dataclass
class Run:
    mode: str
    wall: float
    cpu: float
    code: int
    main_peak: float
    worker_peaks: list[tuple[float, float]]  # per worker: (first-half peak MB, second-half peak MB)
    load_before: float
    load_after: float


def run_mode(mode: str, shards: list[Path], out: Path) -> Run:
    command = [sys.executable, "-m", "artclean", "batch", *map(str, shards), "-o", str(out), "-q", *MODES[mode]]
    load_before = os.getloadavg()[0]
    sample, stop = Sample(), threading.Event()
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=child_env(), stderr=subprocess.PIPE)
    sampler = threading.Thread(target=sample_tree, args=(proc, mode, sample, stop), daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"scale.py: {mode} exited {code}: {err.strip()[-2000:]}")
    half = wall / 2
    series = list(sample.workers.values()) if sample.workers else [sample.main_rss]
    peaks = []
    for points in series:
        first = max((rss for t, rss in points if t <= half), default=0)
        second = max((rss for t, rss in points if t > half), default=0)
        peaks.append((first / 2**20, second / 2**20))
    main_peak = max((rss for _, rss in sample.main_rss), default=0) / 2**20
    return Run(mode, wall, usage.ru_utime + usage.ru_stime, code, main_peak, peaks, load_before,
               os.getloadavg()[0])


def compare_outputs(a: Path, b: Path) -> tuple[int, int]:
    """(records that differ, of which explained by a regex time-out): artclean gives each regex a
    wall-clock budget, so on a loaded machine a rule can time out in one run and not in the other."""
    names = sorted(p.name for p in a.glob("*.jsonl.gz"))
    if names != sorted(p.name for p in b.glob("*.jsonl.gz")):
        return -1, 0
    differ = timed_out = 0
    for name in names:
        x, y = (a / name).read_bytes(), (b / name).read_bytes()
        if x == y:
            continue
        for line_x, line_y in zip(gzip.decompress(x).splitlines(), gzip.decompress(y).splitlines()):
            if line_x != line_y:
                differ += 1
                timed_out += b"timed out after" in line_x + line_y
    return differ, timed_out


# --------------------------------------------------------------------------- report

def table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in
                                                                  range(len(header))) + "|"]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = lambda r: "  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w)  # noqa: E731
                              for i, (x, w) in enumerate(zip(r, widths)))
    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *map(fmt, rows)])


def duration(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:,.1f} days"
    return f"{seconds / 3600:,.1f} h" if seconds >= 3600 else f"{seconds / 60:,.0f} min"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="default: ../shared/corpora")
    ap.add_argument("--records", type=int, default=20_000, help="records in the corpus (default 20,000)")
    ap.add_argument("--shards", type=int, default=16, help="gzip shards (default 16)")
    ap.add_argument("--modes", default="serial,dask1,dask2,local2",
                    help="comma-separated, run in this order (dask2 next to both of its references): "
                         + ", ".join(MODES))
    ap.add_argument("--keep", action="store_true", help="keep the corpus and outputs (printed)")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    args = ap.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    if unknown := [m for m in modes if m not in MODES]:
        sys.exit(f"scale.py: unknown mode {unknown[0]!r} (use {', '.join(MODES)})")
    try:
        import psutil  # noqa: F401  (comes with distributed)
    except ImportError:
        sys.exit("scale.py: needs psutil and the Dask extra: pip install -e '.[dask]'")

    texts = load_texts(args.corpora.resolve())
    tmp = Path(tempfile.mkdtemp(prefix="artclean-scale-"))
    try:
        shards, size = build_shards(tmp / "in", texts, args.records, args.shards)
        print(f"{args.records:,} records ({size / 1e6:,.0f} MB of JSON) from {len(texts):,} renderings in "
              f"{len(shards)} gzip shards; {os.cpu_count()} cores", file=sys.stderr)
        runs: dict[str, Run] = {}
        for mode in modes:
            print(f"{LABELS[mode]} …", file=sys.stderr)
            runs[mode] = run_mode(mode, shards, tmp / f"out-{mode}")
            r = runs[mode]
            print(f"  {r.wall:,.1f} s, exit {r.code}, load {r.load_before:.1f} -> {r.load_after:.1f}", file=sys.stderr)
        reference = "serial" if "serial" in modes else modes[0]
        identical = {m: compare_outputs(tmp / f"out-{reference}", tmp / f"out-{m}") for m in modes if m != reference}
    finally:
        if args.keep:
            print(f"kept: {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    n = args.records
    base = runs.get("serial")
    rows = []
    for mode in [m for m in MODES if m in runs]:  # shown in a fixed order, whatever the run order
        r = runs[mode]
        workers = ", ".join(f"{a:,.0f}/{b:,.0f}" for a, b in r.worker_peaks)
        rows.append([LABELS[mode], f"{r.wall:,.1f}", f"{n / r.wall:,.0f}",
                     f"{base.wall / r.wall:.2f}x" if base else "", f"{r.cpu:,.1f}", f"{n / r.cpu:,.0f}",
                     f"{r.main_peak:,.0f}", workers])
    print(table([f"{n:,} records, {len(shards)} shards", "wall s", "records/s", "vs serial", "CPU s",
                 "records per CPU s", "main RSS MB", "per-worker peak RSS MB (1st/2nd half)"], rows, args.markdown))
    print()

    checks = []
    if "dask2" in runs and "local2" in runs:
        ratio = runs["local2"].wall / runs["dask2"].wall
        checks.append((f"Dask 2 workers >= {TARGET_DASK_VS_LOCAL}x local --jobs 2", ratio >= TARGET_DASK_VS_LOCAL,
                       f"{ratio:.2f}x"))
    if "dask2" in runs and "dask1" in runs:
        ratio = runs["dask1"].wall / runs["dask2"].wall
        checks.append((f"Dask 2 workers >= {TARGET_DASK_SCALING}x 1 worker", ratio >= TARGET_DASK_SCALING,
                       f"{ratio:.2f}x"))
    for mode in ("dask2", "local2"):
        if mode in runs:
            peaks = runs[mode].worker_peaks
            growth = max((b - a for a, b in peaks), default=0)
            checks.append((f"{LABELS[mode]}: worker memory flat (2nd-half peak <= 1st-half + 20 MB)", growth <= 20,
                           f"{growth:+,.0f} MB"))
    for mode, (differ, timed_out) in identical.items():
        measured = ("identical" if not differ else "different files" if differ < 0 else
                    f"{differ} records differ, {timed_out} by a regex time-out")
        checks.append((f"{LABELS[mode]}: outputs byte-identical to {LABELS[reference]} (but for regex time-outs)",
                       0 <= differ == timed_out, measured))
    print(table(["target", "met", "measured"], [[c, "yes" if ok else "NO", m] for c, ok, m in checks], args.markdown))
    print()

    # The estimate: the Dask workers' records per CPU second is the per-core rate (start-up included).
    rate_mode = "dask2" if "dask2" in runs else modes[-1]
    per_core = n / runs[rate_mode].cpu
    core_hours = PAGES_100M / per_core / 3600
    rows = [[f"{cores:,} cores", duration(PAGES_100M / per_core / cores)] for cores in (2, 64, 256, 1024)]
    print(f"100 million pages at {per_core:,.0f} records per CPU second ({LABELS[rate_mode]}, whole process tree): "
          f"{core_hours:,.0f} core-hours")
    print(table(["cluster", "time for 100M pages"], rows, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
