"""Fuzz `artclean.decode.decode(bytes)`: only InputError (an ArtcleanError) may come out, and what
comes out is normalised text. Run: python fuzz/fuzz_decode.py -max_total_time=60 fuzz/corpus/decode"""

import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

with _common.instrumented(__name__):
    from artclean.decode import decode
    from artclean.errors import ArtcleanError

_FORBIDDEN = {chr(c) for c in range(32) if c != 10} | {"\x7f", "\u200b", "\ufeff", "\u2028", "\u2029", "\x85"}


def TestOneInput(data: bytes) -> None:
    try:
        out = decode(data, name="fuzz", max_bytes=_common.MAX_BYTES)
    except ArtcleanError as exc:
        assert exc.one_line() and "\n" not in exc.one_line()
        return
    text = out.text
    assert isinstance(text, str) and isinstance(out.encoding, str)
    assert not _FORBIDDEN.intersection(text), sorted(_FORBIDDEN.intersection(text))
    assert unicodedata.is_normalized("NFC", text)
    assert all(isinstance(w, str) and "\n" not in w for w in out.warnings)


def main() -> None:
    _common.run("decode", TestOneInput)


if __name__ == "__main__":
    main()
