"""`artclean batch`: clean folders, files and JSON Lines in parallel, safely and resumably.

The parent walks the inputs (sorted, directory symlinks not followed, regular files only), hands
chunks of work to a process pool (each worker calls `clean()`), and records every finished item in
an append-only manifest after its output is in place. Documents are written by the workers (temp file
+ rename); JSON Lines are read and written by the parent, in input order, while workers clean chunks
of records. At most a few chunks per worker are in flight, so memory stays flat however large the
input. Ctrl-C stops submitting, lets the running chunks finish, and leaves a state `--resume` continues.
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import json
import multiprocessing
import os
import signal
import stat
import sys
import tempfile
import time
from collections import Counter, deque
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import click

from . import __version__
from .cli import FORMATS, common_options, render
from .errors import (EXIT_INTERRUPTED, EXIT_NO_ARTICLE, EXIT_OK, EXIT_TERMINATED, ArtcleanError, ConfigError,
                     InputError, OutputError)
from .jsonl import (READ_ERRORS, AtomicStream, ErrorLog, LineReader, Manifest, clean_records, is_gz, is_jsonl,
                    line_limit, reason)
from .output import TEMP_PREFIX, remove_stale_temps, write_atomic
from .pipeline import clean

FORMAT_EXT = {"md": ".md", "json": ".json", "text": ".txt"}
MANIFEST = ".artclean-manifest.jsonl"
ERRORS = "errors.jsonl"
DOC_CHUNK, DOC_CHUNK_BYTES = 8, 4 << 20  # documents per task
RECORD_CHUNK, RECORD_CHUNK_BYTES = 64, 2 << 20  # JSONL records per task
FATAL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}  # every further write would fail too


# --------------------------------------------------------------------------- options and workers

@dataclass(frozen=True)
class Options:
    fmt: str = "md"
    lang: str | None = None
    input_mode: str = "auto"
    rules: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    site: str | None = None
    max_bytes: int = 20_000_000
    text_field: str = "text"
    id_field: str = "id"

    def clean(self, data: bytes | str, name: str):
        return clean(data, name=name, lang=self.lang, input=self.input_mode, rules=list(self.rules) or None,
                     site=self.site, disable=self.disable, max_bytes=self.max_bytes)

    def key(self) -> str:
        """Changes when anything that changes an output changes: version, rule packs, options."""
        from .rulepack import builtin_rules_dir, pack_files

        digest = hashlib.sha256()
        for root in (builtin_rules_dir(), *map(Path, self.rules)):
            for f in pack_files(root) if root.exists() else ():
                digest.update(f.name.encode() + b"\0" + f.read_bytes())
        settings = {**self.__dict__, "version": __version__, "packs": digest.hexdigest()}
        return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


_WORKER: dict[str, Any] = {}


def _init_worker(options: Options, in_pool: bool = True) -> None:
    if in_pool:  # Ctrl-C goes to the whole process group; only the parent decides what happens
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER.update(options=options, dirs=set())


def _clean_docs(items: list[tuple[str, str, str]]) -> list[tuple]:
    """(source path, output path, name) -> (status, bytes in, bytes out, removed, reason, fatal)."""
    return [_clean_doc(*item) for item in items]


def _clean_doc(src: str, out: str, name: str) -> tuple:
    options: Options = _WORKER["options"]
    size = 0
    try:
        data = _read_regular(src, name, options.max_bytes)
        size = len(data)
        article = options.clean(data, name)
        text = render(article, options.fmt).encode("utf-8")
        _write(out, text)
    except OutputError as exc:
        return "failed", size, 0, None, reason(exc), getattr(exc, "errno", None) in FATAL_ERRNOS
    except ArtcleanError as exc:
        return "failed", size, 0, None, reason(exc), False
    except Exception as exc:  # a bug in clean(): this file fails, the batch goes on
        return "failed", size, 0, None, f"internal error ({exc!r})", False
    removed = Counter(r.rule for r in article.removed)
    return ("cleaned" if article.found else "no-article"), size, len(text), removed, None, False


def _clean_chunk(source: str, gz: bool, items: list) -> Any:
    options: Options = _WORKER["options"]
    return clean_records(items, source=source, gz=gz, text_field=options.text_field, id_field=options.id_field,
                         max_bytes=options.max_bytes, clean=options.clean)


def _read_regular(path: str, name: str, max_bytes: int) -> bytes:
    """Read a regular file (never blocks on a FIFO that replaced it since the walk)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError("vanished before it was read", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", path=name) from None
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file", path=name)
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"cannot read ({exc.strerror or exc})", path=name) from None
    if len(data) > max_bytes:
        raise InputError(f"input too large (> {max_bytes / 1_000_000:.1f} MB)", path=name,
                         hint="raise the limit with --max-bytes")
    return data


def _write(path: str, data: bytes) -> None:
    """Temp file beside `path`, then rename: readers see nothing or the whole file. Durability is
    batched: the parent syncs the file system before it fsyncs the manifest (Manifest.sync)."""
    directory = os.path.dirname(path)
    tmp = None
    try:
        if directory not in _WORKER["dirs"]:
            os.makedirs(directory, exist_ok=True)
            _WORKER["dirs"].add(directory)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=directory)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(exc, OSError):
            error = OutputError(f"cannot write ({exc.strerror or exc})", path=path)
            error.errno = exc.errno  # type: ignore[attr-defined]
            raise error from None
        raise


# --------------------------------------------------------------------------- inputs

@dataclass
class Unit:
    """One input file: a document, a JSONL file, or one skipped or failed while walking."""

    kind: str  # "doc" | "jsonl" | "skip" | "error"
    src: str  # absolute path
    shown: str  # the path as the user wrote it, for messages
    rel: str  # relative to the common base of the inputs ("/" separators): clean()'s name
    out_rel: str | None = None  # output path relative to OUT_DIR
    size: int = 0
    mtime_ns: int = 0
    reason: str | None = None


@dataclass
class Root:
    path: str  # absolute, symlinks kept (the tree the user sees)
    real: str
    shown: str
    is_dir: bool


def _within(path: str, folder: str) -> bool:
    return path != folder and path.startswith(folder.rstrip(os.sep) + os.sep)


class Plan:
    """The inputs, checked, and the units they expand to, in a deterministic order."""

    def __init__(self, inputs: tuple[str, ...], output: str, *, file_mode: bool, globs: tuple[str, ...] = (),
                 fmt: str = "md"):
        self.file_mode, self.globs, self.ext = file_mode, globs, FORMAT_EXT[fmt]
        self.out = os.path.abspath(output)
        roots = [self._root(shown) for shown in inputs]
        self.roots = self._dedupe(roots)
        self._refuse_overlaps(output)
        bases = [r.path if r.is_dir else os.path.dirname(r.path) for r in self.roots]
        self.base = os.path.commonpath(bases)

    def _root(self, shown: str) -> Root:
        path = os.path.abspath(shown)
        try:
            info = os.stat(path)
        except FileNotFoundError:
            raise ConfigError("no such file or folder", path=shown) from None
        except OSError as exc:
            raise ConfigError(f"cannot read ({exc.strerror or exc})", path=shown) from None
        if not (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)):
            raise ConfigError("not a regular file or folder", path=shown)
        if self.file_mode and stat.S_ISREG(info.st_mode) and not is_jsonl(path):
            raise ConfigError("not JSON Lines (.jsonl, .jsonl.gz), and -o names one JSONL file", path=shown,
                              hint="give -o a folder to clean documents")
        return Root(path, os.path.realpath(path), shown, stat.S_ISDIR(info.st_mode))

    @staticmethod
    def _dedupe(roots: list[Root]) -> list[Root]:
        """Drop inputs given twice or lying inside another input folder (they would be cleaned twice)."""
        kept: list[Root] = []
        for i, r in enumerate(roots):
            twice = any(o.real == r.real or o.path == r.path for o in roots[:i])
            inside = any(o.is_dir and (_within(r.real, o.real) or _within(r.path, o.path)) for o in roots)
            if not (twice or inside):
                kept.append(r)
        return kept

    def _refuse_overlaps(self, output: str) -> None:
        out, real = self.out, os.path.realpath(self.out)
        hint = "choose an -o outside the inputs"
        for r in self.roots:
            if self.file_mode:
                if r.is_dir and (_within(out, r.path) or _within(real, r.real)):
                    raise ConfigError(f"the output file is inside the input folder {r.shown}", path=output, hint=hint)
                if not r.is_dir and (out == r.path or real == r.real):
                    raise ConfigError("the output is an input file; artclean never overwrites its input", path=output)
                continue
            if r.is_dir and (out == r.path or real == r.real):
                raise ConfigError("the output folder is the input folder", path=output, hint=hint)
            if r.is_dir and (_within(out, r.path) or _within(real, r.real)):
                raise ConfigError(f"the output folder is inside the input folder {r.shown}", path=output, hint=hint)
            if not r.is_dir and real == r.real:
                raise ConfigError("the output is an input file; artclean never overwrites its input", path=output)
            if _within(r.path, out) or _within(r.real, real):
                raise ConfigError(f"the input {r.shown} is inside the output folder", path=output, hint=hint)

    def units(self) -> Iterator[Unit]:
        if self.file_mode:  # one output: the order of the arguments is the order of the records
            for r in self.roots:
                yield from (self._walk(r) if r.is_dir else self._units(os.path.dirname(r.path), [r]))
            return
        groups: dict[str, list[Root]] = {}
        for r in self.roots:
            if not r.is_dir:
                groups.setdefault(os.path.dirname(r.path), []).append(r)
        for folder, files in groups.items():
            yield from self._units(folder, files)
        for r in self.roots:
            if r.is_dir:
                yield from self._walk(r)

    def _walk(self, root: Root) -> Iterator[Unit]:
        stack = [root.path]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                shown = self._shown(root, folder)
                yield Unit("error", folder, shown, self._rel(folder), reason=f"cannot read folder ({exc.strerror})")
                continue
            files, subfolders = [], []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        subfolders.append(entry.path)
                        continue
                except OSError:
                    pass
                if self._wanted(entry.name, os.path.relpath(entry.path, root.path).replace(os.sep, "/")):
                    files.append(Root(entry.path, entry.path, self._shown(root, entry.path), False))
            yield from self._units(folder, files)
            stack.extend(reversed(subfolders))

    def _wanted(self, name: str, rel: str) -> bool:
        if self.file_mode and not is_jsonl(name):
            return False
        if not self.globs:
            return True
        return any(fnmatch.fnmatch(rel if "/" in g else name, g) for g in self.globs)

    def _units(self, folder: str, files: list[Root]) -> Iterator[Unit]:
        units = [self._classify(f) for f in files]
        rel_dir = self._rel(folder)
        names = _output_names([(os.path.basename(u.src), u.kind) for u in units if u.kind in ("doc", "jsonl")],
                              self.ext, reserved={ERRORS, MANIFEST} if rel_dir in ("", ".") else set())
        for u in units:
            if u.kind in ("doc", "jsonl"):
                out = names[os.path.basename(u.src)]
                u.out_rel = out if rel_dir in ("", ".") else f"{rel_dir}/{out}"
            yield u

    def _classify(self, f: Root) -> Unit:
        rel = self._rel(f.path)
        try:
            info = os.stat(f.path)
        except OSError as exc:
            link = os.path.islink(f.path)
            why = ("symlink loop" if exc.errno == errno.ELOOP else "broken symlink" if link
                   else f"cannot read ({exc.strerror})")
            return Unit("error", f.path, f.shown, rel, reason=why)
        if stat.S_ISDIR(info.st_mode):
            return Unit("skip", f.path, f.shown, rel, reason="folder symlink (not followed)")
        if not stat.S_ISREG(info.st_mode):
            return Unit("skip", f.path, f.shown, rel, reason="not a regular file")
        kind = "jsonl" if is_jsonl(f.path) else "doc"
        return Unit(kind, f.path, f.shown, rel, size=info.st_size, mtime_ns=info.st_mtime_ns)

    def _rel(self, path: str) -> str:
        return os.path.relpath(path, self.base).replace(os.sep, "/")

    @staticmethod
    def _shown(root: Root, path: str) -> str:
        return os.path.join(root.shown, os.path.relpath(path, root.path))


def _output_names(files: list[tuple[str, str]], ext: str, reserved: set[str]) -> dict[str, str]:
    """Output names for the files of one folder: `a.html` -> `a.md`; when two files would give the same
    name (`a.html`, `a.txt`) both keep their full name (`a.html.md`, `a.txt.md`), then `-2`, `-3`."""

    def primary(name: str, kind: str) -> str:
        if kind == "jsonl":
            return name
        base = name[:-3] if name.lower().endswith(".gz") else name
        stem = os.path.splitext(base)[0] or base
        return stem + ext

    def alternative(name: str, kind: str) -> tuple[str, str]:
        if kind == "jsonl":
            cut = name.lower().rindex(".jsonl")
            return name[:cut] + ".artclean", name[cut:]
        return (name[:-3] if name.lower().endswith(".gz") else name), ext

    wanted = Counter(primary(n, k) for n, k in files)
    taken = set(reserved)
    names: dict[str, str] = {}
    for n, k in files:
        p = primary(n, k)
        if wanted[p] == 1 and p not in reserved:
            names[n] = p
            taken.add(p)
    for n, k in files:
        if n in names:
            continue
        stem, suffix = alternative(n, k)
        candidate, i = stem + suffix, 2
        while candidate in taken:
            candidate, i = f"{stem}-{i}{suffix}", i + 1
        names[n] = candidate
        taken.add(candidate)
    return names


# --------------------------------------------------------------------------- the run

@dataclass
class Report:
    files: int = 0
    records: int = 0
    cleaned: int = 0
    no_article: int = 0
    failed: int = 0
    earlier: int = 0  # units a previous run finished (--resume)
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    bytes_in: int = 0
    bytes_out: int = 0
    removed: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    done_bytes: int = 0  # progress: input bytes finished (including skipped)
    done_items: int = 0  # documents and records cleaned in this run
    done_files: int = 0  # progress: input files finished (including skipped and failed)
    started: float = field(default_factory=time.monotonic)

    def add_counts(self, counts: dict) -> None:
        self.records += counts.get("records", 0)
        self.cleaned += counts.get("cleaned", 0)
        self.no_article += counts.get("no_article", 0)
        self.failed += counts.get("failed", 0)


@dataclass
class Sink:
    """One JSONL output being written: its writer, whether it was given up, its counts."""

    writer: AtomicStream | None
    out_rel: str
    aborted: bool = False
    read_error: str | None = None
    counts: Counter = field(default_factory=Counter)


@dataclass
class Entry:
    """A submitted task, kept in input order: results are handled in the order tasks were submitted."""

    future: Future | None  # None: a marker, `callback()` runs when everything before it is done
    fn: Callable | None = None
    args: tuple = ()
    items: list = field(default_factory=list)
    meta: list = field(default_factory=list)
    callback: Callable = lambda *a: None
    sink: Sink | None = None


class _SerialPool:
    """--jobs 1: the tasks run in this process, when submitted."""

    def __init__(self, options: Options):
        _init_worker(options, in_pool=False)

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


class _Signals:
    """First SIGINT/SIGTERM: stop submitting and finish cleanly. Second: stop now (KeyboardInterrupt)."""

    def __init__(self):
        self.signum: int | None = None
        self.saved: dict = {}

    def __enter__(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self.saved[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread: signals stay as they are
                pass
        return self

    def _handle(self, signum, frame):
        if self.signum is not None:
            raise KeyboardInterrupt
        self.signum = signum

    def __exit__(self, *exc):
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)


class Engine:
    """One batch run: prepare OUT, feed the pool in input order, record results, shut down, report."""

    def __init__(self, options: Options, plan: Plan, *, jobs: int, resume: bool, quiet: bool):
        self.options, self.plan, self.jobs, self.resume, self.quiet = options, plan, jobs, resume, quiet
        self.key = options.key()
        self.report = Report()
        self.queue: deque[Entry] = deque()
        self.window = 1 if jobs == 1 else 4 * jobs  # tasks in flight: enough to keep every worker busy
        self.fatal: str | None = None
        self.killed = False
        self.signals = _Signals()
        self.pool: Any = None
        self.sinks: list[Sink] = []
        self.docs: list[Unit] = []
        self.docs_bytes = 0
        self.earlier: dict[str, dict] = {}
        self.limit = line_limit(options.max_bytes)
        self.display = Display(self.report, quiet=quiet)
        out = Path(plan.out)
        if plan.file_mode:
            self.out_dir = out.parent
            stem = out.name[: out.name.lower().rindex(".jsonl")]
            self.manifest = Manifest(self.out_dir / f".{out.name}.artclean-manifest.jsonl", self.out_dir)
            self.errors = ErrorLog(self.out_dir / f"{stem}.errors.jsonl")
        else:
            self.out_dir = out
            self.manifest = Manifest(out / MANIFEST, out)
            self.errors = ErrorLog(out / ERRORS)

    # ----- setup

    def prepare(self) -> None:
        out = Path(self.plan.out)
        if self.plan.file_mode:
            if out.is_dir():
                raise ConfigError("is a folder; a JSONL output is a file name ending in .jsonl or .jsonl.gz",
                                  path=str(out))
            if self.manifest.path.exists() and not self.resume:
                raise ConfigError("this output was written by an earlier batch", path=str(out),
                                  hint="use --resume to skip it if nothing changed, or another -o")
            for tmp in out.parent.glob(f"{TEMP_PREFIX}{out.name}-*"):
                tmp.unlink(missing_ok=True)
            return
        if out.exists() and not out.is_dir():
            raise ConfigError("exists and is not a folder", path=str(out))
        if (out / MANIFEST).exists() and not self.resume:
            raise ConfigError("the output folder holds an earlier batch", path=str(out),
                              hint="use --resume to continue it, or another -o")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the output folder ({exc.strerror or exc})", path=str(out)) from None
        self.manifest.open()
        remove_stale_temps(out)
        if self.resume:
            self.earlier = self._finished(Manifest.read(self.manifest.path))
            self.errors.keep_only(set(self.earlier))
        else:
            self.errors.path.unlink(missing_ok=True)

    def _finished(self, entries: dict[str, dict]) -> dict[str, dict]:
        """Manifest entries whose output is in place and whose input and settings are unchanged."""
        done = {}
        for out_rel, e in entries.items():
            if e.get("key") != self.key or e.get("status") == "failed":
                continue
            try:
                src, out = os.stat(e["input"]), os.stat(self.out_dir / out_rel)
            except (OSError, KeyError, TypeError):
                continue
            if (src.st_size, src.st_mtime_ns, out.st_size) == (e.get("size"), e.get("mtime_ns"), e.get("out_size")):
                done[out_rel] = e
        return done

    # ----- the main loop

    def run(self) -> int:
        self.prepare()
        with self.signals, self.display:
            if self.display.live:
                self.display.set_total(*self._totals())
            try:
                self.pool = self._new_pool()
                self.report.started = time.monotonic()
                if self.plan.file_mode:
                    self._run_file_mode()
                else:
                    self._run_dir_mode()
                self._drain()
            except KeyboardInterrupt:
                self._kill()
            finally:
                self._shutdown()
        return self._finish()

    def _totals(self) -> tuple[int, int]:
        files = size = 0
        for u in self.plan.units():
            if u.kind in ("doc", "jsonl"):
                files, size = files + 1, size + u.size
            if self.signals.signum is not None:
                break
        return files, size

    def _stopping(self) -> bool:
        return self.signals.signum is not None or self.fatal is not None

    def _run_dir_mode(self) -> None:
        for unit in self.plan.units():
            if self._stopping():
                break
            if self._walked(unit) or self._skip_earlier(unit):
                continue
            if unit.kind == "doc":
                self.docs.append(unit)
                self.docs_bytes += unit.size
                if len(self.docs) >= DOC_CHUNK or self.docs_bytes >= DOC_CHUNK_BYTES:
                    self._flush_docs()
            else:
                self._flush_docs()
                self._run_jsonl(unit, None)
        self._flush_docs()

    def _walked(self, unit: Unit) -> bool:
        """Units the walk already decided: skipped (not regular files) or failed (broken symlinks)."""
        if unit.kind == "skip":
            self.report.skipped[unit.reason] += 1
            return True
        if unit.kind == "error":
            self.report.files += 1
            self.report.done_files += 1
            self.report.failed += 1
            self._failure(unit, unit.reason, output=None)
            return True
        self.report.files += 1
        return False

    def _skip_earlier(self, unit: Unit) -> bool:
        e = self.earlier.get(unit.out_rel)
        if not e or (e.get("input"), e.get("size"), e.get("mtime_ns")) != (unit.src, unit.size, unit.mtime_ns):
            return False
        self.report.earlier += 1
        self.report.done_files += 1
        self.report.done_bytes += unit.size
        if unit.kind == "doc":
            self.report.add_counts({"cleaned" if e["status"] == "cleaned" else "no_article": 1})
        else:
            self.report.add_counts(e.get("counts", {}))
        return True

    def _failure(self, unit: Unit, why: str, *, output: str | None, line: int | None = None, rid=None,
                 status: str = "failed") -> None:
        if status == "failed":
            self.report.reasons[why] += 1
        self.errors.add({"source": unit.shown, "output": output, "line": line, "id": rid, "reason": why,
                         "status": status})

    # ----- documents

    def _flush_docs(self) -> None:
        if not self.docs or self._stopping():
            return
        items = [(u.src, str(self.out_dir / u.out_rel), u.rel) for u in self.docs]
        self._submit(Entry(None, _clean_docs, (), items, list(self.docs), self._on_docs))
        self.docs, self.docs_bytes = [], 0

    def _on_docs(self, units: list[Unit], results: list[tuple]) -> None:
        entries = []
        for unit, (status, size, out_size, removed, why, fatal) in zip(units, results):
            r = self.report
            r.bytes_in += size
            r.bytes_out += out_size
            r.done_bytes += unit.size
            r.done_items += 1
            r.done_files += 1
            entry = {"input": unit.src, "size": unit.size, "mtime_ns": unit.mtime_ns, "output": unit.out_rel,
                     "out_size": out_size, "status": status, "key": self.key}
            if status == "failed":
                r.failed += 1
                entry["reason"] = why
                self._failure(unit, why, output=unit.out_rel)
                if fatal and not self.fatal:
                    self.fatal = f"{unit.out_rel}: {why}"
            else:
                r.cleaned += status == "cleaned"
                r.no_article += status == "no-article"
                r.removed.update(removed)
                if status == "no-article":
                    self._failure(unit, "no article found", output=unit.out_rel, status="no-article")
            entries.append(entry)
        self.manifest.add(*entries)
        self.display.tick()

    # ----- JSON Lines

    def _run_jsonl(self, unit: Unit, sink: Sink | None) -> None:
        """Stream one JSONL file through the pool. Without a shared `sink` (dir mode) the file gets its own
        output, renamed into place and recorded in the manifest when its last chunk is done."""
        own = sink is None
        try:
            reader = LineReader(unit.src, self.limit)
        except OSError as exc:
            self.report.failed += 1
            self._failure(unit, f"cannot read ({exc.strerror or exc})", output=unit.out_rel)
            self.report.done_bytes += unit.size
            self.report.done_files += 1
            if own:
                self.manifest.add(self._entry(unit, "failed", 0, Counter(failed=1)))
            else:
                sink.counts["failed"] += 1
            return
        if own:
            try:
                sink = Sink(AtomicStream(self.out_dir / unit.out_rel, gz=is_gz(unit.out_rel)), unit.out_rel)
            except OutputError as exc:
                reader.close()
                self.fatal = exc.one_line()
                return
            self.sinks.append(sink)
        gz = is_gz(sink.out_rel)
        chunk, size, position, read_error = [], 0, 0, None
        try:
            for item in reader:
                chunk.append(item)
                size += len(item[1] or b"")
                if len(chunk) >= RECORD_CHUNK or size >= RECORD_CHUNK_BYTES:
                    if self._stopping():
                        sink.aborted = True
                        break
                    new = reader.position
                    self._submit_chunk(unit, sink, gz, chunk, new - position)
                    chunk, size, position = [], 0, new
        except READ_ERRORS as exc:
            why = str(exc).rstrip(".") or type(exc).__name__
            read_error = f"unreadable after line {reader.line} ({why})" if reader.line else f"cannot read ({why})"
            if own:
                sink.read_error = read_error
        finally:
            reader.close()
        if chunk and not sink.aborted:
            self._submit_chunk(unit, sink, gz, chunk, unit.size - position)
        if read_error:
            self._submit(Entry(None, callback=partial(self._on_read_error, unit, sink, read_error)))
        self._submit(Entry(None, callback=partial(self._finish_jsonl, unit, sink) if own else self._file_done))

    def _file_done(self) -> None:
        self.report.done_files += 1

    def _submit_chunk(self, unit: Unit, sink: Sink, gz: bool, chunk: list, nbytes: int) -> None:
        self._submit(Entry(None, _clean_chunk, (unit.rel, gz), chunk, [nbytes], partial(self._on_chunk, unit, sink),
                           sink))

    def _on_chunk(self, unit: Unit, sink: Sink, meta: list, result) -> None:
        r = self.report
        r.done_bytes += meta[0] if meta else 0
        if sink.aborted:
            return
        try:
            sink.writer.write(result.data)
        except OutputError as exc:
            sink.aborted = True
            self.fatal = self.fatal or exc.one_line()
            return
        counts = {"records": result.cleaned + result.no_article + result.failed, "cleaned": result.cleaned,
                  "no_article": result.no_article, "failed": result.failed}
        sink.counts.update(counts)
        r.add_counts(counts)
        r.bytes_in += result.bytes_in
        r.done_items += counts["records"]
        r.removed.update(result.removed)
        for e in result.errors:
            self._failure(unit, e["reason"], output=sink.out_rel, line=e["line"], rid=e["id"], status=e["status"])
        self.display.tick()

    def _on_read_error(self, unit: Unit, sink: Sink, why: str) -> None:
        if not sink.aborted:
            sink.counts["failed"] += 1
            self.report.failed += 1
            self._failure(unit, why, output=sink.out_rel)

    def _finish_jsonl(self, unit: Unit, sink: Sink) -> None:
        self.report.done_files += 1
        if sink.aborted or (sink.read_error and not sink.counts["records"]):
            sink.writer.abort()
            if not sink.aborted:  # nothing readable: no output, retried by --resume
                self.manifest.add(self._entry(unit, "failed", 0, sink.counts))
            return
        try:
            size = sink.writer.commit()
        except OutputError as exc:
            self.fatal = self.fatal or exc.one_line()
            return
        self.report.bytes_out += size
        clean = not (sink.read_error or sink.counts["failed"] or sink.counts["no_article"])
        self.manifest.add(self._entry(unit, "cleaned" if clean else "partial", size, sink.counts))

    def _entry(self, unit: Unit, status: str, out_size: int, counts: Counter) -> dict:
        return {"input": unit.src, "size": unit.size, "mtime_ns": unit.mtime_ns, "output": unit.out_rel,
                "out_size": out_size, "status": status, "key": self.key,
                "counts": {k: counts.get(k, 0) for k in ("records", "cleaned", "no_article", "failed")}}

    def _run_file_mode(self) -> None:
        """All JSONL inputs into one output file: one unit of work, written and renamed at the end."""
        out = Path(self.plan.out)
        units = list(self.plan.units())
        signature = hashlib.sha256(json.dumps([(u.src, u.size, u.mtime_ns) for u in units]).encode()).hexdigest()
        previous = Manifest.read(self.manifest.path).get(out.name) if self.resume else None
        if previous and self._same_output(previous, signature, out):
            self.report.earlier = sum(u.kind == "jsonl" for u in units)
            self.report.files += self.report.earlier
            self.report.add_counts(previous.get("counts", {}))
            self.report.done_bytes = sum(u.size for u in units)
            return
        self.errors.path.unlink(missing_ok=True)
        try:
            sink = Sink(AtomicStream(out, gz=is_gz(out.name), tag=out.name + "-"), out.name)
        except OutputError as exc:
            raise ConfigError(exc.message, path=exc.path) from None
        self.sinks.append(sink)
        for unit in units:
            if self._stopping():
                sink.aborted = True
                break
            unit.out_rel = out.name
            if not self._walked(unit):
                self._run_jsonl(unit, sink)
        self._submit(Entry(None, callback=partial(self._finish_file_mode, sink, signature)))

    def _same_output(self, e: dict, signature: str, out: Path) -> bool:
        try:
            size = out.stat().st_size
        except OSError:
            return False
        return (e.get("key"), e.get("input"), e.get("out_size"), e.get("status") != "failed") == (
            self.key, signature, size, True)

    def _finish_file_mode(self, sink: Sink, signature: str) -> None:
        if sink.aborted:
            sink.writer.abort()
            return
        try:
            size = sink.writer.commit()
        except OutputError as exc:
            self.fatal = self.fatal or exc.one_line()
            return
        self.report.bytes_out += size
        counts = {k: sink.counts.get(k, 0) for k in ("records", "cleaned", "no_article", "failed")}
        entry = {"input": signature, "output": sink.out_rel, "out_size": size, "key": self.key,
                 "status": "cleaned" if not (counts["failed"] or counts["no_article"]) else "partial",
                 "counts": counts}
        write_atomic(self.manifest.path, json.dumps(entry).encode() + b"\n")

    # ----- the pool and the in-order queue

    def _new_pool(self):
        if self.jobs == 1:
            return _SerialPool(self.options)
        method = "fork" if sys.platform.startswith("linux") else None  # fork: rule packs already loaded
        return ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context(method),
                                   initializer=_init_worker, initargs=(self.options,))

    def _submit(self, entry: Entry) -> None:
        while len(self.queue) >= self.window:
            self._drain_one()
        if entry.fn is not None:
            if self._stopping():  # markers still go in: they give up their unfinished outputs
                if entry.sink:
                    entry.sink.aborted = True
                return
            entry.future = self.pool.submit(entry.fn, *entry.args, entry.items)
        self.queue.append(entry)
        if entry.fn is None and len(self.queue) == 1:
            self._drain_one()

    def _drain(self) -> None:
        if self._stopping():
            for e in self.queue:
                if e.future is not None:
                    e.future.cancel()
        while self.queue:
            self._drain_one()

    def _drain_one(self) -> None:
        entry = self.queue[0]
        if entry.future is None:
            self.queue.popleft()
            entry.callback()
            return
        while True:
            try:
                result = entry.future.result(timeout=0.1)
                break
            except FutureTimeout:
                self.display.tick()
                if self._stopping():
                    for e in self.queue:
                        if e.future is not None:
                            e.future.cancel()
            except CancelledError:
                self.queue.popleft()
                if entry.sink:
                    entry.sink.aborted = True
                return
            except BrokenProcessPool:
                self._recover()
                return
            except Exception as exc:  # the task itself failed (a bug): its items fail, the batch goes on
                result = self._failed_result(entry, f"internal error ({exc!r})")
                break
        self.queue.popleft()
        entry.callback(entry.meta, result)

    def _recover(self) -> None:
        """A worker died (a crash in a parser, the OOM killer). Rerun the tasks that were in flight one at
        a time in a new pool, splitting them, so only the item that kills a worker fails."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        pending = list(self.queue)
        self.queue.clear()
        if self._stopping():  # a SIGTERM to the process group: this is an interruption, not a crash
            for e in pending:
                if e.sink:
                    e.sink.aborted = True
            self.queue.extend(e for e in pending if e.future is None)  # markers abort their outputs
            return
        self.pool = self._new_pool()
        for e in pending:
            if e.future is not None and not (e.future.done() and not e.future.cancelled()
                                             and e.future.exception() is None):
                e.future = self._isolate(e)
            self.queue.append(e)

    def _isolate(self, e: Entry) -> Future:
        results = []
        for item in e.items:
            try:
                result = self.pool.submit(e.fn, *e.args, [item]).result()
            except BrokenProcessPool:
                self.pool.shutdown(wait=False, cancel_futures=True)
                self.pool = self._new_pool()
                result = self._failed_result(Entry(None, e.fn, e.args, [item]), "a worker process died cleaning it")
            results.append(result)
        done: Future = Future()
        if e.fn is _clean_docs:
            done.set_result([r for part in results for r in part])
        else:
            merged = results[0]
            for part in results[1:]:
                merged.data += part.data
                merged.errors += part.errors
                merged.cleaned, merged.no_article = merged.cleaned + part.cleaned, merged.no_article + part.no_article
                merged.failed, merged.bytes_in = merged.failed + part.failed, merged.bytes_in + part.bytes_in
                merged.removed.update(part.removed)
            done.set_result(merged)
        return done

    @staticmethod
    def _failed_result(e: Entry, why: str):
        if e.fn is _clean_docs:
            return [("failed", 0, 0, None, why, False) for _ in e.items]
        from .jsonl import ChunkResult

        return ChunkResult(errors=[{"line": n, "id": None, "reason": why, "status": "failed"} for n, *_ in e.items],
                           failed=len(e.items))

    def _kill(self) -> None:
        """A second Ctrl-C: stop the workers now; what they were writing is removed below."""
        self.killed = True
        _quiet_executor_thread()
        for process in list(getattr(self.pool, "_processes", {}).values()):
            process.terminate()
        for process in list(getattr(self.pool, "_processes", {}).values()):
            process.join(2)
        self.queue.clear()
        for sink in self.sinks:
            sink.aborted = True

    def _shutdown(self) -> None:
        try:
            if self.pool is not None:
                self.pool.shutdown(wait=not self.killed, cancel_futures=True)
        finally:
            for sink in self.sinks:  # an output not finished by now is given up (its temp file removed)
                if sink.writer and not sink.writer.committed:
                    sink.writer.abort()
            if self.killed and not self.plan.file_mode:
                remove_stale_temps(self.out_dir)
            self.manifest.close()
            self.errors.close()

    # ----- the end

    def _finish(self) -> int:
        interrupted = self.killed or self.signals.signum is not None
        if not self.quiet:
            self.display.summary(self.errors)
        if self.fatal:
            click.echo(f"artclean: error: {self.fatal}; stopped, the outputs written so far are complete; "
                       "rerun with --resume", err=True)
        elif interrupted:
            click.echo("artclean: interrupted; the outputs written so far are complete; rerun with --resume",
                       err=True)
        if interrupted:
            return EXIT_TERMINATED if self.signals.signum == signal.SIGTERM else EXIT_INTERRUPTED
        r = self.report
        return EXIT_NO_ARTICLE if (self.fatal or r.failed or r.no_article) else EXIT_OK


def _quiet_executor_thread() -> None:
    """After workers are killed, the executor's thread may try to fail futures that were cancelled and
    print InvalidStateError (a CPython 3.11 race); that is expected here, so keep it off the terminal."""
    import threading
    from concurrent.futures import InvalidStateError

    previous = threading.excepthook

    def hook(args):
        if not isinstance(args.exc_value, InvalidStateError):
            previous(args)

    threading.excepthook = hook


# --------------------------------------------------------------------------- the command

EPILOG = """\b
Examples:
  artclean batch scraped/ -o clean/                   a folder tree to Markdown files
  artclean batch scraped/ -o clean/ --glob '*.html'   only the HTML pages
  artclean batch pages.jsonl.gz -o clean.jsonl.gz     JSON Lines to JSON Lines, in order
  artclean batch scraped/ -o clean/ --resume          continue an interrupted batch

\b
Exit codes:
  0    every input was cleaned
  1    some inputs failed or had no article (see the summary and errors.jsonl),
       or an output could not be written (disk full)
  2    usage error: bad option, missing input, output inside an input folder;
       nothing was processed
  130  interrupted (Ctrl-C) after a clean stop; --resume continues
"""


def _clean_options(fn):
    """clean's options that apply to a batch (all but --input-name, which names stdin)."""
    fn = common_options(fn)
    fn.__click_params__ = [p for p in fn.__click_params__ if p.name != "input_name"]
    return fn


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@click.command("batch", epilog=EPILOG)
@click.argument("inputs", nargs=-1, required=True, metavar="IN...")
@click.option("-o", "--output", required=True, metavar="OUT_DIR|OUT.jsonl[.gz]",
              help="A folder that mirrors the input tree, or one JSONL file for JSONL inputs.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True,
              help="Output format of documents (JSONL records always get the JSON contract).")
@click.option("--glob", "globs", multiple=True, metavar="PATTERN",
              help="Only files matching PATTERN in folders (name, or path with a /); repeatable.")
@click.option("--text-field", default="text", show_default=True, metavar="NAME", help="JSONL: the text field.")
@click.option("--id-field", default="id", show_default=True, metavar="NAME", help="JSONL: the id field.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes (default: all cores).")
@click.option("--resume", is_flag=True, help="Continue an earlier run: skip the outputs its manifest lists.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary on stderr.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: this machine's processes; dask: a Dask cluster (JSONL shards; needs artclean[dask]).")
@click.option("--scheduler", metavar="ADDRESS", help="--engine dask: a running scheduler (tcp://host:8786).")
@click.option("--workers", type=click.IntRange(min=1), metavar="N",
              help="--engine dask: processes of the local cluster (default: all cores); with --scheduler, "
                   "the workers to wait for.")
@_clean_options
def batch_command(inputs, output, fmt, globs, text_field, id_field, jobs, resume, quiet, engine, scheduler, workers,
                  lang, input_mode, rules, disable, site, max_bytes):
    """Clean many articles: files, folders and JSON Lines (.jsonl, .jsonl.gz), in parallel.

    Folders are read recursively: every regular file except hidden ones (--glob narrows); folder
    symlinks are not followed. Documents go to OUT_DIR, mirroring the input tree, with the format's
    extension (a.html -> a.md). A JSONL file gives a JSONL file, records in input order: each keeps
    its fields and gets "artclean" (the JSON contract); records that cannot be cleaned are left out
    and listed in errors.jsonl with their line number. With -o FILE.jsonl[.gz] all JSONL inputs (and
    the JSONL files of input folders) go into that one file, in order. Inputs are never modified.

    Every output is written atomically and recorded in OUT_DIR/.artclean-manifest.jsonl once it is
    complete, so --resume skips finished outputs only. Failures and articles not found are listed
    in OUT_DIR/errors.jsonl (source, line, id, reason) and the batch goes on.
    """
    from .config import for_command  # the config file and ARTCLEAN_RULES apply as for `artclean FILE`

    settings = for_command(click.get_current_context(), rules, disable, lang, fmt, input_mode)
    options = Options(fmt=settings.format, lang=settings.lang, input_mode=settings.input,
                      rules=tuple(path for path, _origin in settings.rules), disable=tuple(settings.disable),
                      site=site, max_bytes=max_bytes, text_field=text_field, id_field=id_field)
    if engine == "dask":
        from .dask import run_dask

        if jobs is not None:
            raise click.UsageError("--jobs goes with --engine local; the Dask cluster has --workers")

        code = run_dask(inputs, output, options, scheduler=scheduler, workers=workers, globs=globs, resume=resume,
                        quiet=quiet)
    else:
        if scheduler or workers:
            raise click.UsageError("--scheduler and --workers go with --engine dask")
        code = run_batch(inputs, output, options, globs=globs, jobs=jobs, resume=resume, quiet=quiet)
    click.get_current_context().exit(code)


def run_batch(inputs: Iterable[str], output: str, options: Options = Options(), *, globs: Iterable[str] = (),
              jobs: int | None = None, resume: bool = False, quiet: bool = True) -> int:
    """The batch as a library call: returns the exit code (0, 1, 130); raises ConfigError (a usage error,
    nothing done) or RulePackError. `options` are clean()'s options plus the output format and fields."""
    plan = Plan(tuple(map(str, inputs)), str(output), file_mode=is_jsonl(str(output)), globs=tuple(globs),
                fmt=options.fmt)
    _preflight(options)
    return Engine(options, plan, jobs=jobs or default_jobs(), resume=resume, quiet=quiet).run()


def _preflight(options: Options) -> None:
    """Rule packs and options are checked (exit 2) and loaded once, before the workers are forked."""
    try:
        options.clean("artclean batch preflight.", "<preflight>")
    except InputError:
        pass


# --------------------------------------------------------------------------- progress and summary

class Display:
    """Progress on stderr while it is a terminal (not with --quiet); the summary table at the end."""

    def __init__(self, report: Report, *, quiet: bool):
        from rich.console import Console

        self.report = report
        self.console = Console(stderr=True)
        self.live = not quiet and self.console.is_terminal
        self.progress: Any = None
        self.task: Any = None
        self.last = 0.0
        self.files_total = 0

    def __enter__(self):
        if self.live:
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("[bold]artclean batch"), BarColumn(), TaskProgressColumn(),
                                     TextColumn("{task.fields[info]}"), TimeRemainingColumn(),
                                     console=self.console, transient=True, auto_refresh=False)
            self.progress.start()  # no refresh thread: the workers are forked from a single-threaded parent
            self.task = self.progress.add_task("batch", total=None, info="scanning the inputs…")
            self.progress.refresh()
        return self

    def set_total(self, files: int, size: int) -> None:
        self.files_total = files
        self.progress.update(self.task, total=max(size, 1))

    def tick(self) -> None:
        now = time.monotonic()
        if not self.live or now - self.last < 0.1:
            return
        self.last = now
        r = self.report
        rate = r.done_items / max(now - r.started, 1e-9)
        info = f"{r.done_files:,}/{self.files_total:,} files"
        if r.records:
            info += f" · {r.records:,} records"
        info += f" · {rate:,.0f}/s"
        self.progress.update(self.task, completed=r.done_bytes, info=info)
        self.progress.refresh()

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.stop()

    def summary(self, errors: ErrorLog) -> None:
        from rich import box
        from rich.table import Table

        r = self.report
        elapsed = time.monotonic() - r.started
        table = Table(title="artclean batch", box=box.SIMPLE, show_header=False, title_justify="left",
                      min_width=60)
        table.add_column(style="bold")
        table.add_column(justify="right")
        inputs = _plural(r.files, "file") + (f", {_plural(r.records, 'record')}" if r.records else "")
        table.add_row("inputs", inputs)
        table.add_row("cleaned", f"{r.cleaned:,}")
        table.add_row("no article", f"{r.no_article:,}")
        table.add_row("failed", f"{r.failed:,}")
        skipped = [f"{r.earlier:,} finished earlier"] if r.earlier else []
        skipped += [f"{n:,} {why}" for why, n in sorted(r.skipped.items())]
        table.add_row("skipped", ", ".join(skipped) or "0")
        table.add_row("bytes in / out", f"{_size(r.bytes_in)} / {_size(r.bytes_out)}")
        rate = r.done_items / elapsed if elapsed > 0 else 0
        table.add_row("time", f"{elapsed:,.1f} s ({rate:,.0f} documents/s)")
        self.console.print(table)
        if r.removed:
            rules = Table(title="removed lines by rule (top 10)", box=box.SIMPLE, show_header=False,
                          title_justify="left", min_width=60)
            rules.add_column()
            rules.add_column(justify="right")
            for rule, n in r.removed.most_common(10):
                rules.add_row(rule, f"{n:,}")
            self.console.print(rules)
        if r.reasons:
            reasons = Table(title="failures by reason", box=box.SIMPLE, show_header=False, title_justify="left",
                      min_width=60)
            reasons.add_column()
            reasons.add_column(justify="right")
            for why, n in _by_kind(r.reasons).most_common(10):
                reasons.add_row(why, f"{n:,}")
            self.console.print(reasons)
        if errors.count:
            self.console.print(f"details: {errors.path} ({errors.count:,} lines)", highlight=False)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _by_kind(reasons: Counter) -> Counter:
    """Failure reasons for the summary: details that differ per line (JSON parser positions) dropped."""
    kinds: Counter = Counter()
    for why, n in reasons.items():
        if why.startswith("unreadable after line"):
            why = "unreadable after some lines (broken gzip data, I/O error)"
        elif why.startswith(("invalid JSON", "internal error")):
            why = why.split(" (")[0]
        kinds[why] += n
    return kinds


def _size(n: int) -> str:
    return f"{n / 1_000_000:,.1f} MB" if n >= 100_000 else f"{n / 1000:,.1f} kB"
