#!/usr/bin/env python3
"""Check artclean rule packs against the pack format and their own examples.

Standalone (needs only PyYAML and regex), so it can run before the package is
installed:

    python scripts/check_packs.py              # every pack in rules/ and rules/sites/
    python scripts/check_packs.py rules/de.yaml rules/sites/euronews.yaml

It checks the format of PACK-FORMAT.md strictly (unknown keys, types, duplicate
YAML keys, duplicate rule ids across all packs, missing examples, regexes that
do not compile, run slowly or nest quantifiers) and then every example against
its rule with the documented semantics: whitespace normalised, literal matches
casefolded and regexes IGNORECASE unless `case: sensitive`, `max_chars`.

Every problem is one line, `FILE:LINE: rule ID: problem` (`pack` instead of
`rule ID` for problems outside a rule). Exit status: 0 when every pack passes,
1 when any problem was found.
"""

from __future__ import annotations

import sys
import time
import unicodedata
from pathlib import Path

import regex
import yaml

ROOT = Path(__file__).resolve().parent.parent

PACK_KEYS = {"pack", "description", "applies_to", "function_words", "months",
             "classifier", "disable", "rules"}
APPLIES_KEYS = {"language", "sites", "detect", "all"}
RULE_KEYS = {"id", "description", "action", "match", "case", "max_chars", "label",
             "then", "examples"}
MATCH_KEYS = {"exact", "startswith", "contains", "regex"}
EXAMPLE_KEYS = {"drop", "keep", "label", "inline"}
ACTIONS = {"drop", "drop-inline", "cut-after", "label", "keep"}
LABELS = {"headline", "caption", "credit", "byline", "date", "subheading", "related"}
THENS = {"related", "drop"}
CASES = {"insensitive", "sensitive"}
# Which example lists each action takes; the first is the positive one.
ACTION_EXAMPLES = {
    "drop": ("drop", "keep"),
    "cut-after": ("drop", "keep"),
    "label": ("label", "keep"),
    "drop-inline": ("inline", "keep"),
    "keep": ("keep", "drop"),  # keep rule: `keep` lines it protects, `drop` lines it must not match
}
PACK_ID = regex.compile(r"^[a-z0-9][a-z0-9-]*$")
RULE_ID = regex.compile(r"^[a-z0-9.-]+$")
LANGUAGE = regex.compile(r"^[a-z]{2}$")
DOMAIN = regex.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")
ZERO_WIDTH = regex.compile("[\u200b\u200c\u200d\u2060\ufeff]")
SPACES = regex.compile(r"\s+")

FUNCTION_WORDS_MIN, FUNCTION_WORDS_MAX = 80, 150
REGEX_TIMEOUT = 0.25  # seconds, per call
REGEX_SLOW = 0.05  # seconds for one search over a stress line
MAX_REGEX_LEN = 2000
STRESS_LINES = [
    "a" * 3000 + "!",
    "A " * 1500 + "!",
    "Wort " * 600 + ":",
    "Von " + "Aa " * 900 + "x",
    " > ".join(["Abc"] * 600) + " ?",
    "12.06.2025, 18:30 Uhr " * 150 + "x",
    "© " + "Foto: " * 500,
    "Facebook" * 400 + "?",
    "é" * 3000 + ".",
]


class LineDict(dict):
    """A mapping that remembers the source line of the YAML node."""

    line = 0


class LineList(list):
    """A sequence that remembers its own line and the line of each item."""

    line = 0
    lines: list[int] = []


class DuplicateKey(Exception):
    def __init__(self, key, line):
        super().__init__(f"duplicate key {key!r}")
        self.key, self.line = key, line


class Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and keeps line numbers."""


def _construct_map(loader, node):
    loader.flatten_mapping(node)
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    seen = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise DuplicateKey(key, key_node.start_mark.line + 1)
        seen.add(key)
    data.update(loader.construct_mapping(node, deep=True))


def _construct_seq(loader, node):
    data = LineList()
    data.line = node.start_mark.line + 1
    data.lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node, deep=True))


Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def normalise(text: str) -> str:
    """NFC, zero-width characters removed, whitespace runs collapsed, stripped."""
    text = unicodedata.normalize("NFC", text)
    text = ZERO_WIDTH.sub("", text)
    return SPACES.sub(" ", text).strip()


def line_of(obj, default: int) -> int:
    return getattr(obj, "line", 0) or default


class Report:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, path: Path, line: int, who: str, message: str) -> None:
        self.problems.append(f"{display(path)}:{line}: {who}: {message}")


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- matching

class Rule:
    """A compiled rule with the documented matching semantics."""

    def __init__(self, data: dict):
        self.id = data["id"]
        self.action = data["action"]
        self.sensitive = data.get("case", "insensitive") == "sensitive"
        max_chars = data.get("max_chars")
        self.max_chars = max_chars if type(max_chars) is int and max_chars > 0 else None
        match = data["match"]
        fold = self._fold
        self.exact = [fold(normalise(s)) for s in match.get("exact", [])]
        self.startswith = [fold(normalise(s)) for s in match.get("startswith", [])]
        self.contains = [fold(normalise(s)) for s in match.get("contains", [])]
        flags = 0 if self.sensitive else regex.IGNORECASE
        self.regex = regex.compile(match["regex"], flags) if "regex" in match else None
        lit_flags = 0 if self.sensitive else regex.IGNORECASE | regex.FULLCASE
        self.contains_res = [regex.compile(regex.escape(normalise(s)), lit_flags)
                             for s in match.get("contains", [])]

    def _fold(self, text: str) -> str:
        return text if self.sensitive else text.casefold()

    def applies(self, line: str) -> bool:
        return self.max_chars is None or len(line) <= self.max_chars

    def match(self, line: str):
        """Return (matched, value) for a normalised line."""
        if not self.applies(line):
            return False, None
        if self.regex is not None:
            m = self.regex.search(line, timeout=REGEX_TIMEOUT)
            if m:
                value = m.groupdict().get("value")
                return True, line if value is None else value.strip()
        folded = self._fold(line)
        if (folded in self.exact
                or any(folded.startswith(s) for s in self.startswith)
                or any(s in folded for s in self.contains)):
            return True, line
        return False, None

    def cut_inline(self, line: str) -> str:
        """Remove every span the contains/regex matches find; return the rest."""
        if not self.applies(line):
            return line
        spans = []
        for pattern in self.contains_res:
            spans.extend(m.span() for m in pattern.finditer(line, timeout=REGEX_TIMEOUT))
        if self.regex is not None:
            spans.extend(m.span() for m in self.regex.finditer(line, timeout=REGEX_TIMEOUT)
                         if m.end() > m.start())
        if not spans:
            return line
        spans.sort()
        merged = [list(spans[0])]
        for start, end in spans[1:]:
            if start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        parts, pos = [], 0
        for start, end in merged:
            parts.append(line[pos:start])
            pos = end
        parts.append(line[pos:])
        return normalise("".join(parts))


# ---------------------------------------------------------------- format checks

def nested_quantifier(pattern: str) -> str | None:
    """Find a quantified group that holds an unbounded quantifier, or any
    quantifier inside a group with an unbounded quantifier: `(\\w+\\s?)+`."""
    stack = [{"inner": False, "unbounded_inner": False}]
    i, n = 0, len(pattern)

    def quantifier_at(j: int):
        """(kind, length) of the quantifier starting at j: kind None/'bounded'/'unbounded'."""
        if j >= n:
            return None, 0
        c = pattern[j]
        if c in "*+":
            return "unbounded", 1
        if c == "?":
            return "optional", 1
        if c == "{":
            m = regex.match(r"\{(\d*)(,?)(\d*)\}", pattern[j:])
            if m:
                if m.group(2) and not m.group(3):
                    return "unbounded", m.end()
                return "bounded", m.end()
        return None, 0

    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 < n and pattern[i + 1] in "pPN" and i + 2 < n and pattern[i + 2] == "{":
                i = pattern.find("}", i) + 1 or n
            else:
                i += 2
            kind, length = quantifier_at(i)
            if kind:
                stack[-1]["inner"] = True
                stack[-1]["unbounded_inner"] |= kind == "unbounded"
                i += length
            continue
        if c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            kind, length = quantifier_at(i)
            if kind:
                stack[-1]["inner"] = True
                stack[-1]["unbounded_inner"] |= kind == "unbounded"
                i += length
            continue
        if c == "(":
            stack.append({"inner": False, "unbounded_inner": False})
            i += 1
            continue
        if c == ")" and len(stack) > 1:
            frame = stack.pop()
            i += 1
            kind, length = quantifier_at(i)
            if kind in ("unbounded", "bounded"):
                if frame["unbounded_inner"] or (kind == "unbounded" and frame["inner"]):
                    end = min(n, i + length)
                    return pattern[max(0, i - 30):end]
            parent = stack[-1]
            parent["inner"] |= frame["inner"] or bool(kind)
            parent["unbounded_inner"] |= frame["unbounded_inner"] or kind == "unbounded"
            i += length
            continue
        i += 1
        kind, length = quantifier_at(i)
        if kind:
            stack[-1]["inner"] = True
            stack[-1]["unbounded_inner"] |= kind == "unbounded"
            i += length
    return None


def check_strings(value, what: str, problem, sensitive: bool = False) -> list[str]:
    """A non-empty list of non-empty, already-normalised strings."""
    if not isinstance(value, list) or not value:
        problem(f"{what} must be a non-empty list of strings")
        return []
    good = []
    for item in value:
        if not isinstance(item, str) or not item:
            problem(f"{what}: {item!r} is not a non-empty string")
        elif normalise(item) != item:
            problem(f"{what}: {item!r} is not whitespace-normalised, it can never match")
        else:
            good.append(item)
    if len(set(s if sensitive else s.casefold() for s in good)) != len(good):
        problem(f"{what}: duplicate entries")
    return good


def check_regex(pattern, sensitive: bool, max_chars, problem):
    if not isinstance(pattern, str) or not pattern:
        problem("match.regex must be a non-empty string")
        return None
    if len(pattern) > MAX_REGEX_LEN:
        problem(f"match.regex is longer than {MAX_REGEX_LEN} characters")
    try:
        compiled = regex.compile(pattern, 0 if sensitive else regex.IGNORECASE)
    except regex.error as exc:
        problem(f"bad regex: {exc}")
        return None
    nested = nested_quantifier(pattern)
    if nested:
        problem(f"nested quantifier near {nested!r}: bound the inner or outer repeat")
    for stress in STRESS_LINES:
        line = stress[:max_chars] if max_chars else stress
        try:
            # best of two runs, so a scheduler hiccup is not reported as a slow regex
            spent = min(timed_search(compiled, line) for _ in range(2))
        except TimeoutError:
            problem(f"regex timed out ({REGEX_TIMEOUT}s) on a {len(line)}-character line")
            break
        if spent > REGEX_SLOW:
            problem(f"slow regex: {spent:.3f}s on a {len(line)}-character line")
            break
    return compiled


def timed_search(compiled, line: str) -> float:
    start = time.perf_counter()
    compiled.search(line, timeout=REGEX_TIMEOUT)
    return time.perf_counter() - start


def check_rule(data, pack_id: str, path: Path, report: Report) -> Rule | None:
    line = line_of(data, 0)
    rid = data.get("id") if isinstance(data, dict) else None
    who = f"rule {rid}" if isinstance(rid, str) else "rule ?"
    ok = True

    def problem(message: str, at: int | None = None) -> None:
        nonlocal ok
        ok = False
        report.add(path, at or line, who, message)

    if not isinstance(data, dict):
        problem("a rule must be a mapping")
        return None
    for key in data:
        if key not in RULE_KEYS:
            problem(f'unknown key "{key}"')
    if not isinstance(rid, str):
        problem("missing or non-string id")
    elif not RULE_ID.match(rid) or not rid.startswith(pack_id + ".") or rid == pack_id + ".":
        problem(f'id must be "{pack_id}.<name>" in [a-z0-9.-]')
    if "description" in data and (not isinstance(data["description"], str)
                                  or "\n" in data["description"].strip()):
        problem("description must be a one-line string")
    action = data.get("action")
    if action not in ACTIONS:
        problem(f"action must be one of {', '.join(sorted(ACTIONS))}, not {action!r}")
    case = data.get("case", "insensitive")
    if case not in CASES:
        problem(f"case must be insensitive or sensitive, not {case!r}")
    max_chars = data.get("max_chars")
    if max_chars is not None and (isinstance(max_chars, bool) or not isinstance(max_chars, int)
                                  or max_chars <= 0):
        problem("max_chars must be a positive integer")
        max_chars = None
    if action == "label":
        if data.get("label") not in LABELS:
            problem(f"label must be one of {', '.join(sorted(LABELS))}")
    elif "label" in data:
        problem('"label" is only for action label')
    if action == "cut-after":
        if data.get("then") not in THENS:
            problem("cut-after needs then: related or then: drop")
    elif "then" in data:
        problem('"then" is only for action cut-after')

    match = data.get("match")
    if not isinstance(match, dict) or not match:
        problem("match must be a mapping with exact, startswith, contains or regex")
        match = {}
    for key in match:
        if key not in MATCH_KEYS:
            problem(f'unknown key "match.{key}"')
    for key in ("exact", "startswith", "contains"):
        if key in match:
            check_strings(match[key], f"match.{key}", problem, case == "sensitive")
    if "regex" in match:
        check_regex(match["regex"], case == "sensitive", max_chars, problem)
    if action == "drop-inline" and ("exact" in match or "startswith" in match):
        problem("drop-inline cuts contains/regex spans; exact and startswith are not allowed")
    if action == "drop-inline" and not ({"contains", "regex"} & set(match)):
        problem("drop-inline needs match.contains or match.regex")

    examples = data.get("examples")
    if not isinstance(examples, dict):
        problem("examples are required (a mapping)")
        examples = {}
    for key in examples:
        if key not in EXAMPLE_KEYS:
            problem(f'unknown key "examples.{key}"')
    allowed = ACTION_EXAMPLES.get(action, ())
    for key in examples:
        if key in EXAMPLE_KEYS and key not in allowed:
            problem(f'examples.{key} does not fit action {action}')
    if allowed:
        positive, negative = allowed
        for key in (positive, negative):
            items = examples.get(key)
            if not isinstance(items, list) or not items:
                problem(f"examples.{key} needs at least one example")
    # Examples are checked whenever the rule can be built at all, so one run
    # shows every problem of a rule, not only the first kind.
    if action not in ACTIONS or not isinstance(rid, str) or not match:
        return None
    try:
        rule = Rule(data)
    except (regex.error, KeyError, TypeError, AttributeError):
        return None  # already reported above
    check_examples(rule, data, examples, path, report, who, line)
    return rule if ok else None


def check_examples(rule: Rule, data, examples, path: Path, report: Report, who: str,
                   line: int) -> None:
    action = rule.action

    def at(items, i):
        lines = getattr(items, "lines", [])
        return lines[i] if i < len(lines) else line

    def bad(items, i, message):
        report.add(path, at(items, i), who, message)

    def texts(key):
        items = examples.get(key) or []
        for i, item in enumerate(items):
            yield items, i, item

    def matches(text):
        if action == "drop-inline":
            return rule.cut_inline(text) != text
        return rule.match(text)[0]

    for items, i, item in texts("keep"):
        if not isinstance(item, str) or not item.strip():
            bad(items, i, f"examples.keep[{i}] must be a non-empty string")
            continue
        text = normalise(item)
        hit = matches(text)
        if action == "keep" and not hit:
            bad(items, i, f"keep example does not match the keep rule: {item!r}")
        elif action != "keep" and hit:
            bad(items, i, f"keep example is matched: {item!r}")
    for items, i, item in texts("drop"):
        if not isinstance(item, str) or not item.strip():
            bad(items, i, f"examples.drop[{i}] must be a non-empty string")
            continue
        hit = matches(normalise(item))
        if action == "keep" and hit:
            bad(items, i, f"example that the keep rule must not match is matched: {item!r}")
        elif action != "keep" and not hit:
            bad(items, i, f"drop example is not matched: {item!r}")
    for items, i, item in texts("label"):
        if isinstance(item, str):
            text, want = item, None
        elif isinstance(item, dict) and set(item) <= {"text", "value"} and "text" in item:
            text, want = item.get("text"), item.get("value")
            if want is not None and not isinstance(want, str):
                bad(items, i, f"examples.label[{i}].value must be a string")
                continue
        else:
            bad(items, i, f"examples.label[{i}] must be a string or {{text, value}}")
            continue
        if not isinstance(text, str) or not text.strip():
            bad(items, i, f"examples.label[{i}].text must be a non-empty string")
            continue
        hit, value = rule.match(normalise(text))
        if not hit:
            bad(items, i, f"label example is not matched: {text!r}")
        elif want is not None and value != normalise(want):
            bad(items, i, f"label value is {value!r}, expected {want!r}: {text!r}")
    for items, i, item in texts("inline"):
        if not (isinstance(item, dict) and set(item) == {"text", "result"}
                and isinstance(item["text"], str) and isinstance(item["result"], str)):
            bad(items, i, f"examples.inline[{i}] must be {{text: ..., result: ...}}")
            continue
        text = normalise(item["text"])
        result = rule.cut_inline(text)
        if result == text:
            bad(items, i, f"inline example is not matched: {item['text']!r}")
        elif result != normalise(item["result"]):
            bad(items, i, f"inline result is {result!r}, expected {item['result']!r}")


def check_applies(applies, kind: str, path: Path, report: Report, pline: int) -> None:
    def problem(message):
        report.add(path, line_of(applies, pline), "pack", message)

    if not isinstance(applies, dict) or not applies:
        problem("applies_to must be a mapping")
        return
    for key in applies:
        if key not in APPLIES_KEYS:
            problem(f'unknown key "applies_to.{key}"')
    if "language" in applies and not (isinstance(applies["language"], str)
                                      and LANGUAGE.match(applies["language"])):
        problem(f"applies_to.language must be an ISO 639-1 string (quote it), "
                f"not {applies['language']!r}")
    if kind == "generic":
        if applies.get("all") is not True or set(applies) != {"all"}:
            problem("the generic pack applies_to must be {all: true}")
    elif kind == "language":
        if set(applies) != {"language"}:
            problem("a language pack applies_to must be {language: xx}")
    else:
        if not ({"sites", "detect"} & set(applies)) or "all" in applies:
            problem("a site pack applies_to needs sites and/or detect (and optionally language)")
        for key in ("sites", "detect"):
            if key in applies:
                items = applies[key]
                if not isinstance(items, list) or not items or not all(
                        isinstance(s, str) and s.strip() for s in items):
                    problem(f"applies_to.{key} must be a non-empty list of strings")
                elif key == "sites":
                    for site in items:
                        if not DOMAIN.match(site):
                            problem(f"applies_to.sites: {site!r} is not a lower-case domain")


def check_language_data(pack: dict, path: Path, report: Report) -> None:
    def problem(message, obj=None):
        report.add(path, line_of(obj, line_of(pack, 1)), "pack", message)

    words = pack.get("function_words")
    if not isinstance(words, list):
        problem("a language pack needs function_words (a list)")
    else:
        if not FUNCTION_WORDS_MIN <= len(words) <= FUNCTION_WORDS_MAX:
            problem(f"function_words has {len(words)} entries, expected "
                    f"{FUNCTION_WORDS_MIN}-{FUNCTION_WORDS_MAX}", words)
        for word in words:
            if not isinstance(word, str) or not word or word != word.lower() or " " in word:
                problem(f"function_words: {word!r} must be one lower-case word", words)
        dupes = sorted({w for w in words if isinstance(w, str) and words.count(w) > 1})
        if dupes:
            problem(f"function_words: duplicates {dupes}", words)
    months = pack.get("months")
    if not isinstance(months, dict) or not months:
        problem("a language pack needs months (name -> 1..12)")
        return
    for name, number in months.items():
        if not isinstance(name, str) or name != name.lower() or not name:
            problem(f"months: {name!r} must be a lower-case string", months)
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 12:
            problem(f"months: {name!r} maps to {number!r}, expected 1..12", months)
    missing = sorted(set(range(1, 13)) - set(months.values()))
    if missing:
        problem(f"months: no name for month(s) {missing}", months)


def pack_kind(path: Path) -> str:
    if path.parent.name == "sites":
        return "site"
    return "generic" if path.stem == "generic" else "language"


def load(path: Path, report: Report):
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report.add(path, 1, "pack", f"cannot read: {exc}")
        return None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark.line + 1
                report.add(path, mark, "pack", "YAML anchors and aliases are not allowed")
                return None
        data = yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass
    except DuplicateKey as exc:
        report.add(path, exc.line, "pack", str(exc))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        report.add(path, mark.line + 1 if mark else 1, "pack", f"invalid YAML: {exc}")
        return None
    if not isinstance(data, dict):
        report.add(path, 1, "pack", "a pack must be a mapping")
        return None
    return data


def check_pack(path: Path, data: dict, report: Report):
    kind = pack_kind(path)
    pline = line_of(data, 1)

    def problem(message, obj=None):
        report.add(path, line_of(obj, pline), "pack", message)

    for key in data:
        if key not in PACK_KEYS:
            problem(f'unknown key "{key}"')
    pack_id = data.get("pack")
    if not isinstance(pack_id, str) or not PACK_ID.match(pack_id):
        problem("pack must be an id in [a-z0-9-]")
        pack_id = "?"
    desc = data.get("description")
    if not isinstance(desc, str) or not desc.strip() or "\n" in desc.strip():
        problem("description must be a one-line string")
    check_applies(data.get("applies_to"), kind, path, report, pline)
    if kind == "language":
        check_language_data(data, path, report)
        lang = (data.get("applies_to") or {}).get("language")
        if isinstance(lang, str) and pack_id != lang:
            problem(f"a language pack's id should be its language ({lang})")
    else:
        for key in ("function_words", "months"):
            if key in data:
                problem(f"{key} belongs in language packs only")
    if "classifier" in data and not isinstance(data["classifier"], dict):
        problem("classifier must be a mapping")
    disable = data.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(s, str) for s in disable):
        problem("disable must be a list of rule ids")
        disable = []
    rules = data.get("rules")
    compiled = []
    if not isinstance(rules, list) or not rules:
        problem("rules must be a non-empty list")
        rules = []
    for rule in rules:
        compiled.append((rule, check_rule(rule, pack_id, path, report)))
    return pack_id, compiled, disable


# ---------------------------------------------------------------- checks across packs

REMOVING = ("drop", "cut-after", "drop-inline")


class PackInfo:
    def __init__(self, path: Path, pack_id: str, data: dict, rules: list):
        applies = data.get("applies_to") if isinstance(data.get("applies_to"), dict) else {}
        self.path, self.id, self.kind = path, pack_id, pack_kind(path)
        self.language = applies.get("language") if isinstance(applies.get("language"), str) else None
        self.all = applies.get("all") is True
        self.rules = [(raw, rule) for raw, rule in rules if rule is not None]


def together(a: PackInfo, b: PackInfo) -> bool:
    """Can the two packs be used on the same document?"""
    if a.all or b.all:
        return True
    if a.kind == "site" or b.kind == "site":
        return a.language is None or b.language is None or a.language == b.language
    return a.language == b.language


def effect(raw: dict) -> tuple:
    return raw.get("action"), raw.get("label"), raw.get("then")


def hits(rule: Rule, text: str) -> bool:
    text = normalise(text)
    if rule.action == "drop-inline":
        return rule.cut_inline(text) != text
    return rule.match(text)[0]


def positives(raw: dict) -> list[str]:
    examples = raw.get("examples") or {}
    key = {"drop": "drop", "cut-after": "drop", "label": "label", "drop-inline": "inline"}.get(raw["action"])
    out = []
    for item in examples.get(key) or []:
        text = item.get("text") if isinstance(item, dict) else item
        if isinstance(text, str):
            out.append(text)
    return out


def check_together(packs: list[PackInfo], report: Report) -> None:
    """Keep examples must survive every rule of every pack used on the same page, and a
    positive example must not be decided first, with another effect, by an earlier rule of its
    own pack or (for generic rules) of a language pack, which runs before generic."""
    for a in packs:
        for raw, rule in a.rules:
            who = f"rule {rule.id}"
            if rule.action in REMOVING:
                for b in packs:
                    if not together(a, b):
                        continue
                    for oraw, other in b.rules:
                        if other is rule or other.action == "keep":
                            continue
                        for keep in (oraw.get("examples") or {}).get("keep") or []:
                            if isinstance(keep, str) and hits(rule, keep):
                                report.add(a.path, line_of(raw, 1), who,
                                           f"removes {keep!r}, which rule {other.id} "
                                           f"({display(b.path)}:{line_of(oraw, 1)}) lists as a keep example")
            if rule.action == "drop-inline":
                continue  # it cuts spans, another rule may still decide the line
            # Site packs are meant to take lines first on their site, so only the pack itself
            # and, for generic rules, the language packs count as earlier rules here.
            earlier = [(o, r) for b in packs if a.kind == "generic" and b.kind == "language" for o, r in b.rules]
            earlier += [(o, r) for o, r in a.rules[:a.rules.index((raw, rule))]]
            for text in positives(raw):
                first = next(((o, r) for o, r in earlier if r.action != "drop-inline" and hits(r, text)), None)
                if first and effect(first[0]) != effect(raw):
                    report.add(a.path, line_of(raw, 1), who,
                               f"example {text!r} is decided first by rule {first[1].id}, "
                               f"which would {'/'.join(str(x) for x in effect(first[0]) if x)} it")


def main(argv: list[str]) -> int:
    if argv:
        paths = [Path(a) for a in argv]
    else:
        paths = sorted((ROOT / "rules").glob("*.yaml")) + sorted(
            (ROOT / "rules" / "sites").glob("*.yaml"))
    report = Report()
    pack_ids: dict[str, Path] = {}
    rule_ids: dict[str, tuple[Path, int]] = {}
    disables = []
    counts = []
    infos: list[PackInfo] = []
    for path in paths:
        data = load(path, report)
        if data is None:
            continue
        pack_id, rules, disable = check_pack(path, data, report)
        if pack_id in pack_ids:
            report.add(path, line_of(data, 1), "pack",
                       f'pack id "{pack_id}" is also used by {display(pack_ids[pack_id])}')
        pack_ids[pack_id] = path
        infos.append(PackInfo(path, pack_id, data, rules))
        for raw, _rule in rules:
            rid = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(rid, str):
                continue
            if rid in rule_ids:
                other, oline = rule_ids[rid]
                report.add(path, line_of(raw, 1), f"rule {rid}",
                           f"duplicate id, also at {display(other)}:{oline}")
            else:
                rule_ids[rid] = (path, line_of(raw, 1))
        disables.extend((path, rid, line_of(disable, 1)) for rid in disable)
        counts.append((display(path), len(rules)))
    for path, rid, line in disables:
        if rid not in rule_ids:
            report.add(path, line, "pack", f'disable: no rule "{rid}"')
    check_together(infos, report)
    for problem in report.problems:
        print(problem)
    total = sum(n for _, n in counts)
    status = f"{len(report.problems)} problem(s)" if report.problems else "ok"
    print(f"{len(counts)} pack(s), {total} rule(s): {status}", file=sys.stderr)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
