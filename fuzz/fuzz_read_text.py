"""Fuzz the text reader, alone (`read_text(decode(...).text)`, which must not raise) and inside the whole
pipeline (`clean(data, input="text")`, which may raise only ArtcleanError).
Run: python fuzz/fuzz_read_text.py -max_total_time=60 fuzz/corpus/read_text"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

with _common.instrumented(__name__):
    from artclean import clean
    from artclean.decode import decode
    from artclean.errors import ArtcleanError
    from artclean.read_text import MAX_LINE_CHARS, read_text
    from artclean.rulepack import norm


def TestOneInput(data: bytes) -> None:
    try:
        text = decode(data, name="fuzz", max_bytes=_common.MAX_BYTES).text
    except ArtcleanError:
        text = data.decode("utf-8", "replace")  # the reader still gets to see it
    lines = text.split("\n")
    last = 0
    for block in read_text(text):
        assert block.text and block.text == norm(block.text) and len(block.text) <= MAX_LINE_CHARS
        assert last <= block.line <= len(lines), (block.line, len(lines))
        assert block.text in norm(lines[block.line - 1])
        last = block.line
    try:
        article = clean(data, input="text", name="fuzz", max_bytes=_common.MAX_BYTES)
    except ArtcleanError:
        return
    article.to_json(), article.to_markdown(), article.to_text()


def main() -> None:
    _common.run("read_text", TestOneInput)


if __name__ == "__main__":
    main()
