"""Dask scale-out: `artclean batch SHARD... -o OUT_DIR --engine dask` and a bag API.

Three ways in, from the smallest:

* `clean_record(record, ...) -> dict`: one JSONL record (a dict, or its line as str or bytes) cleaned
  into the output record of `artclean batch` (every field kept, plus `"artclean"`), or into an error
  record `{"artclean_error": {...}}`. A plain, picklable, module-level function that never raises for
  bad data: map it with Dask, Ray, Spark, multiprocessing, anything. It needs no Dask at all.
* `clean_bag(bag, ...) -> Bag`: the same over a `dask.bag` of records or JSON lines, one partition at
  a time, for people's own pipelines.
* `run_dask(inputs, out_dir, options, scheduler=..., workers=...) -> exit code`: the batch command's
  Dask engine. One task per input shard: the worker reads the shard from the shared file system,
  cleans it with the local batch's own record cleaner (`jsonl.clean_records`, same chunking, so the
  output file is byte-identical to `artclean batch --jobs 1`), writes `OUT_DIR/<shard>` through a temp
  file and renames it into place, and returns the counts and the shard's error records. The client
  appends the errors to `OUT_DIR/errors.jsonl` and the manifest line (the local batch's format, so
  `--resume` works across engines) only after the task is complete.

Rule packs are never shipped with tasks: a task carries the options (a few paths and strings) and
each worker process loads and compiles the packs once (`pipeline.get_library` is cached per process).

Dask is imported lazily, so `import artclean.dask` works without the extra. (Inside this module,
`import dask` means the real package: absolute imports never resolve to `artclean.dask`.)
"""

from __future__ import annotations

import dataclasses
import glob
import json
import logging
import os
import time
import uuid
import warnings
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import __version__
from .batch import RECORD_CHUNK, RECORD_CHUNK_BYTES, Engine, Options, Plan, Unit, _preflight, default_jobs
from .decode import DEFAULT_MAX_BYTES
from .errors import ConfigError, InputError, OutputError
from .jsonl import READ_ERRORS, AtomicStream, LineReader, clean_records, is_gz, is_jsonl, line_limit
from .output import TEMP_PREFIX

__all__ = ["clean_record", "clean_bag", "is_error", "run_dask", "require_dask", "INSTALL_HINT"]

INSTALL_HINT = "pip install 'artclean[dask]'"
ERROR_KEY = "artclean_error"
RETRIES = 2  # a task that raises is retried on another worker; a dead worker's task is rescheduled anyway
CONNECT_TIMEOUT = "10s"
WORKERS_TIMEOUT = 60.0  # with --scheduler: how long to wait for the first (or --workers N) workers
STOP_CHECK_SECONDS = 0.5  # how often a running shard looks for the stop flag (Ctrl-C, disk full)
PROGRESS_SECONDS = 0.5  # how often a running shard reports its progress (only when it is shown)
SKIP_DOCS = "not JSON Lines (--engine dask takes .jsonl and .jsonl.gz shards)"


def require_dask():
    """Import distributed (and dask.bag), or fail at once with a one-line usage error (exit 2)."""
    try:
        import dask.bag  # noqa: F401  (the real dask: absolute import)
        import distributed
    except ImportError as exc:
        missing = getattr(exc, "name", None) or "dask"
        raise ConfigError(f"--engine dask needs the optional packages dask and distributed ({missing} is not "
                          f"installed)", hint=f"install them with: {INSTALL_HINT}") from None
    return distributed


# --------------------------------------------------------------------------- records (any engine)

def _rule_paths(rules) -> tuple[str, ...]:
    """Rule packs as absolute paths (workers may run in another folder); never a loaded Library, which
    would be pickled into every task."""
    if rules is None:
        return ()
    if isinstance(rules, (str, os.PathLike)):
        rules = [rules]
    paths = []
    for p in rules:
        if not isinstance(p, (str, os.PathLike)):
            raise TypeError(f"rules: pass rule-pack paths (files or folders), not {type(p).__name__}; "
                            "each worker loads them once")
        paths.append(os.path.abspath(p))
    return tuple(paths)


def make_options(*, text_field: str = "text", id_field: str = "id", lang: str | None = None, rules=None,
                 input: str = "auto", disable: Iterable[str] = (), site: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> Options:
    """The batch options for the record API (the output format does not apply to records)."""
    return Options(lang=lang, input_mode=input, rules=_rule_paths(rules), disable=tuple(disable), site=site,
                   max_bytes=max_bytes, text_field=text_field, id_field=id_field)


def _as_line(record) -> tuple[bytes | None, str | None]:
    """A record as the JSONL line the local batch would read, or the reason it cannot be one."""
    if isinstance(record, dict):
        try:
            text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            return None, f"not a JSON record ({exc})"
        try:
            return text.encode("utf-8"), None
        except UnicodeEncodeError:  # lone surrogates: keep them escaped, as jsonl does
            return json.dumps(record, separators=(",", ":")).encode("ascii"), None
    if isinstance(record, (bytes, bytearray, memoryview)):
        return bytes(record), None
    if isinstance(record, str):  # db.read_text(..., errors="surrogateescape") gives back the exact bytes
        try:
            return record.encode("utf-8", "surrogateescape"), None
        except UnicodeEncodeError:
            return record.encode("utf-8", "surrogatepass"), None  # reported as invalid UTF-8
    kind = "array" if isinstance(record, (list, tuple)) else type(record).__name__
    return None, f"not a JSON object (got {kind})"


def _error_record(error: dict, source: str) -> dict:
    return {ERROR_KEY: {"source": source, "line": error["line"], "id": error["id"], "reason": error["reason"],
                        "status": error["status"]}}


def _clean_numbered(items: list[tuple[int, Any]], options: Options, source: str) -> list[dict]:
    """(line number, record) pairs -> output or error records, in order, through jsonl.clean_records."""
    chunk = []
    for line_no, record in items:
        data, problem = _as_line(record)
        chunk.append((line_no, data, problem))
    result = clean_records(chunk, source=source, gz=False, text_field=options.text_field,
                           id_field=options.id_field, max_bytes=options.max_bytes, clean=options.clean)
    failed = {e["line"]: e for e in result.errors if e["status"] == "failed"}
    written = iter(result.data.split(b"\n"))
    out = []
    for line_no, _, _ in chunk:
        error = failed.get(line_no)
        out.append(_error_record(error, source) if error else json.loads(next(written)))
    return out


def clean_record(record, *, text_field: str = "text", id_field: str = "id", lang: str | None = None, rules=None,
                 input: str = "auto", disable: Iterable[str] = (), site: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, source: str = "<record>", line: int = 1) -> dict:
    """Clean one JSONL record: a dict, or its JSON line as str or bytes.

    Returns the output record of `artclean batch` (the input's fields plus `"artclean"`: the JSON
    contract), equal to what `artclean batch --jobs 1` writes for it, or, for a record that cannot
    be cleaned (invalid JSON or UTF-8, not an object, no or non-string text field, too large, refused
    by clean()), an error record `{"artclean_error": {"source", "line", "id", "reason", "status"}}`
    with the reason errors.jsonl gives. Never raises for bad data. `source:line` names a record
    without an id (in `meta.source` and in messages). Picklable; rule packs are loaded once per process.
    """
    options = make_options(text_field=text_field, id_field=id_field, lang=lang, rules=rules, input=input,
                           disable=disable, site=site, max_bytes=max_bytes)
    return _clean_numbered([(line, record)], options, source)[0]


def is_error(record: dict) -> bool:
    """True for the error records clean_record and clean_bag return instead of a cleaned record."""
    return isinstance(record, dict) and ERROR_KEY in record and "artclean" not in record


def _clean_partition(items: Iterable, options: Options, source: str) -> list[dict]:
    """One bag partition: lines numbered from 1 as in the file (blank lines are counted and skipped,
    as the local batch does), cleaned a chunk at a time. `(line, path)` pairs (`read_text(...,
    include_path=True)`) name their records' source by the file name, as the local batch does.
    Returns a list: a generator cannot be sent between Dask workers."""
    out: list[dict] = []
    chunk: list[tuple[int, Any]] = []
    name = source
    for line_no, item in enumerate(items, 1):
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], str):
            item, path = item
            if os.path.basename(path) != name and chunk:
                out += _clean_numbered(chunk, options, name)
                chunk = []
            name = os.path.basename(path)
        if isinstance(item, (str, bytes)) and not item.strip():
            continue
        chunk.append((line_no, item))
        if len(chunk) >= RECORD_CHUNK:
            out += _clean_numbered(chunk, options, name)
            chunk = []
    if chunk:
        out += _clean_numbered(chunk, options, name)
    return out


def clean_bag(bag, *, text_field: str = "text", id_field: str = "id", lang: str | None = None, rules=None,
              input: str = "auto", disable: Iterable[str] = (), site: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES, source: str = "<record>"):
    """A dask.bag of records (dicts) or JSON lines (str or bytes) -> a bag of output records.

    Each element becomes what clean_record gives: the output record, or an error record
    (`is_error(r)`); a bad record never fails its partition. Order is kept within each partition;
    error records carry the line number within their partition (the line in the file when a
    partition is a whole file: gzip input, or `blocksize=None`). Read text with
    `db.read_text(paths, errors="surrogateescape")` so that a record with invalid UTF-8 becomes an
    error record instead of failing the partition; with `include_path=True`, a record without an id
    is named FILE:LINE as in the local batch (else `source`:LINE). Options are checked here, on the client
    (ConfigError, RulePackError); the packs are loaded once per worker process.
    """
    require_dask()
    options = make_options(text_field=text_field, id_field=id_field, lang=lang, rules=rules, input=input,
                           disable=disable, site=site, max_bytes=max_bytes)
    _preflight(options)
    return bag.map_partitions(_clean_partition, options, source)


# --------------------------------------------------------------------------- one shard (on a worker)

class _Signal:
    """What a running shard checks now and then: the client's stop flag (a file in OUT_DIR, which the
    workers share), and where it sends its progress (a distributed event topic)."""

    def __init__(self, stop_path: str, topic: str | None, index: int):
        self.stop_path, self.topic, self.index = stop_path, topic, index
        self.checked = self.sent = time.monotonic()
        self.worker = None
        if topic:
            try:
                from distributed import get_worker

                self.worker = get_worker()
            except (ImportError, ValueError):  # not on a Dask worker (called directly)
                self.worker = None

    def stopped(self, force: bool = False) -> bool:
        if not self.stop_path:
            return False
        now = time.monotonic()
        if not force and now - self.checked < STOP_CHECK_SECONDS:
            return False
        self.checked = now
        return os.path.exists(self.stop_path)

    def progress(self, records: int, position: int) -> None:
        if self.worker is None:
            return
        now = time.monotonic()
        if now - self.sent >= PROGRESS_SECONDS:
            self.sent = now
            try:
                self.worker.log_event(self.topic, {"i": self.index, "records": records, "bytes": position})
            except Exception:  # progress is best effort
                self.worker = None


def _max_rss_kb() -> int:
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except (ImportError, OSError):
        return 0


def clean_shard(src: str, out: str, rel: str, options: Options, *, token: str = "direct", index: int = 0,
                stop_path: str = "", topic: str | None = None) -> dict:
    """Clean the JSONL shard `src` into `out`, exactly as the local batch does (same chunks, same gzip
    members), through a temp file renamed into place when the whole shard is done.

    Returns {"status", "counts", "errors", "removed", "bytes_in", "out_size", ...} with status
    "cleaned" or "partial" (written), "failed" (nothing readable: no output), "aborted" (stopped: no
    output, temp file removed) or "output-error" (the output could not be written; "reason" says why).
    Bad records and read errors never raise; they are counted and listed in "errors".
    """
    started, cpu = time.perf_counter(), time.thread_time()
    signal = _Signal(stop_path, topic, index)

    def done(status: str, **fields) -> dict:
        return {"status": status, **fields, "pid": os.getpid(), "max_rss_kb": _max_rss_kb(),
                "seconds": time.perf_counter() - started, "cpu_seconds": time.thread_time() - cpu}

    try:
        reader = LineReader(src, line_limit(options.max_bytes))
    except OSError as exc:
        return done("unreadable", reason=f"cannot read ({exc.strerror or exc})")
    gz = is_gz(out)
    try:
        writer = AtomicStream(out, gz=gz, tag=f"{token}-")
    except OutputError as exc:
        reader.close()
        return done("output-error", reason=exc.one_line(), errno=getattr(exc, "errno", None))
    counts: Counter = Counter()
    errors: list[dict] = []
    removed: Counter = Counter()
    bytes_in = 0
    read_error = None

    def flush(chunk: list) -> None:
        nonlocal bytes_in
        result = clean_records(chunk, source=rel, gz=gz, text_field=options.text_field, id_field=options.id_field,
                               max_bytes=options.max_bytes, clean=options.clean)
        writer.write(result.data)
        counts.update(records=result.cleaned + result.no_article + result.failed, cleaned=result.cleaned,
                      no_article=result.no_article, failed=result.failed)
        errors.extend(result.errors)
        removed.update(result.removed)
        bytes_in += result.bytes_in

    try:
        chunk, size = [], 0
        try:
            for item in reader:
                chunk.append(item)
                size += len(item[1] or b"")
                if len(chunk) >= RECORD_CHUNK or size >= RECORD_CHUNK_BYTES:
                    if signal.stopped():
                        writer.abort()
                        return done("aborted")
                    flush(chunk)
                    chunk, size = [], 0
                    signal.progress(counts["records"], reader.position)
        except READ_ERRORS as exc:
            why = str(exc).rstrip(".") or type(exc).__name__
            read_error = f"unreadable after line {reader.line} ({why})" if reader.line else f"cannot read ({why})"
        finally:
            reader.close()
        if chunk:
            flush(chunk)
        if read_error:
            counts["failed"] += 1
            errors.append({"line": None, "id": None, "reason": read_error, "status": "failed"})
        if signal.stopped(force=True):
            writer.abort()
            return done("aborted")
        if read_error and not counts["records"]:
            writer.abort()
            status, out_size = "failed", 0
        else:
            out_size = writer.commit()
            clean = not (read_error or counts["failed"] or counts["no_article"])
            status = "cleaned" if clean else "partial"
    except OutputError as exc:  # writer already aborted (temp file removed)
        return done("output-error", reason=exc.one_line(), errno=getattr(exc, "errno", None))
    except BaseException:
        writer.abort()
        raise
    keys = ("records", "cleaned", "no_article", "failed")
    return done(status, counts={k: counts.get(k, 0) for k in keys}, errors=errors, removed=dict(removed),
                bytes_in=bytes_in, out_size=out_size)


def _worker_check(paths: list[str], options: Options) -> dict:
    """Run once on every worker before anything is written: the same artclean, the inputs and the output
    folder's parent visible (shared storage), the rule packs loaded and compiled."""
    problems = []
    for p in paths:
        if not os.path.exists(p):
            problems.append(f"{p} is not visible there; the workers need the same file system as this machine "
                            "(shared storage)")
    for p in options.rules:
        if not os.path.exists(p):
            problems.append(f"the rule pack {p} is not there")
    if not problems:
        try:
            options.clean("artclean batch preflight.", "<preflight>")  # loads and compiles the packs, once
        except InputError:
            pass
        except Exception as exc:
            problems.append(f"cannot load the rule packs ({exc})")
    return {"version": __version__, "problems": problems}


# --------------------------------------------------------------------------- the batch engine (client)

def expand_inputs(inputs: Iterable[str | os.PathLike]) -> list[str]:
    """Shards and globs: an argument that names nothing but holds *, ? or [ is expanded (sorted; `**`
    spans folders), so a quoted glob works as the shell's does."""
    expanded: list[str] = []
    for raw in inputs:
        arg = os.fspath(raw)
        if os.path.lexists(arg) or not glob.has_magic(arg):
            expanded.append(arg)
            continue
        matches = sorted(glob.glob(arg, recursive=True))
        if not matches:
            raise ConfigError("no file matches this pattern", path=arg)
        expanded += matches
    return expanded


class DaskEngine(Engine):
    """The local batch's engine (prepare, manifest, error log, resume, summary, exit code) with the
    work done by Dask: one task per JSONL shard, results recorded as tasks complete."""

    def __init__(self, options: Options, plan: Plan, *, resume: bool, quiet: bool):
        super().__init__(options, plan, jobs=1, resume=resume, quiet=quiet)
        self.token = uuid.uuid4().hex[:12]
        self.stop_path = self.out_dir / f"{TEMP_PREFIX}stop-{self.token}"
        # Workers may run elsewhere: rule packs by absolute path. The manifest key keeps the options as
        # given, so that --resume matches runs of either engine.
        self.worker_options = dataclasses.replace(options, rules=_rule_paths(options.rules))
        self.live: dict[int, tuple[int, int]] = {}  # shard index -> (records, bytes) done so far
        self.running: set[int] = set()
        self.stop_sent = False

    # ----- the run

    def run_on(self, client) -> int:
        """Check the workers, then prepare OUT_DIR (as the local batch does) and clean what is to do."""
        self.check_workers(client)
        self.prepare()
        self.report.started = time.monotonic()
        try:
            with self.signals, self.display:
                units = self._todo()
                if units and not self._stopping():
                    self._run(client, units)
        finally:
            self._close()
        return self._finish()

    def _todo(self) -> list[Unit]:
        units, files, size = [], 0, 0
        for unit in self.plan.units():
            if unit.kind == "doc":
                self.report.skipped[SKIP_DOCS] += 1
                continue
            if unit.kind == "jsonl":
                files, size = files + 1, size + unit.size
            if self._walked(unit) or self._skip_earlier(unit):
                continue
            units.append(unit)
        if self.display.live:
            self.display.set_total(files, size)
            self.display.tick()
        return units

    def check_workers(self, client) -> None:
        """Every worker runs this artclean and sees the inputs and OUT_DIR's folder; usage error if not."""
        out = self.out_dir
        while not out.exists() and out.parent != out:
            out = out.parent
        paths = [str(out), *(r.path for r in self.plan.roots)]
        try:
            answers = client.run(_worker_check, paths, self.worker_options)
        except Exception as exc:
            raise ConfigError(f"the Dask workers cannot run artclean ({type(exc).__name__}: {exc})",
                              hint=f"install it on every worker: {INSTALL_HINT}") from None
        for address, answer in sorted(answers.items()):
            if answer["version"] != __version__:
                raise ConfigError(f"worker {address} runs artclean {answer['version']}, this machine "
                                  f"{__version__}; the outputs would differ", hint="install the same version")
            if answer["problems"]:
                raise ConfigError(f"worker {address}: {answer['problems'][0]}")

    def _run(self, client, units: list[Unit]) -> None:
        from distributed import as_completed

        topic = f"artclean-progress-{self.token}" if self.display.live else None
        if topic:
            client.subscribe_topic(topic, self._on_progress)
        pending: dict = {}
        try:
            for i, unit in enumerate(units):
                if self._stopping():
                    break
                future = client.submit(clean_shard, unit.src, str(self.out_dir / unit.out_rel), unit.rel,
                                       self.worker_options, token=self.token, index=i,
                                       stop_path=str(self.stop_path), topic=topic,
                                       key=f"artclean-shard-{self.token}-{i}", pure=False, retries=RETRIES,
                                       priority=unit.size)  # largest first: the last shards finish together
                pending[future] = (i, unit)
                self.running.add(i)
            done = as_completed(list(pending), loop=client.loop)
            while pending:
                if self._stopping() and not self.stop_sent:
                    self._stop(client, pending)
                batch = done.next_batch(block=False)
                if not batch:
                    self._tick()
                    time.sleep(0.05)
                    continue
                for future in batch:
                    i, unit = pending.pop(future)
                    self.running.discard(i)
                    self.live.pop(i, None)
                    self._collect(unit, future)
                self._tick()
        except KeyboardInterrupt:  # a second Ctrl-C: stop now; the running shards give up their temp files
            self.killed = True
            self._send_stop()
            try:
                client.cancel(list(pending), force=True)
            except Exception:
                pass
        finally:
            if topic:
                try:
                    client.unsubscribe_topic(topic)
                except Exception:
                    pass

    def _stop(self, client, pending: dict) -> None:
        """First Ctrl-C (or a full disk): shards not started are cancelled; running ones see the flag
        within STOP_CHECK_SECONDS, remove their temp file and return "aborted"."""
        self._send_stop()
        try:
            busy = {key for keys in client.processing().values() for key in keys}
            client.cancel([f for f in pending if f.key not in busy])
        except Exception:  # the scheduler is gone: its futures are cancelled already
            pass

    def _send_stop(self) -> None:
        if not self.stop_sent:
            self.stop_sent = True
            try:
                self.stop_path.touch()
            except OSError:
                pass

    def _on_progress(self, event) -> None:  # runs in the client's event-loop thread
        _, msg = event
        if msg.get("i") in self.running:
            self.live[msg["i"]] = (msg["records"], msg["bytes"])

    def _tick(self) -> None:
        if not self.display.live:
            return
        r = self.report
        live = list(self.live.values())
        extra_records, extra_bytes = sum(x[0] for x in live), sum(x[1] for x in live)
        r.done_items += extra_records
        r.records += extra_records
        r.done_bytes += extra_bytes
        try:
            self.display.tick()
        finally:
            r.done_items -= extra_records
            r.records -= extra_records
            r.done_bytes -= extra_bytes

    # ----- one shard's result

    def _collect(self, unit: Unit, future) -> None:
        r = self.report
        if future.cancelled():
            if not self.stop_sent:  # not by us: the scheduler went away; nothing more will finish
                self.fatal = self.fatal or f"{unit.out_rel}: the Dask cluster cancelled it (scheduler lost?)"
            return
        try:
            res = future.result()
        except Exception as exc:  # a dead worker (KilledWorker after retries) or a bug: this shard fails
            from distributed import KilledWorker

            why = ("a worker process died cleaning it" if isinstance(exc, KilledWorker)
                   else f"internal error ({exc!r})")
            res = {"status": "unreadable", "reason": why}
        status = res["status"]
        if status == "aborted":
            return
        if status == "output-error":
            self.fatal = self.fatal or res["reason"]
            return
        r.done_files += 1
        r.done_bytes += unit.size
        if status == "unreadable":
            r.failed += 1
            self._failure(unit, res["reason"], output=unit.out_rel)
            self.manifest.add(self._entry(unit, "failed", 0, Counter(failed=1)))
            return
        counts = res["counts"]
        r.add_counts(counts)
        r.bytes_in += res["bytes_in"]
        r.done_items += counts["records"]
        r.removed.update(res["removed"])
        for e in res["errors"]:
            self._failure(unit, e["reason"], output=unit.out_rel, line=e["line"], rid=e["id"], status=e["status"])
        r.bytes_out += res["out_size"]
        self.manifest.add(self._entry(unit, status, res["out_size"], Counter(counts)))

    def _close(self) -> None:
        self.manifest.close()
        self.errors.close()

    def remove_temps(self) -> None:
        """This run's temp files and stop flag (call when no task of this run can still be writing)."""
        for tmp in self.out_dir.rglob(f"{TEMP_PREFIX}{self.token}-*"):
            tmp.unlink(missing_ok=True)
        self.stop_path.unlink(missing_ok=True)


@contextmanager
def _client(scheduler: str | None, workers: int | None, client=None) -> Iterator[tuple[Any, bool]]:
    """(client, local): the given client, a client of the scheduler at `scheduler`, or a local cluster of
    `workers` single-threaded processes started here and shut down afterwards."""
    if client is not None:
        yield client, False
        return
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            c = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(f"cannot connect to the Dask scheduler ({' '.join(str(exc).split()) or type(exc).__name__})",
                              path=scheduler, hint="start one with `dask scheduler`, or leave out --scheduler") from None
        try:
            try:
                c.wait_for_workers(workers or 1, timeout=WORKERS_TIMEOUT)
            except TimeoutError:
                have = len(c.scheduler_info(n_workers=-1).get("workers", {})) if c.status == "running" else 0
                raise ConfigError(f"{have} Dask workers connected within {WORKERS_TIMEOUT:.0f} s, "
                                  f"{workers or 1} needed", path=scheduler,
                                  hint="start them with `dask worker ADDRESS`") from None
            yield c, False
        finally:
            c.close()
        return
    import dask.config

    # The workers' statistical profiler samples every thread every 10 ms and keeps an hour of history:
    # CPU and memory that grows with the run. Nobody looks at it here (no dashboard).
    with warnings.catch_warnings(), dask.config.set({"distributed.worker.profile.enabled": False}):
        # "Port 8787 is already in use": the scheduler's HTTP server then takes another port; fine.
        warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
        cluster = LocalCluster(n_workers=workers or default_jobs(), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.CRITICAL)
    try:
        c = Client(cluster, set_as_default=False)
        try:
            yield c, True
        finally:
            c.close()
    finally:
        cluster.close()


def run_dask(inputs: Iterable[str | os.PathLike], output: str | os.PathLike, options: Options = Options(), *,
             scheduler: str | None = None, workers: int | None = None, globs: Iterable[str] = (),
             resume: bool = False, quiet: bool = True, client=None) -> int:
    """`artclean batch SHARD... -o OUT_DIR --engine dask` as a library call; returns the exit code
    (0 all clean, 1 some records failed or had no article or an output could not be written, 130/143
    interrupted). Raises ConfigError (exit 2, nothing processed) for a missing extra, bad inputs, an
    unreachable scheduler, or workers that cannot see OUT_DIR.

    inputs: JSONL shards (.jsonl, .jsonl.gz), globs, or folders (their JSONL files); output: a folder,
    one output shard per input shard, mirrored as in the local batch. scheduler: the address of a
    running Dask scheduler (its workers must share this file system); without it a local cluster of
    `workers` processes (default: all cores) is started and shut down. client: an existing
    distributed.Client instead of either.
    """
    require_dask()
    output = os.fspath(output)
    if is_jsonl(output):
        raise ConfigError("--engine dask writes one output shard per input shard; -o must be a folder",
                          path=output, hint="give -o a folder, or use --engine local for one output file")
    plan = Plan(tuple(expand_inputs(inputs)), output, file_mode=False, globs=tuple(globs), fmt=options.fmt)
    for root in plan.roots:
        if not root.is_dir and not is_jsonl(root.path):
            raise ConfigError("not JSON Lines (.jsonl, .jsonl.gz); --engine dask cleans JSONL shards",
                              path=root.shown, hint="use --engine local for documents")
    _preflight(options)
    dask_engine = DaskEngine(options, plan, resume=resume, quiet=quiet)
    local = False
    try:
        with _client(scheduler, workers, client) as (c, local):
            return dask_engine.run_on(c)
    finally:
        if local or not dask_engine.running:  # nothing of this run can still be writing
            dask_engine.remove_temps()
