"""Fuzz the JSONL reader (`jsonl.LineReader`) and record cleaning (`jsonl.clean_records`): only ArtcleanError
may come out, and a bad record must be a described failure, never an "internal error". A `.jsonl.gz`
input may also raise the reader's documented read errors (`jsonl.READ_ERRORS`: a broken gzip stream),
which `artclean batch` reports as an error line.
Run: python fuzz/fuzz_jsonl.py -max_total_time=60 fuzz/corpus/jsonl"""

import atexit
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

with _common.instrumented(__name__):
    from artclean import clean
    from artclean.errors import ArtcleanError
    from artclean.jsonl import READ_ERRORS, LineReader, clean_records

_DIR = Path(tempfile.mkdtemp(prefix="artclean-fuzz-jsonl-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
LIMIT = 64 * 1024  # the line length cap, small so that the too-long path is reached


def _clean(text, name):
    return clean(text, name=name, max_bytes=_common.MAX_BYTES)


def TestOneInput(data: bytes) -> None:
    gz = data[:2] == b"\x1f\x8b"
    path = _DIR / ("in.jsonl.gz" if gz else "in.jsonl")
    path.write_bytes(data)
    reader = LineReader(str(path), LIMIT)
    try:
        items = list(reader)
    except READ_ERRORS:
        assert gz, "a plain .jsonl file raised a read error"
        return
    except ArtcleanError:
        return
    finally:
        reader.close()
    numbers = [line for line, _, _ in items]
    assert numbers == sorted(set(numbers))
    result = clean_records(items, source=str(path), gz=False, text_field="text", id_field="id",
                           max_bytes=_common.MAX_BYTES, clean=_clean)
    assert result.cleaned + result.no_article + result.failed == len(items)
    for error in result.errors:
        assert not error["reason"].startswith("internal error"), error


def main() -> None:
    _common.run("jsonl", TestOneInput)


if __name__ == "__main__":
    main()
