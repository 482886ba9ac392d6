"""Shared by the atheris harnesses in this folder and by tests/test_fuzz_smoke.py.

A harness module defines `TestOneInput(data: bytes)`, which must raise only what its target
documents (an ArtcleanError, or nothing at all), and `main()`, which runs it under atheris.
`seeds(target)` are the starting inputs: the fixtures plus a few hand-made ones; `crashes(target)`
are the inputs fuzzing once crashed on, kept in fuzz/crashes/TARGET/ and replayed by the tests.
"""

from __future__ import annotations

import contextlib
import gzip
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = ROOT / "fixtures"
RULES = ROOT / "rules"
MAX_BYTES = 1_000_000  # inputs are small; a bigger limit only slows the fuzzer down


def _fixtures(*suffixes: str) -> list[bytes]:
    return [p.read_bytes() for p in sorted(FIXTURES.iterdir())
            if p.suffix in suffixes and ".expected" not in p.name]


def seeds(target: str) -> list[bytes]:
    texts = _fixtures(".txt")
    pages = _fixtures(".html")
    if target == "decode":
        sample = texts[0].decode("utf-8")
        return texts + pages + [
            b"", b"\xef\xbb\xbf" + texts[0][:200], sample[:200].encode("utf-16"), sample[:200].encode("utf-16-be"),
            sample[:200].encode("utf-32-le"), sample[:200].encode("cp1252", "replace"), gzip.compress(texts[1][:500]),
            b"\x89PNG\r\n\x1a\n\x00\x00", b"\x28\xb5\x2f\xfd\x00", "Für\r\nGr\xfc\xdfe\rx".encode("latin-1"),
            b'<meta charset="iso-8859-7">\xe1\xe2', b"a\x00b\x07c\x1b[0m",
        ]
    if target == "read_text":
        return texts + [b"", b"\n\n\n", b"- a\n* b\n\xe2\x80\xa2 c\n", b"x" * 3000, b"\r\n".join(t[:300] for t in texts[:3])]
    if target == "read_html":
        return pages + [
            b"", b"<p>unclosed <b>bold <i>italic", b"<!-- unclosed comment <p>text</p>",
            b"<script>var s = '</script><p>after</p>';</script>", b"<div>" * 300 + b"deep" + b"</div>" * 300,
            b"<table><tr><td>cell<td>cell</table>", b"<p a=b c='d' e=\"f\">attrs</p><br/><hr>",
            b'<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","author":[{"name":"A"}]}</script>',
        ]
    if target == "rulepack":
        packs = [p.read_bytes() for p in sorted(RULES.rglob("*.yaml"))]
        return packs + [
            b"pack: x\nrules: []\n",
            b"pack: x\napplies_to: {language: de}\nrules:\n  - id: x.a\n    action: drop\n    match: {exact: [a]}\n"
            b"    examples: {drop: [a]}\n",
            b"a: &a [1, 1]\nb: &b [*a, *a]\nc: [*b, *b]\n",
            b"pack: x\nrules: !!python/object/apply:builtins.len [[1]]\n",
            b"pack: x\nrules:\n  - id: x.a\n    action: drop\n    match: {regex: '(a|aa)+$'}\n",
        ]
    if target == "jsonl":
        return [
            b'{"id": 1, "text": "Ein Satz."}\n{"id": 2, "text": ""}\n',
            b'{"id": "a", "text": ' + _json_str(texts[0][:1500]) + b'}\n{bad json\n[1, 2]\n{"text": 5}\n',
            gzip.compress(b'{"id": "gz", "text": "Hallo Welt, ein langer Satz."}\n'),
            b'{"id": {"nested": [1]}, "text": null}\n\n\n{"id": "\\ud800", "text": "x"}\n',
        ]
    raise ValueError(f"unknown fuzz target {target!r}")


def _json_str(data: bytes) -> bytes:
    import json

    return json.dumps(data.decode("utf-8", "replace")).encode()


def crashes(target: str) -> list[tuple[str, bytes]]:
    folder = HERE / "crashes" / target
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")] \
        if folder.is_dir() else []


def instrumented(module: str):
    """Around a harness's imports: atheris coverage instrumentation when it runs as the fuzzer (only
    what is imported inside; instrumenting everything loaded takes minutes), nothing when tests import it."""
    if module != "__main__":
        return contextlib.nullcontext()
    import atheris

    return atheris.instrument_imports()


def run(target: str, test_one_input) -> None:
    """`python fuzz/fuzz_TARGET.py [libFuzzer options] [CORPUS_DIR ...]` under atheris."""
    import atheris

    for arg in sys.argv[1:]:
        if not arg.startswith("-"):
            corpus = Path(arg)
            if not corpus.exists() or not any(corpus.iterdir()):  # first run: seed the corpus
                corpus.mkdir(parents=True, exist_ok=True)
                for i, seed in enumerate(seeds(target) + [data for _, data in crashes(target)]):
                    (corpus / f"seed-{i:03d}").write_bytes(seed)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


def copy_crash(target: str, path: str) -> Path:
    """Keep a crash input as a regression fixture: `python fuzz/_common.py TARGET crash-xxxx`."""
    dest = HERE / "crashes" / target / Path(path).name
    shutil.copyfile(path, dest)
    return dest


if __name__ == "__main__":
    print(copy_crash(sys.argv[1], sys.argv[2]))
