"""JSON Lines for `artclean batch`: reader, record cleaning, streaming atomic writer, manifest, error log.

A record is one JSON object per line (`.jsonl`, or `.jsonl.gz`). The output record is the input
record, every field kept, plus `"artclean": article.to_dict()`. Records that cannot be cleaned
(invalid JSON, not an object, no text field, text not a string, refused by clean()) are left out of
the output and described in errors.jsonl instead; they never stop a batch.

Nothing here holds more than one chunk of records in memory: the reader yields lines with a length
cap, the writer streams to a temp file that is renamed into place only when the whole input is done.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .errors import ArtcleanError, ConfigError, OutputError
from .output import TEMP_PREFIX

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
GZIP_LEVEL = 6  # Python's default of 9 costs about 4x the time for a few per cent (FIELD-NOTES A3)
READ_ERRORS = (OSError, EOFError, zlib.error)  # gzip.BadGzipFile is an OSError
SYNC_SECONDS = 2.0  # outputs and manifest made durable (syncfs + fsync) at most this often


def is_jsonl(name: str) -> bool:
    return name.lower().endswith(JSONL_SUFFIXES)


def is_gz(name: str) -> bool:
    return name.lower().endswith(".gz")


def line_limit(max_bytes: int) -> int:
    """The longest line read into memory: JSON escaping can triple a text's size."""
    return 3 * max_bytes + (1 << 20)


# --------------------------------------------------------------------------- reading

class LineReader:
    """Non-blank lines of a JSONL file as (line number, bytes), or (line number, None, reason) for a
    line too long to hold in memory. `position` is how far the underlying file has been read (for
    progress); a gzip or I/O error is raised to the caller with the last good line number in `line`."""

    def __init__(self, path: str, limit: int):
        self.raw = open(path, "rb")  # noqa: SIM115 (closed by close())
        self.stream = gzip.GzipFile(fileobj=self.raw, mode="rb") if is_gz(path) else self.raw
        self.limit = limit
        self.line = 0

    @property
    def position(self) -> int:
        try:
            return self.raw.tell()
        except (OSError, ValueError):
            return 0

    def __iter__(self) -> Iterator[tuple[int, bytes | None, str | None]]:
        readline, limit = self.stream.readline, self.limit
        while True:
            data = readline(limit + 1)
            if not data:
                return
            self.line += 1
            if len(data) > limit and not data.endswith(b"\n"):
                while True:  # skip the rest of the line without holding it
                    rest = readline(1 << 20)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield self.line, None, f"record too large (line longer than {limit / 1_000_000:.0f} MB)"
                continue
            if data.strip():
                yield self.line, data, None

    def close(self) -> None:
        try:
            if self.stream is not self.raw:
                self.stream.close()
        finally:
            self.raw.close()


# --------------------------------------------------------------------------- cleaning (in workers)

@dataclass
class ChunkResult:
    """What a worker sends back for a chunk of records, in input order."""

    data: bytes = b""  # output lines (one gzip member when the output is gzipped)
    errors: list[dict] = field(default_factory=list)  # {"line", "id", "reason", "status"}
    cleaned: int = 0
    no_article: int = 0
    failed: int = 0
    bytes_in: int = 0
    removed: Counter = field(default_factory=Counter)


def clean_records(items: list[tuple[int, bytes | None, str | None]], *, source: str, gz: bool,
                  text_field: str, id_field: str, max_bytes: int, clean: Callable) -> ChunkResult:
    """Clean a chunk of JSONL lines; `clean(text, name)` returns an Article or raises ArtcleanError."""
    result = ChunkResult()
    out: list[bytes] = []
    for line_no, data, problem in items:
        record_id = None
        try:
            if problem:
                raise _Bad(problem)
            result.bytes_in += len(data)
            record = _parse(data)
            record_id = _short_id(record.get(id_field))
            text = record.get(text_field)
            if text is None:
                raise _Bad(f"no {text_field!r} field" if text_field not in record else f"{text_field!r} is null")
            if not isinstance(text, str):
                raise _Bad(f"{text_field!r} is not a string (got {_json_type(text)})")
            if len(text) > max_bytes:
                raise _Bad(f"input too large ({len(text) / 1_000_000:.1f} MB > {max_bytes / 1_000_000:.1f} MB); "
                           "raise the limit with --max-bytes")
            name = str(record_id) if record_id is not None else f"{source}:{line_no}"
            article = clean(text, name)
        except _Bad as exc:
            result.failed += 1
            result.errors.append(_error(line_no, record_id, str(exc), "failed"))
            continue
        except ArtcleanError as exc:
            result.failed += 1
            result.errors.append(_error(line_no, record_id, reason(exc), "failed"))
            continue
        except Exception as exc:  # a bug in clean(): this record fails, the batch goes on
            result.failed += 1
            result.errors.append(_error(line_no, record_id, f"internal error ({exc!r})", "failed"))
            continue
        record["artclean"] = article.to_dict()
        out.append(_dump(record))
        result.removed.update(r.rule for r in article.removed)
        if article.found:
            result.cleaned += 1
        else:
            result.no_article += 1
            result.errors.append(_error(line_no, record_id, "no article found", "no-article"))
    data = b"".join(out)
    if gz and data:
        data = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    result.data = data
    return result


class _Bad(Exception):
    pass


def reason(exc: ArtcleanError) -> str:
    """An error's message and hint without its path (the error line names the source)."""
    text = exc.message + (f"; {exc.hint}" if exc.hint else "")
    return " ".join(text.split())


def _parse(data: bytes) -> dict:
    try:
        record = json.loads(data)
    except UnicodeDecodeError as exc:
        raise _Bad(f"invalid JSON (not UTF-8: {exc.reason} at byte {exc.start})") from None
    except ValueError as exc:
        raise _Bad(f"invalid JSON ({exc})") from None
    except RecursionError:
        raise _Bad("invalid JSON (nested too deeply)") from None
    if not isinstance(record, dict):
        raise _Bad(f"not a JSON object (got {_json_type(record)})")
    return record


def _dump(record: dict) -> bytes:
    try:
        return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from \udXXX escapes: keep them escaped
        return (json.dumps(record, separators=(",", ":")) + "\n").encode("ascii")


def _short_id(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value if not isinstance(value, str) or len(value) <= 300 else value[:300] + "…"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 300 else text[:300] + "…"


def _json_type(value) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "number",
            float: "number", type(None): "null"}.get(type(value), type(value).__name__)


def _error(line: int, record_id, why: str, status: str) -> dict:
    return {"line": line, "id": record_id, "reason": why, "status": status}


# --------------------------------------------------------------------------- writing

class AtomicStream:
    """A file written in pieces that appears at `path` whole or not at all.

    The pieces go to a temp file beside `path` (prefix output.TEMP_PREFIX, so a killed run's leftovers
    are recognised and removed); commit() fsyncs and renames it, abort() deletes it. Errors become
    OutputError. Gzip outputs are written as members compressed by the workers (see clean_records).
    """

    def __init__(self, path: str | Path, *, gz: bool = False, tag: str = ""):
        self.path = Path(path)
        self.gz = gz
        self.size = 0
        self.committed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(prefix=TEMP_PREFIX + tag, dir=self.path.parent)
        except OSError as exc:
            raise _output_error(exc, self.path) from None
        self.handle = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        if not data:
            return
        try:
            self.handle.write(data)
        except OSError as exc:
            self.abort()
            raise _output_error(exc, self.path) from None
        self.size += len(data)

    def commit(self) -> int:
        """Make the file appear at its path; returns its size."""
        try:
            if self.gz and not self.size:
                self.write(gzip.compress(b"", mtime=0))  # a valid empty gzip file, not 0 bytes
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            os.chmod(self.tmp, 0o644)
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.abort()
            raise _output_error(exc, self.path) from None
        self.committed = True
        return self.size

    def abort(self) -> None:
        try:
            self.handle.close()
        except OSError:
            pass
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


def _output_error(exc: OSError, path: Path) -> OutputError:
    error = OutputError(f"cannot write ({exc.strerror or exc})", path=str(path))
    error.errno = exc.errno  # type: ignore[attr-defined]
    return error


# --------------------------------------------------------------------------- the manifest and the error log

def _syncfs(path: Path) -> None:
    """Flush the file system holding `path` (Linux syncfs; elsewhere sync)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(path, os.O_RDONLY)
        try:
            libc.syncfs(fd)
        finally:
            os.close(fd)
    except (OSError, AttributeError):
        os.sync()


class Manifest:
    """Append-only JSONL, one line per finished item, written after the item's output is in place.
    Lines are flushed at once; outputs and manifest are made durable together every SYNC_SECONDS."""

    def __init__(self, path: Path, out_dir: Path):
        self.path, self.out_dir = path, out_dir
        self.handle = None
        self.last_sync = time.monotonic()

    @staticmethod
    def read(path: Path) -> dict[str, dict]:
        entries: dict[str, dict] = {}
        try:
            with open(path, "rb") as handle:
                for line in handle:
                    try:
                        entry = json.loads(line)
                        entries[entry["output"]] = entry
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut short by a kill
        except FileNotFoundError:
            pass
        return entries

    def open(self) -> None:
        self.handle = open(self.path, "ab")  # noqa: SIM115
        try:
            import fcntl

            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:
            pass
        except OSError:
            self.handle.close()
            raise ConfigError("another artclean batch is writing to this output folder",
                              path=str(self.out_dir)) from None
        if self.handle.tell() and not _ends_with_newline(self.path):
            self.handle.write(b"\n")  # finish a line cut short by a kill

    def add(self, *entries: dict) -> None:
        self.handle.write(b"".join(json.dumps(e, ensure_ascii=False).encode("utf-8") + b"\n" for e in entries))
        self.handle.flush()
        if time.monotonic() - self.last_sync > SYNC_SECONDS:
            self.sync()

    def sync(self) -> None:
        _syncfs(self.out_dir)
        os.fsync(self.handle.fileno())
        self.last_sync = time.monotonic()

    def close(self) -> None:
        if self.handle and not self.handle.closed:
            try:
                self.sync()
            finally:
                self.handle.close()


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


class ErrorLog:
    """errors.jsonl: one line per failed or article-less item: source, output, line, id, reason, status."""

    def __init__(self, path: Path):
        self.path = path
        self.handle = None
        self.count = 0

    def add(self, entry: dict) -> None:
        if self.handle is None:
            self.handle = open(self.path, "ab")  # noqa: SIM115
        self.handle.write(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
        self.handle.flush()
        self.count += 1

    def keep_only(self, outputs: set[str]) -> None:
        """On --resume: keep the lines of the items that will be skipped; the others are redone."""
        if not self.path.exists():
            return
        stream = AtomicStream(self.path)
        with open(self.path, "rb") as handle:
            for line in handle:
                try:
                    keep = json.loads(line).get("output") in outputs
                except (ValueError, AttributeError):
                    keep = False
                if keep:
                    stream.write(line if line.endswith(b"\n") else line + b"\n")
                    self.count += 1
        stream.commit()
        if not self.count:
            self.path.unlink(missing_ok=True)

    def close(self) -> None:
        if self.handle:
            self.handle.close()
