"""Fuzz the rule-pack loader: `load_pack` (YAML, tags, aliases, validation, regex compiling and linting)
and `lint_pack` may raise only RulePackError (an ArtcleanError); a pack that loads must then match lines
without raising. Run: python fuzz/fuzz_rulepack.py -max_total_time=60 fuzz/corpus/rulepack"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

with _common.instrumented(__name__):
    from artclean.errors import ArtcleanError
    from artclean.rulepack import RuleSet, lint_pack, load_pack

_LINES = ["Diesen Artikel teilen", "WERBUNG", "Foto: dpa", "Von Anna Müller", "", "a" * 400,
          "Ein ganz normaler Satz, der im Artikel steht."]


def TestOneInput(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # load_pack refuses non-UTF-8 files before YAML sees them
    try:
        pack = load_pack("fuzz.yaml", origin="--rules", text=text)
    except ArtcleanError as exc:
        assert "\n" not in exc.one_line()
        pack = None
    try:
        lint_pack("fuzz.yaml", origin="--rules", text=text)
    except ArtcleanError:
        pass
    if pack is None:
        return
    rules = RuleSet([pack])
    for line in _LINES + [text[:200]]:
        rules.match(line)
        rules.cut_inline(line)


def main() -> None:
    _common.run("rulepack", TestOneInput)


if __name__ == "__main__":
    main()
