"""Rule packs: load and validate YAML packs, compile their rules, match lines against them.

A pack is validated whole before anything uses it; every problem is reported as
`FILE:LINE: rule ID: what is wrong`. Regexes use the `regex` module, are compiled once at load
time and run with a timeout, so a runaway user pattern cannot hang a batch.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import regex
import yaml

from .errors import RulePackError

ACTIONS = ("drop", "drop-inline", "cut-after", "label", "keep")
LABELS = ("headline", "caption", "credit", "byline", "date", "subheading", "related")
PACK_KEYS = {"pack", "description", "applies_to", "function_words", "months", "classifier", "disable",
             "rules", "version"}
APPLIES_KEYS = {"language", "sites", "detect", "all"}
RULE_KEYS = {"id", "description", "action", "match", "case", "max_chars", "label", "then", "examples"}
MATCH_KEYS = {"exact", "startswith", "contains", "regex"}
EXAMPLE_KEYS = {"drop", "keep", "label", "inline"}
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster
MAX_PATTERN_CHARS = 2000
MAX_REPEAT = 10_000  # nested repeat counts multiplied together
REGEX_TIMEOUT = 0.5  # seconds per call, wall clock: generous, so that a busy machine never changes the output
_ID = regex.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_WS = regex.compile(r"\s+")


def norm(text: str) -> str:
    """The form every rule sees: whitespace runs collapsed, stripped."""
    return " ".join(text.split())


def builtin_rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    installed = here / "rules"
    if installed.is_dir():
        return installed
    return here.parents[1] / "rules"  # a source checkout: src/artclean -> repo root


class RuleTimeout(Exception):
    def __init__(self, rule: "Rule"):
        super().__init__(rule.id)
        self.rule = rule


@dataclass
class Rule:
    id: str
    action: str
    pack: str
    path: str
    line: int
    exact: tuple[str, ...] = ()
    startswith: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    regex_source: str | None = None  # the rule's regex as written; compiled on first use
    case_sensitive: bool = False
    max_chars: int | None = None
    label: str | None = None
    then: str | None = None
    description: str = ""
    examples: dict = field(default_factory=dict)
    _anchored: bool = field(default=False, repr=False)
    _compiled: Any = field(default=None, repr=False)

    @property
    def pattern(self):
        """The compiled regex, or None. Shipped packs compile their regexes on first use only:
        an English article never pays for compiling the Polish pack."""
        if self._compiled is None and self.regex_source is not None:
            self._compiled = regex.compile(self.regex_source, 0 if self.case_sensitive else regex.IGNORECASE)
        return self._compiled

    @pattern.setter
    def pattern(self, compiled) -> None:
        self._compiled = compiled
        self.regex_source = None if compiled is None else compiled.pattern
        self._anchored = compiled is not None and is_anchored(compiled.pattern)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def _fold(self, text: str) -> str:
        return text if self.case_sensitive else text.casefold()

    def match(self, text: str, folded: str | None = None) -> tuple[bool, str | None]:
        """(matched, value) for a normalised line. Raises RuleTimeout."""
        if self.max_chars is not None and len(text) > self.max_chars:
            return False, None
        f = text if self.case_sensitive else (folded if folded is not None else text.casefold())
        if self.exact and f in self.exact:
            return True, None
        if self.startswith and f.startswith(self.startswith):
            return True, None
        if self.contains and any(c in f for c in self.contains):
            return True, None
        if self.pattern is not None:
            m = self.search(text)
            if m:
                value = m.groupdict().get("value")
                return True, norm(value) if value else None
        return False, None

    @property
    def anchored(self) -> bool:
        """Every alternative of the regex starts with ^ (set when the pattern is compiled)."""
        return self._anchored

    def search(self, text: str):
        try:
            if self._anchored:
                return self.pattern.match(text, timeout=REGEX_TIMEOUT)
            return self.pattern.search(text, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            raise RuleTimeout(self) from None

    def inline_spans(self, text: str) -> list[tuple[int, int]]:
        """Spans a drop-inline rule cuts out of `text`."""
        spans = []
        flags = 0 if self.case_sensitive else regex.IGNORECASE | regex.FULLCASE  # "ss" finds "ß" in the original
        for lit in self.contains:
            spans.extend(m.span() for m in regex.finditer(regex.escape(lit), text, flags=flags))
        if self.pattern is not None:
            try:
                spans.extend(m.span() for m in self.pattern.finditer(text, timeout=REGEX_TIMEOUT) if m.end() > m.start())
            except TimeoutError:
                raise RuleTimeout(self) from None
        return spans

    def cut_inline(self, text: str) -> tuple[str, list[str]]:
        spans = sorted(self.inline_spans(text))
        if not spans:
            return text, []
        out, removed, pos = [], [], 0
        for start, end in spans:
            if start < pos:
                continue
            out.append(text[pos:start])
            removed.append(text[start:end])
            pos = end
        out.append(text[pos:])
        return norm(" ".join(p.strip() for p in out if p.strip()) if len(out) > 1 else out[0]), removed


@dataclass
class Pack:
    id: str
    path: str
    origin: str  # "builtin", "--rules", "ARTCLEAN_RULES", a config file path
    description: str = ""
    language: str | None = None
    sites: tuple[str, ...] = ()
    detect: tuple[str, ...] = ()
    applies_all: bool = False
    function_words: frozenset[str] = frozenset()
    months: dict[str, int] = field(default_factory=dict)
    classifier: dict[str, Any] = field(default_factory=dict)
    disable: tuple[str, ...] = ()
    rules: list[Rule] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.applies_all:
            return "generic"
        return "site" if self.sites or self.detect else "language"


# ---------------------------------------------------------------- loading


class _Lines:
    """Source lines of mapping nodes and keys, kept beside the plain objects built from YAML."""

    def __init__(self):
        self.of: dict[int, int] = {}
        self.key: dict[tuple[int, str], int] = {}

    def get(self, obj: Any, key: str | None = None, default: int = 0) -> int:
        if key is not None and (id(obj), key) in self.key:
            return self.key[(id(obj), key)]
        return self.of.get(id(obj), default)


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
}


def _plain(root: yaml.Node, path: str, lines: _Lines) -> Any:
    """Build plain objects from composed YAML nodes, refusing aliases, tags and duplicate keys."""
    constructor = yaml.constructor.SafeConstructor()
    seen: set[int] = set()

    def build(node: yaml.Node) -> Any:
        line = node.start_mark.line + 1
        if id(node) in seen:
            raise RulePackError("YAML anchors and aliases are not allowed in rule packs", path=path, line=line)
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                raise RulePackError(f"unsupported YAML tag {node.tag!r}", path=path, line=line)
            return constructor.construct_object(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise RulePackError(f"unsupported YAML tag {node.tag!r}", path=path, line=line)
            out = [build(child) for child in node.value]
            lines.of[id(out)] = line
            return out
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise RulePackError(f"unsupported YAML tag {node.tag!r}", path=path, line=line)
            out: dict = {}
            lines.of[id(out)] = line
            for knode, vnode in node.value:
                key = build(knode)
                if not isinstance(key, str):
                    raise RulePackError(f"key {key!r} must be a string", path=path, line=knode.start_mark.line + 1,
                                        hint="quote it, e.g. \"no\" for Norwegian")
                if key in out:
                    raise RulePackError(f"duplicate key {key!r}", path=path, line=knode.start_mark.line + 1)
                lines.key[(id(out), key)] = knode.start_mark.line + 1
                out[key] = build(vnode)
            return out
        raise RulePackError("unsupported YAML node", path=path, line=line)

    return build(root)


def load_pack(source: str | Path, *, origin: str = "--rules", text: str | None = None) -> Pack:
    """Load and validate one pack file. Raises RulePackError with FILE:LINE."""
    path = str(source)
    if text is None:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise RulePackError(f"cannot read rule pack ({exc.strerror or exc})", path=path) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RulePackError("rule pack is not UTF-8 text", path=path) from None
    try:
        root = yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RulePackError(f"YAML syntax error: {exc.problem or exc.context}", path=path,
                            line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise RulePackError(f"YAML error: {exc}", path=path) from None
    if root is None:
        raise RulePackError("empty rule pack", path=path)
    lines = _Lines()
    data = _plain(root, path, lines)
    return _validate_pack(data, path, origin, lines)


def _unknown(keys: set[str], allowed: set[str], what: str, path: str, line: int, rule: str | None = None):
    for key in sorted(keys - allowed):
        close = difflib.get_close_matches(key, sorted(allowed), n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(sorted(allowed))}"
        raise RulePackError(f"unknown {what} key {key!r}", path=path, line=line, rule=rule, hint=hint)


def _strings(value: Any, what: str, path: str, line: int, rule: str | None = None) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulePackError(f"{what} must be a string or a list of strings", path=path, line=line, rule=rule,
                            hint="quote values YAML would read as numbers or booleans")
    return value


def _validate_pack(data: Any, path: str, origin: str, lines: _Lines) -> Pack:
    if not isinstance(data, dict):
        raise RulePackError("a rule pack must be a mapping with 'pack' and 'rules'", path=path, line=1)
    _unknown(set(data), PACK_KEYS, "pack", path, lines.get(data))
    pack_id = data.get("pack")
    if not isinstance(pack_id, str) or not _ID.match(pack_id):
        raise RulePackError("'pack' must be a lower-case id such as 'de' or 'euronews'", path=path,
                            line=lines.get(data, "pack", 1))
    applies = data.get("applies_to", {})
    if not isinstance(applies, dict):
        raise RulePackError("'applies_to' must be a mapping", path=path, line=lines.get(data, "applies_to"))
    _unknown(set(applies), APPLIES_KEYS, "applies_to", path, lines.get(applies))
    language = applies.get("language")
    if language is not None and not (isinstance(language, str) and regex.fullmatch(r"[a-z]{2,3}", language)):
        raise RulePackError("'language' must be a quoted language code such as \"de\"", path=path,
                            line=lines.get(applies, "language"), hint="YAML reads no/off/on as booleans")
    pack = Pack(
        id=pack_id, path=path, origin=origin,
        description=str(data.get("description") or ""),
        language=language,
        sites=tuple(s.lower() for s in _strings(applies.get("sites", []), "sites", path, lines.get(applies))),
        detect=tuple(_strings(applies.get("detect", []), "detect", path, lines.get(applies))),
        applies_all=bool(applies.get("all", False)),
        function_words=frozenset(w.casefold() for w in _strings(data.get("function_words", []), "function_words",
                                                                 path, lines.get(data, "function_words"))),
        disable=tuple(_strings(data.get("disable", []), "disable", path, lines.get(data, "disable"))),
    )
    months = data.get("months", {})
    if not isinstance(months, dict) or not all(isinstance(v, int) and 1 <= v <= 12 for v in months.values()):
        raise RulePackError("'months' must map month names to 1..12", path=path, line=lines.get(data, "months"))
    pack.months = {str(k).casefold(): v for k, v in months.items()}
    classifier = data.get("classifier", {})
    if not isinstance(classifier, dict) or not all(isinstance(v, (int, float)) for v in classifier.values()):
        raise RulePackError("'classifier' must map setting names to numbers", path=path,
                            line=lines.get(data, "classifier"))
    pack.classifier = classifier
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        raise RulePackError("'rules' must be a list", path=path, line=lines.get(data, "rules"))
    seen: dict[str, int] = {}
    for item in rules:
        rule = _validate_rule(item, pack, lines)
        if rule.id in seen:
            raise RulePackError(f"duplicate rule id (first at line {seen[rule.id]})", path=path, line=rule.line,
                                rule=rule.id)
        seen[rule.id] = rule.line
        pack.rules.append(rule)
    return pack


def _validate_rule(item: Any, pack: Pack, lines: _Lines) -> Rule:
    path = pack.path
    line = lines.get(item)
    if not isinstance(item, dict):
        raise RulePackError("each rule must be a mapping with id, action, match, examples", path=path, line=line)
    rid = item.get("id")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise RulePackError("rule needs an 'id' of lower-case letters, digits, '.', '-', '_'", path=path, line=line)
    _unknown(set(item), RULE_KEYS, "rule", path, line, rid)
    action = item.get("action")
    if action not in ACTIONS:
        raise RulePackError(f"action must be one of {', '.join(ACTIONS)} (got {action!r})", path=path,
                            line=lines.get(item, "action", line), rule=rid)
    case = item.get("case", "insensitive")
    if case not in ("insensitive", "sensitive"):
        raise RulePackError("case must be 'insensitive' or 'sensitive'", path=path, line=lines.get(item, "case", line),
                            rule=rid)
    sensitive = case == "sensitive"
    match = item.get("match")
    mline = lines.get(item, "match", line)
    if not isinstance(match, dict) or not match:
        raise RulePackError("'match' must be a mapping with exact, startswith, contains or regex", path=path,
                            line=mline, rule=rid)
    _unknown(set(match), MATCH_KEYS, "match", path, lines.get(match, default=mline), rid)

    def lits(key: str) -> tuple[str, ...]:
        values = _strings(match.get(key, []), key, path, lines.get(match, key, mline), rid)
        out = tuple(norm(v) if sensitive else norm(v).casefold() for v in values)
        if any(not v for v in out):
            raise RulePackError(f"empty string in '{key}' would match every line", path=path,
                                line=lines.get(match, key, mline), rule=rid)
        return out

    rule = Rule(id=rid, action=action, pack=pack.id, path=path, line=line, exact=lits("exact"),
                startswith=lits("startswith"), contains=lits("contains"), case_sensitive=sensitive,
                description=str(item.get("description") or ""))
    if "regex" in match:
        if pack.origin == "builtin":  # checked by the test suite; compiled when first used
            rule.regex_source = str(match["regex"])
            rule._anchored = is_anchored(rule.regex_source)
        else:
            rule.pattern = _compile(match["regex"], path, lines.get(match, "regex", mline), rid, sensitive)
    max_chars = item.get("max_chars")
    if max_chars is not None and (not isinstance(max_chars, int) or isinstance(max_chars, bool) or max_chars < 1):
        raise RulePackError("max_chars must be a positive whole number", path=path,
                            line=lines.get(item, "max_chars", line), rule=rid)
    rule.max_chars = max_chars
    if action == "label":
        if item.get("label") not in LABELS:
            raise RulePackError(f"a label rule needs 'label' (one of {', '.join(LABELS)})", path=path,
                                line=lines.get(item, "label", line), rule=rid)
        rule.label = item["label"]
    elif "label" in item:
        raise RulePackError("'label' only goes with action: label", path=path, line=lines.get(item, "label"), rule=rid)
    if action == "cut-after":
        then = item.get("then", "related")
        if then not in ("related", "drop", "end"):
            raise RulePackError("then must be 'related', 'drop' or 'end'", path=path,
                                line=lines.get(item, "then", line), rule=rid)
        rule.then = then
    elif "then" in item:
        raise RulePackError("'then' only goes with action: cut-after", path=path, line=lines.get(item, "then"),
                            rule=rid)
    if action == "drop-inline" and (rule.exact or rule.startswith):
        raise RulePackError("drop-inline cuts spans: use 'contains' or 'regex'", path=path, line=mline, rule=rid)
    rule.examples = _validate_examples(item.get("examples"), rule, lines)
    return rule


def _compile(pattern: Any, path: str, line: int, rid: str, sensitive: bool):
    if not isinstance(pattern, str) or not pattern:
        raise RulePackError("regex must be a non-empty string", path=path, line=line, rule=rid)
    if len(pattern) > MAX_PATTERN_CHARS:
        raise RulePackError(f"regex longer than {MAX_PATTERN_CHARS} characters", path=path, line=line, rule=rid)
    problem = regex_risk(pattern)
    if problem:
        raise RulePackError(f"regex can backtrack catastrophically ({problem})", path=path, line=line, rule=rid,
                            hint="avoid a quantified group that itself contains a quantifier")
    try:
        compiled = regex.compile(pattern, 0 if sensitive else regex.IGNORECASE)
    except (regex.error, OverflowError, RecursionError) as exc:
        raise RulePackError(f"bad regex: {exc}", path=path, line=line, rule=rid) from None
    if compiled.search("", timeout=REGEX_TIMEOUT) is not None and not pattern.startswith("^$"):
        raise RulePackError("regex matches the empty line, so it would match everything", path=path, line=line,
                            rule=rid)
    return compiled


_BIG_REPEAT = regex.compile(r"\{(\d+)(?:,(\d*))?\}")
_ATOM = regex.compile(r"(\\.|\[(?:\\.|[^\]\\])*\]|\((?:\?[:=!>]|\?<?[=!]|\?P<\w+>)?|\)|\||[^\\\[\]()|])"
                      r"([?*+]|\{\d*(?:,\d*)?\})?[?+]?")


def regex_risk(pattern: str) -> str | None:
    """A reason the pattern may backtrack catastrophically or compile slowly, or None.

    Flags a repeated group whose body can match the same text in more than one way: a body that
    is one repeated atom plus optional ones, as in `(a+)+` or `(\\w+\\s?)+`, or alternatives where one
    is the start of another, as in `(a|aa)+`; and nested repeat counts whose product is huge, as in
    `(a{1000}){1000}` (slow to compile). Bounded, unambiguous shapes such as `(?:\\s+\\S+){0,8}` pass;
    the run-time timeout guards the rest.
    """
    stack: list[tuple[list, list[int]]] = [([], [1])]  # (atoms, [largest repeat bound inside])
    for m in _ATOM.finditer(pattern):
        token, quant = m.group(1), m.group(2)
        if token.startswith("(") and not token.startswith("\\"):
            stack.append(([], [1]))
            continue
        bound = _bound(quant)
        if token == ")" and len(stack) > 1:
            body, inner = stack.pop()
            unbounded = quant in ("+", "*") or (quant or "").endswith(",}")
            if unbounded and _ambiguous(body):
                return "nested quantifier" if "|" not in [t for t, _ in body] else "overlapping alternation"
            if bound * inner[0] > MAX_REPEAT:
                return "repeat counts too large"
            stack[-1][1][0] = max(stack[-1][1][0], bound * inner[0])
            stack[-1][0].append(("(group)" + ("+" if any(q in ("+", "*") for _, q in body) else ""), quant))
            continue
        if bound > MAX_REPEAT:
            return "repeat counts too large"
        stack[-1][1][0] = max(stack[-1][1][0], bound)
        stack[-1][0].append((token, quant))
    return None


def _bound(quant: str | None) -> int:
    m = _BIG_REPEAT.match(quant or "")
    return max(int(m.group(1)), int(m.group(2) or 0)) if m else 1


def _ambiguous(body: list[tuple[str, str | None]]) -> bool:
    if any(t == "|" for t, _ in body):
        branches, cur = [], []
        for t, q in body:
            if t == "|":
                branches.append(cur)
                cur = []
            else:
                cur.append((t, q))
        branches.append(cur)
        texts = ["".join(t + (q or "") for t, q in b) for b in branches]
        return any(a and b != a and b.startswith(a) for a in texts for b in texts) or len(set(texts)) < len(texts)
    repeated = [t for t, q in body if q in ("+", "*") or (q or "").startswith("{") or t.endswith("+")]
    if "." in repeated:
        return True  # a repeated dot inside a repeated group can split the same text many ways
    mandatory = [t for t, q in body if q not in ("?", "*") and not (q or "").startswith("{0")]
    return bool(repeated) and len(mandatory) <= 1


def _validate_examples(examples: Any, rule: Rule, lines: _Lines) -> dict:
    path, rid = rule.path, rule.id
    line = rule.line
    if examples is None:
        raise RulePackError("rule has no examples", path=path, line=line, rule=rid,
                            hint="add examples: drop/label/inline lines it must catch and keep lines it must not")
    if not isinstance(examples, dict):
        raise RulePackError("examples must be a mapping", path=path, line=lines.get(examples, default=line), rule=rid)
    _unknown(set(examples), EXAMPLE_KEYS, "examples", path, lines.get(examples, default=line), rid)
    out: dict[str, list] = {}
    for key, value in examples.items():
        if not isinstance(value, list):
            value = [value]
        out[key] = value
    positive = {"drop": ("drop",), "cut-after": ("drop",), "drop-inline": ("inline", "drop"), "label": ("label",),
                "keep": ("keep",)}[rule.action]
    if not any(out.get(k) for k in positive):
        raise RulePackError(f"rule needs {' or '.join(positive)} examples", path=path,
                            line=lines.get(examples, default=line), rule=rid)
    return out


# ---------------------------------------------------------------- examples


def check_examples(rule: Rule) -> list[str]:
    """Messages for every example the rule gets wrong (empty when all pass)."""
    failures = []
    ex = rule.examples
    where = f"{rule.where}: rule {rule.id}"

    def matches(text: str) -> tuple[bool, str | None]:
        try:
            return rule.match(norm(text))
        except RuleTimeout:
            return False, None

    if rule.action == "drop-inline":
        for item in ex.get("drop", []):
            if not rule.inline_spans(norm(str(item))):
                failures.append(f'{where}: example "{item}" was kept but should be cut')
        for item in ex.get("inline", []):
            if not isinstance(item, dict) or "text" not in item or "result" not in item:
                failures.append(f"{where}: inline examples need text and result")
                continue
            got = rule.cut_inline(norm(item["text"]))[0]
            if got != norm(item["result"]):
                failures.append(f'{where}: example "{item["text"]}" gave "{got}" but should give "{item["result"]}"')
        for item in ex.get("keep", []):
            if rule.inline_spans(norm(str(item))):
                failures.append(f'{where}: example "{item}" was cut but should be kept')
        return failures
    if rule.action == "keep":
        for item in ex.get("keep", []):
            if not matches(str(item))[0]:
                failures.append(f'{where}: example "{item}" is not protected by this keep rule')
        return failures
    for item in ex.get("drop", []):
        if not matches(str(item))[0]:
            failures.append(f'{where}: example "{item}" was kept but should be dropped')
    for item in ex.get("label", []):
        text, want = (item.get("text"), item.get("value")) if isinstance(item, dict) else (item, None)
        ok, value = matches(str(text))
        if not ok:
            failures.append(f'{where}: example "{text}" was not labelled {rule.label}')
        elif want is not None and (value or norm(str(text))) != norm(str(want)):
            failures.append(f'{where}: example "{text}" gave value "{value}" but should give "{want}"')
    for item in ex.get("keep", []):
        if matches(str(item))[0]:
            failures.append(f'{where}: example "{item}" was dropped but should be kept'
                            if rule.action != "label" else f'{where}: example "{item}" was labelled but should not be')
    return failures


# ---------------------------------------------------------------- rule sets


class RuleSet:
    """The ordered rules that apply to one document, indexed for fast matching."""

    def __init__(self, packs: list[Pack], disabled: set[str] = frozenset()):
        self.packs = packs
        off = set(disabled)
        for pack in packs:
            off.update(pack.disable)
        by_id: dict[str, Rule] = {}
        order: list[str] = []
        for pack in packs:
            for rule in pack.rules:
                if rule.id not in by_id:
                    order.append(rule.id)
                by_id[rule.id] = rule  # a later pack replaces a rule by reusing its id
        # Site packs are the most specific, so they are asked first; generic last.
        rank = {"site": 0, "language": 1, "generic": 2}
        pack_rank = {p.id: rank[p.kind] for p in packs}
        rules = [by_id[i] for i in order if i not in off]
        rules.sort(key=lambda r: pack_rank.get(r.pack, 1))
        self.line_rules = [r for r in rules if r.action != "drop-inline"]
        self.inline_rules = [r for r in rules if r.action == "drop-inline"]
        self.timed_out: dict[str, str] = {}
        # segment asks for these once per block: gathered once, when the rule set is built
        self._function_words = frozenset().union(*(p.function_words for p in packs))
        months: dict[str, int] = {}
        for pack in packs:
            months.update(pack.months)
        self._months = MappingProxyType(months)  # read-only: the rule set is shared between documents
        self._index()

    def _index(self):
        """Index the rules so that a line is tried only against the few that can match it."""
        self._exact: dict[str, list[int]] = {}
        prefixes: list[str] = []
        self._literal: list[int] = []  # startswith / contains rules
        self._by_prefix: dict[str, list[int]] = {}  # anchored regexes by what they can start with
        self._by_class: dict[str, list[int]] = {}
        self._loose: list[int] = []  # regexes that are tried on every line
        self._guarded: list[int] = []  # user regexes: tried on every line, always with a timeout
        user_packs = {p.id for p in self.packs if p.origin != "builtin"}
        for i, rule in enumerate(self.line_rules):
            for e in rule.exact:
                self._exact.setdefault(e.casefold(), []).append(i)
            if rule.startswith or rule.contains:
                self._literal.append(i)
                prefixes.extend(p.casefold() for p in rule.startswith)
            if rule.regex_source is None:
                continue
            if rule.pack in user_packs:
                self._guarded.append(i)
                continue
            start = start_prefixes(rule.regex_source) if rule.anchored else None
            if start is None:
                self._loose.append(i)
                continue
            for prefix in start[0]:
                self._by_prefix.setdefault(prefix, []).append(i)
            for cls in start[1]:
                self._by_class.setdefault(cls, []).append(i)
        # Substrings one of which every match of a regex contains: a rule whose needles are all
        # absent from a line is not tried on that line.
        self._needles = [needles(r.regex_source) if r.regex_source is not None else None for r in self.line_rules]
        self._prefixes = tuple(prefixes)
        self._contains = tuple(c.casefold() for i in self._literal for c in self.line_rules[i].contains)
        self._buckets: dict[tuple[str, int], tuple] = {}
        self._inline_literals = tuple(c.casefold() for r in self.inline_rules for c in r.contains)
        inline_needles = [needles(r.regex_source) for r in self.inline_rules if r.regex_source is not None]
        self._inline_needles = None if None in inline_needles else tuple(n for ns in inline_needles for n in ns)
        self._inline_prefilter = _combined([r for r in self.inline_rules if r.regex_source is not None])

    def match(self, text: str) -> tuple[Rule, str | None] | None:
        """The first rule (in order) that matches the normalised line, with its value."""
        folded = text.casefold()
        for i in self._candidates(text, folded):
            rule = self.line_rules[i]
            if rule.id in self.timed_out:
                continue
            try:
                ok, value = rule.match(text, folded)
            except RuleTimeout:
                self._timeout(rule)
                continue
            if ok:
                return rule, value
        return None

    def _candidates(self, text: str, folded: str) -> list[int]:
        exact = self._exact.get(folded)
        found = list(exact) if exact else []
        if folded.startswith(self._prefixes) or (self._contains and any(map(folded.__contains__, self._contains))):
            found += self._literal
        key = (folded[:PREFIX_DEPTH], bisect_left(_TIERS, len(text)))
        members, guarded, words = self._buckets.get(key) or self._bucket(key)
        if guarded and any(map(folded.__contains__, words)):
            needles_of = self._needles
            members = tuple(sorted(members + tuple(i for i in guarded if any(n in folded for n in needles_of[i]))))
        for i in members:
            if _prefilter(self.line_rules[i].pattern, text):
                found.append(i)
        for i in self._loose:
            rule = self.line_rules[i]
            if self._needles[i] and not any(map(folded.__contains__, self._needles[i])):
                continue  # the line has none of the substrings every match contains
            if _prefilter(rule.pattern, text, anywhere=not rule.anchored):
                found.append(i)
        found += self._guarded
        return sorted(set(found)) if len(found) > 1 else found

    def _bucket(self, key: tuple[str, int]) -> tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]]:
        """The anchored regex rules a line beginning with `start`, of a length in `tier`, can match:
        those tried on every such line, those tried only when one of their needles is in the line,
        and all those needles (a few `in` tests cost less than one regex of them)."""
        start, tier = key
        members: set[int] = set()
        for depth in range(1, len(start) + 1):
            members.update(self._by_prefix.get(start[:depth], ()))
        first = start[:1]
        for cls, test in (("digit", str.isdigit), ("word", _is_word), ("space", str.isspace)):
            if first and test(first):
                members.update(self._by_class.get(cls, ()))
        low = _TIERS[tier - 1] + 1 if tier else 0
        ordered = sorted(i for i in members if (self.line_rules[i].max_chars or low) >= low)
        guarded = tuple(i for i in ordered if self._needles[i])
        bucket = (tuple(i for i in ordered if not self._needles[i]), guarded,
                  tuple(sorted({n for i in guarded for n in self._needles[i]})))
        if len(self._buckets) < 50_000:
            self._buckets[key] = bucket
        return bucket

    def cut_inline(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """Cut the drop-inline spans out of a line: (rest, [(removed text, rule id)])."""
        if not self.inline_rules:
            return text, []
        folded = text.casefold()
        if not any(lit in folded for lit in self._inline_literals):
            if self._inline_needles is not None and not any(n in folded for n in self._inline_needles):
                return text, []
            if self._inline_prefilter is None or not _prefilter(self._inline_prefilter, text, anywhere=True):
                return text, []
        removed: list[tuple[str, str]] = []
        for rule in self.inline_rules:
            if rule.id in self.timed_out:
                continue
            try:
                text, cut = rule.cut_inline(text)
            except RuleTimeout:
                self._timeout(rule)
                continue
            removed.extend((c, rule.id) for c in cut)
        return text, removed

    def _timeout(self, rule: Rule) -> None:
        self.timed_out[rule.id] = (f"rule {rule.id} ({rule.where}) timed out after {REGEX_TIMEOUT:g} s "
                                   "and was skipped for this document")

    def setting(self, name: str, default: float) -> float:
        """A classifier threshold: the most specific pack that sets it wins."""
        value = default
        for kind in ("generic", "language", "site"):
            for pack in self.packs:
                if pack.kind == kind and name in pack.classifier:
                    value = pack.classifier[name]
        return value

    @property
    def function_words(self) -> frozenset[str]:
        return self._function_words

    @property
    def months(self) -> Mapping[str, int]:
        return self._months

    def rules_with_label(self, label: str) -> list[Rule]:
        return [r for r in self.line_rules if r.action == "label" and r.label == label]


try:  # the stdlib's regex parser, used only to see which characters a pattern can start with
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_UNICODE_ESCAPE = regex.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]|\\X|\\N\{[^}]*\}")
_INLINE_FLAGS = regex.compile(r"\(\?[a-zA-Z]*-?[a-zA-Z]*:|\(\?P<\w+>")  # scoped flags, named groups
_CLASSES = {_sre.CATEGORY_DIGIT: "digit", _sre.CATEGORY_WORD: "word", _sre.CATEGORY_SPACE: "space"}


PREFIX_DEPTH = 3
_MAX_PREFIXES = 256


def start_prefixes(pattern: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """What an anchored pattern's matches can start with: casefolded prefixes of up to 3 characters,
    and classes ("digit", "word", "space") for a first character only known by its class.
    None when that cannot be worked out (the rule is then tried on every line)."""
    try:
        simple = _INLINE_FLAGS.sub("(?:", _UNICODE_ESCAPE.sub(r"\\w", pattern))
        parsed = list(_sre_parse.parse(simple))
        classes: set[str] = set()
        states = {s.rstrip(_END) for s in _expand(parsed, {""}, classes)}
    except Exception:  # an unusual pattern: no index, the rule is simply always tried
        return None
    if "" in states and not classes:
        return None  # can match without a known first character
    return frozenset(s for s in states if s), frozenset(classes)


_END = "\x00"  # marks a prefix that cannot be extended (the pattern goes on with something unknown)


def _expand(items: list, states: set[str], classes: set[str]) -> set[str]:
    """Extend each open prefix (shorter than PREFIX_DEPTH, not ended) by what `items` can match next."""
    for op, av in items:
        open_ = {s for s in states if len(s) < PREFIX_DEPTH and not s.endswith(_END)}
        if not open_:
            break
        done = states - open_
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue
        if op is _sre.LITERAL:
            nxt = {s + chr(av).casefold() for s in open_}
        elif op is _sre.IN and _class_chars(av) is not None:
            chars, cats = _class_chars(av)
            nxt = {s + c for s in open_ for c in chars}
            if cats:
                if "" in open_:
                    classes.update(cats)
                nxt |= {s + _END for s in open_ if s}
        elif op is _sre.BRANCH:
            nxt = set()
            for seq in av[1]:
                nxt |= _expand(list(seq), set(open_), classes)
        elif op is _sre.SUBPATTERN:
            nxt = _expand(list(av[-1]), set(open_), classes)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) or op is getattr(_sre, "POSSESSIVE_REPEAT", None):
            low, high, seq = av[0], av[1], list(av[2])
            nxt, cur = set(), set(open_)
            for count in range(min(high, PREFIX_DEPTH) + 1):
                if count >= low:
                    nxt |= cur
                if count == min(high, PREFIX_DEPTH):
                    break
                cur = _expand(seq, cur, classes)
            if high > PREFIX_DEPTH:
                nxt |= cur
        else:  # a class, a category or anything else: the known prefix ends here
            if "" in open_:
                classes.update(_first_classes(op, av))
            nxt = {s + _END for s in open_}
        states = done | nxt
        if len(states) > _MAX_PREFIXES:  # index by the first character only
            states = {s[:1] + _END for s in states}
            if len(states) > _MAX_PREFIXES:
                raise ValueError("too many prefixes")
    return states


def _first_classes(op, av) -> set[str]:
    """The classes a first character of this element belongs to; raises when it can be anything."""
    if op is _sre.CATEGORY and av in _CLASSES:
        return {_CLASSES[av]}
    if op is _sre.IN:
        names = set()
        for o, a in av:
            if o is _sre.CATEGORY and a in _CLASSES:
                names.add(_CLASSES[a])
            elif o in (_sre.LITERAL, _sre.RANGE):
                names.add("word")  # literal characters outside a small set: index as any word character
            else:
                raise ValueError("negated or unknown class")
        return names
    raise ValueError("unindexable start")


MAX_NEEDLES = 8


def needles(pattern: str) -> frozenset[str] | None:
    """Substrings (casefolded) of which every match of the pattern contains one, or None.

    A cheap test before running a regex: "Copy to clipboard|Close Button" needs "copy to clipboard"
    or "close button" in the line; a breadcrumb pattern needs one of its separators.
    """
    try:
        simple = _INLINE_FLAGS.sub("(?:", _UNICODE_ESCAPE.sub(r"\\w", pattern))
        found = _needles(list(_sre_parse.parse(simple)))
    except Exception:
        return None
    return frozenset(found) if found and len(found) <= MAX_NEEDLES else None


def _needles(items: list) -> set[str] | None:
    best: set[str] | None = None

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and len(candidate) <= MAX_NEEDLES and (
                best is None or min(map(len, candidate)) > min(map(len, best))):
            best = candidate

    run = ""
    for op, av in items:
        if op is _sre.LITERAL:
            run += chr(av).casefold()
            continue
        consider({run} if run else None)
        run = ""
        if op is _sre.SUBPATTERN:
            consider(_needles(list(av[-1])))
        elif op is _sre.BRANCH:
            parts = [_needles(list(seq)) for seq in av[1]]
            consider(set().union(*parts) if all(parts) else None)
        elif (op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) or op is getattr(_sre, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
            consider(_needles(list(av[2])))
        elif op is _sre.IN:
            chars = _class_chars(av)
            consider(set(chars[0]) if chars and not chars[1] else None)
    consider({run} if run else None)
    return best


def _class_chars(av) -> tuple[set[str], set[str]] | None:
    """The characters and class names of a [...] set, or None (negated, wide ranges, other classes)."""
    chars: set[str] = set()
    cats: set[str] = set()
    for o, a in av:
        if o is _sre.LITERAL:
            chars.add(chr(a).casefold())
        elif o is _sre.RANGE and a[1] - a[0] < 64:
            chars |= {chr(x).casefold() for x in range(a[0], a[1] + 1)}
        elif o is _sre.CATEGORY and a in _CLASSES:
            cats.add(_CLASSES[a])
        else:
            return None
    return chars, cats


def is_anchored(pattern: str) -> bool:
    """True when every top-level alternative of the pattern starts with ^."""
    depth, alt_start, in_class, i = 0, 0, False, 0
    starts = []
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            starts.append(pattern[alt_start:i])
            alt_start = i + 1
        i += 1
    starts.append(pattern[alt_start:])
    return all(s.startswith("^") for s in starts)


LONG_LINE = 300  # longer lines get a timeout even in the prefilter
_TIERS = (40, 80, 120, 200, 300, 500)  # line-length tiers: rules with a smaller max_chars are not tried


def _prefilter(pattern, text: str, anywhere: bool = False) -> bool:
    """Can the pattern (one rule's, or several combined) match the line?

    Used for the shipped packs only, whose patterns the test suite checks. A timeout costs
    microseconds per call, so short lines are tried without one: the loader refuses the pattern
    shapes that blow up, and what is left is only slow on long input. A rule that passes this test
    is then run again, with its timeout, to get its match. User packs' regexes skip this and always
    run with their timeout.
    """
    find = pattern.search if anywhere else pattern.match
    try:
        if len(text) > LONG_LINE:
            return find(text, timeout=REGEX_TIMEOUT) is not None
        return find(text) is not None
    except TimeoutError:
        return True  # the rule itself will time out and be reported


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _combined(rules: list[Rule]):
    """One alternation of many rules' regexes: a cheap test whether any of them can match."""
    parts = []
    for rule in rules:
        src = rule.regex_source
        if regex.search(r"\\\d|\(\?P=|\\g<", src):
            return None  # backreferences do not survive being combined
        parts.append(f"(?{'' if rule.case_sensitive else 'i'}:{src})" if not rule.case_sensitive
                     else f"(?-i:{src})")
    if not parts:
        return None
    try:
        return regex.compile("|".join(parts))
    except regex.error:
        return None


# ---------------------------------------------------------------- the library of packs


@dataclass(eq=False)
class Library:
    """Every pack that is available: the built-in ones and the user's."""

    packs: list[Pack]

    def select(self, language: str | None, site_text: str = "", site_hint: str = "") -> list[Pack]:
        chosen = [p for p in self.packs if p.applies_all]
        if language:
            chosen += [p for p in self.packs if p.kind == "language" and p.language == language]
        hint = site_hint.lower()
        for p in self.packs:
            if p.kind != "site" or (p.language and language and p.language != language):
                continue
            if (hint and any(s in hint for s in p.sites)) or any(d in site_text for d in p.detect):
                chosen.append(p)
        return chosen

    def languages(self) -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = {}
        for p in self.packs:
            if p.kind == "language" and p.language:
                out.setdefault(p.language, set()).update(p.function_words)
        return {k: frozenset(v) for k, v in out.items()}


def pack_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


@lru_cache(maxsize=1)
def builtin_packs() -> tuple[Pack, ...]:
    return tuple(load_pack(p, origin="builtin") for p in pack_files(builtin_rules_dir()))


def load_library(extra: list[tuple[str, str]] = (), *, builtin: bool = True) -> Library:
    """The built-in packs plus user packs given as (path, origin) pairs; ids must be unique across packs."""
    packs = list(builtin_packs()) if builtin else []
    for path, origin in extra:
        p = Path(path)
        if not p.exists():
            raise RulePackError("rule pack not found", path=str(path))
        for f in pack_files(p):
            packs.append(load_pack(f, origin=origin))
    _check_unique(packs)
    return Library(packs)


def _check_unique(packs: list[Pack]) -> None:
    pack_ids: dict[str, Pack] = {}
    for pack in packs:
        if pack.id in pack_ids and pack.origin == pack_ids[pack.id].origin:
            raise RulePackError(f"pack id {pack.id!r} also used by {pack_ids[pack.id].path}", path=pack.path, line=1)
        pack_ids[pack.id] = pack
    rule_ids: dict[str, Rule] = {}
    for pack in packs:
        for rule in pack.rules:
            first = rule_ids.get(rule.id)
            if first and first.pack == pack.id and first.path != rule.path:
                raise RulePackError(f"duplicate rule id (also at {first.where})", path=rule.path, line=rule.line,
                                    rule=rule.id)
            rule_ids[rule.id] = rule


# ---------------------------------------------------------------- lint: every problem, not only the first


def lint_pack(source: str | Path, *, origin: str = "--rules", text: str | None = None
              ) -> tuple[Pack | None, list[RulePackError]]:
    """Validate a pack rule by rule, collecting every problem instead of stopping at the first.

    Returns the pack with its valid rules (None when the file cannot be read or parsed as YAML) and
    one RulePackError per problem: each unknown key, each invalid rule, each duplicate id. A file
    that lint_pack finds nothing wrong with loads with load_pack, and the other way round.
    """
    path = str(source)
    try:
        if text is None:
            try:
                raw = Path(source).read_bytes()
            except OSError as exc:
                raise RulePackError(f"cannot read rule pack ({exc.strerror or exc})", path=path) from None
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise RulePackError("rule pack is not UTF-8 text", path=path) from None
        try:
            root = yaml.compose(text, Loader=_YAML_LOADER)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise RulePackError(f"YAML syntax error: {exc.problem or exc.context}", path=path,
                                line=mark.line + 1 if mark else None) from None
        except yaml.YAMLError as exc:
            raise RulePackError(f"YAML error: {exc}", path=path) from None
        if root is None:
            raise RulePackError("empty rule pack", path=path)
        lines = _Lines()
        data = _plain(root, path, lines)
        if not isinstance(data, dict):
            raise RulePackError("a rule pack must be a mapping with 'pack' and 'rules'", path=path, line=1)
    except RulePackError as exc:
        return None, [exc]
    problems: list[RulePackError] = []
    keep_alive: list[dict] = []  # _Lines keys on id(): the copies must outlive the checks

    def collect(check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except RulePackError as exc:
            problems.append(exc)
            return None

    def without_unknown(mapping: dict, allowed: set[str], what: str, line: int, rule: str | None) -> dict:
        extra = sorted(set(mapping) - allowed)
        for key in extra:
            collect(_unknown, {key}, allowed, what, path, lines.get(mapping, key, line), rule)
        if not extra:
            return mapping
        copy = {k: v for k, v in mapping.items() if k in allowed}
        keep_alive.append(copy)
        lines.of[id(copy)] = lines.get(mapping, default=line)
        for k in copy:
            if (id(mapping), k) in lines.key:
                lines.key[(id(copy), k)] = lines.key[(id(mapping), k)]
        for key in extra:  # check the rest as if the typo were fixed: 'actoin' is read as 'action'
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            if close and close[0] not in copy:
                copy[close[0]] = mapping[key]
                lines.key[(id(copy), close[0])] = lines.get(mapping, key, line)
        return copy

    head = without_unknown(data, PACK_KEYS, "pack", lines.get(data), None)
    head = {k: v for k, v in head.items() if k != "rules"}
    keep_alive.append(head)
    lines.of[id(head)] = lines.get(data)
    for k in head:
        lines.key[(id(head), k)] = lines.get(data, k)
    pack = collect(_validate_pack, head, path, origin, lines)
    if pack is None:
        pack_id = data.get("pack")
        pack = Pack(id=pack_id if isinstance(pack_id, str) and _ID.match(pack_id) else "?", path=path, origin=origin)
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        problems.append(RulePackError("'rules' must be a list", path=path, line=lines.get(data, "rules")))
        return pack, problems
    seen: dict[str, int] = {}
    for item in rules:
        rid = item.get("id") if isinstance(item, dict) else None
        rid = rid if isinstance(rid, str) and _ID.match(rid) else None
        line = lines.get(item)
        if rid is not None and rid in seen:
            problems.append(RulePackError(f"duplicate rule id (first at line {seen[rid]})", path=path, line=line,
                                          rule=rid))
        elif rid is not None:
            seen[rid] = line
        if isinstance(item, dict) and rid is not None:
            item = without_unknown(item, RULE_KEYS, "rule", line, rid)
            for key, allowed in (("match", MATCH_KEYS), ("examples", EXAMPLE_KEYS)):
                sub = item.get(key)
                if isinstance(sub, dict) and set(sub) - allowed:
                    copy = without_unknown(sub, allowed, key, lines.get(sub, default=line), rid)
                    parent, item = item, dict(item, **{key: copy})
                    keep_alive.append(item)
                    lines.of[id(item)] = line
                    for k in item:
                        lines.key[(id(item), k)] = lines.get(parent, k, line)
        rule = collect(_validate_rule, item, pack, lines)
        if rule is not None and seen.get(rule.id) == rule.line:
            pack.rules.append(rule)
    return pack, problems
