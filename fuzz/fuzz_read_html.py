"""Fuzz the HTML reader: `read_html(str)` must raise nothing at all, and must not be hiding a crash in
its catch-all either (a "read_html failed" warning); `clean(data, input="html")` may raise only
ArtcleanError. Run: python fuzz/fuzz_read_html.py -max_total_time=60 fuzz/corpus/read_html"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

with _common.instrumented(__name__):
    from artclean import clean
    from artclean.errors import ArtcleanError
    from artclean.read_html import read_html
    import bs4  # noqa: F401 (its tree builders are part of what is fuzzed)


def TestOneInput(data: bytes) -> None:
    html = data.decode("utf-8", "surrogateescape")  # lone surrogates too: read_html takes any str
    page = read_html(html)
    assert not any(w.startswith("read_html failed") for w in page.warnings), page.warnings
    for block in page.blocks:
        assert block.text and block.text == " ".join(block.text.split()), repr(block.text)
        assert "\x00" not in block.text
    try:
        article = clean(data, input="html", name="fuzz", max_bytes=_common.MAX_BYTES)
    except ArtcleanError:
        return
    article.to_json(), article.to_markdown()


def main() -> None:
    _common.run("read_html", TestOneInput)


if __name__ == "__main__":
    main()
