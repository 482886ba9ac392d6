"""`artclean rules`: list, show, test, lint and start rule packs.

    artclean rules list [--lang de]       packs and rule counts, and where each pack came from
    artclean rules show de.share-widget   one rule: pack, FILE:LINE, action, match, examples
    artclean rules test [PATH...]         run every example (shipped and configured packs by default)
    artclean rules lint [PATH...] [--strict]   validation, examples, shadowing, slow regexes
    artclean rules new --lang sv -o sv.yaml   a starter pack that passes lint

Problems are one line each, `FILE:LINE: rule ID: problem`, on stdout; summaries go to stderr.
Exit codes: 0 all well; 1 example failures (test) or warnings with --strict (lint); 2 an invalid
pack or configuration, or lint errors.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click

from .config import Config, load_config, merge
from .errors import EXIT_USAGE, ConfigError, RulePackError
from .rulepack import (REGEX_TIMEOUT, Pack, Rule, RuleTimeout, _check_unique, builtin_packs, builtin_rules_dir,
                       check_examples, lint_pack, load_pack, norm, pack_files)

EXIT_FAILED = 1


def _display(path: str | Path) -> str:
    """A path as the user wants to read it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _origin(origin: str) -> str:
    return origin if origin in ("builtin", "--rules", "ARTCLEAN_RULES", "argument") else _display(origin)


def _settings(rules: tuple[str, ...] = ()) -> Config:
    return merge(load_config(Path.cwd(), os.environ), cli_rules=rules)


def _shipped() -> list[Pack]:
    """The shipped packs (loaded once per process); without the invalid ones if any is invalid."""
    try:
        return list(builtin_packs())
    except RulePackError:
        packs = []
        for f in pack_files(builtin_rules_dir()):
            try:
                packs.append(load_pack(f))
            except RulePackError:
                pass
        return packs


def example_failures(rule: Rule) -> list[str]:
    """check_examples(rule), with an example whose regex times out reported as a failure, not a crash."""
    try:
        return check_examples(rule)
    except RuleTimeout:
        return [f"{rule.where}: rule {rule.id}: an example timed out (over {REGEX_TIMEOUT:g} s): the regex "
                "can backtrack catastrophically"]


def _err(message: str) -> None:
    click.echo(f"artclean: {message}", err=True)


RULES_EPILOG = """\b
Examples:
  artclean rules list --lang de             the packs used for German pages
  artclean rules show de.share-widget       one rule, its file and line, its examples
  artclean rules new --lang sv -o sv.yaml   start a pack for Swedish
  artclean rules lint sv.yaml               check it; then: artclean rules test sv.yaml
"""


@click.group("rules", invoke_without_command=True, epilog=RULES_EPILOG,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def rules_group(ctx: click.Context) -> None:
    """List, show, test, lint and start rule packs.

    Rule packs are YAML files: the shipped ones in rules/, and yours from --rules PATH, from
    ARTCLEAN_RULES (a path list) or from a config file (.artclean.yaml or [tool.artclean] in
    pyproject.toml, in this folder or a parent).
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


# ---------------------------------------------------------------- list


@rules_group.command("list")
@click.option("--lang", metavar="CODE", help="Only the packs that apply to this language.")
@click.option("--rules", "rules", multiple=True, type=click.Path(), metavar="PATH",
              help="An extra rule pack (file or folder); repeatable.")
def list_command(lang: str | None, rules: tuple[str, ...]) -> None:
    """The packs (shipped and yours), their rule counts per action and where each came from."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    settings = _settings(rules)
    library = settings.library()
    packs = library.packs
    if lang:
        packs = [p for p in packs if p.applies_all or p.language == lang or (p.kind == "site" and not p.language)]
        if lang not in library.languages():
            _err(f"warning: no language pack for {lang!r}: only the generic and site packs apply")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    for name, justify in (("pack", "left"), ("kind", "left"), ("lang", "left"), ("rules", "right"),
                          ("drop", "right"), ("inline", "right"), ("cut", "right"), ("label", "right"),
                          ("keep", "right"), ("origin", "left"), ("file", "left")):
        table.add_column(name, justify=justify, no_wrap=True)
    total = 0
    for p in packs:
        count = {a: sum(1 for r in p.rules if r.action == a) for a in ("drop", "drop-inline", "cut-after", "label",
                                                                     "keep")}
        total += len(p.rules)
        language = p.language or ("all" if p.applies_all or p.kind == "site" else "-")
        if p.kind == "site" and p.sites:
            language += " · " + ", ".join(p.sites[:3]) + (" …" if len(p.sites) > 3 else "")
        table.add_row(p.id, p.kind, language, str(len(p.rules)), *(str(count[a] or "") for a in count),
                      _origin(p.origin), _display(p.path))
    console = Console(width=None if sys.stdout.isatty() else 200, highlight=False)
    console.print(table)
    summary = f"{len(packs)} packs, {total} rules"
    if settings.path:
        summary += f"; config file {_display(settings.path)}"
    if settings.disable:
        summary += f"; disabled: {', '.join(settings.disable)}"
    console.print(summary)


# ---------------------------------------------------------------- show


@rules_group.command("show")
@click.argument("rule_id")
@click.option("--rules", "rules", multiple=True, type=click.Path(), metavar="PATH",
              help="An extra rule pack (file or folder); repeatable.")
def show_command(rule_id: str, rules: tuple[str, ...]) -> None:
    """One rule: its pack, FILE:LINE, action, description, whether its examples pass, and its source."""
    settings = _settings(rules)
    library = settings.library()
    found = [(p, r) for p in library.packs for r in p.rules if r.id == rule_id]
    if not found:
        ids = sorted({r.id for p in library.packs for r in p.rules})
        close = difflib.get_close_matches(rule_id, ids, n=3)
        raise ConfigError(f"no rule {rule_id!r}",
                          hint=f"did you mean {' or '.join(close)}?" if close else "see `artclean rules list`")
    disabled = set(settings.disable) | {d for p in library.packs for d in p.disable}
    for n, (pack, rule) in enumerate(found):
        if n:
            click.echo()
        status = "active"
        if n < len(found) - 1:
            last_pack, last = found[-1]
            status = f"replaced by the rule of pack {last_pack.id} ({_display(last.path)}:{last.line})"
        elif rule_id in disabled:
            status = "disabled"
        failures = example_failures(rule)
        counts = ", ".join(f"{len(v)} {k}" for k, v in rule.examples.items() if v)
        fields = [
            ("rule", rule.id),
            ("pack", f"{pack.id} ({pack.kind}{', ' + pack.language if pack.language else ''}; {_origin(pack.origin)})"),
            ("file", f"{_display(rule.path)}:{rule.line}"),
            ("action", rule.action + (f" ({rule.label})" if rule.label else "") + (f" (then {rule.then})" if rule.then
                                                                                   else "")),
            ("description", rule.description or "-"),
            ("status", status),
            ("examples", f"{counts}: " + (f"{len(failures)} failing" if failures else "all pass")),
        ]
        for key, value in fields:
            click.echo(f"{key + ':':<13}{value}")
        for failure in failures:
            click.echo(f"  {_relative_message(failure, rule)}")
        click.echo()
        click.echo(_source(rule, pack))


def _source(rule: Rule, pack: Pack) -> str:
    """The rule's YAML as written, comments included."""
    try:
        lines = Path(rule.path).read_text(encoding="utf-8-sig").splitlines()
    except OSError:
        return ""
    later = sorted(r.line for r in pack.rules if r.line > rule.line)
    end = (later[0] - 1) if later else len(lines)
    block = lines[rule.line - 1:end]
    while block and (not block[-1].strip() or block[-1].lstrip().startswith("#")):
        block.pop()
    return "\n".join(block)


def _relative_message(message: str, rule: Rule) -> str:
    return _display(rule.path) + message[len(rule.path):] if message.startswith(rule.path) else message


# ---------------------------------------------------------------- test


def _targets(paths: tuple[str, ...]) -> list[tuple[Path, str]]:
    """(file, origin) of the packs to test or lint: the given paths, else shipped plus configured packs."""
    if paths:
        out = []
        for p in paths:
            path = Path(p)
            if not path.exists():
                raise ConfigError("no such rule pack file or folder", path=p)
            files = pack_files(path)
            if not files:
                raise ConfigError("no rule packs (*.yaml) in this folder", path=p)
            out.extend((f, "argument") for f in files)
        return out
    settings = _settings()
    out = [(f, "builtin") for f in pack_files(builtin_rules_dir())]
    for path, origin in settings.rules:
        out.extend((f, origin) for f in pack_files(Path(path)))
    return out


@rules_group.command("test")
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH]...")
@click.option("-q", "--quiet", is_flag=True, help="Only the failures, no summary.")
def test_command(paths: tuple[str, ...], quiet: bool) -> None:
    """Run the examples of every rule.

    Without PATH: the shipped packs and your configured ones (config file, ARTCLEAN_RULES).
    Each failure is one line, FILE:LINE: rule ID: example "…" was kept but should be dropped.
    Exit 0 when every example passes, 1 when one fails, 2 when a pack is invalid.
    """
    packs, invalid = [], 0
    shipped = {Path(p.path).resolve(): p for p in _shipped()}
    for f, origin in _targets(paths):
        if origin == "builtin" and f.resolve() in shipped:
            packs.append(shipped[f.resolve()])
            continue
        try:
            packs.append(load_pack(f, origin=origin))
        except RulePackError as exc:
            invalid += 1
            click.echo(f"artclean: error: {_relative_error(exc)}", err=True)
    try:
        _check_unique(packs)
    except RulePackError as exc:
        invalid += 1
        click.echo(f"artclean: error: {_relative_error(exc)}", err=True)
    failures = rules = examples = 0
    for pack in packs:
        for rule in pack.rules:
            rules += 1
            examples += sum(len(v) for v in rule.examples.values() if isinstance(v, list))
            for message in example_failures(rule):
                failures += 1
                click.echo(_relative_message(message, rule))
    if not quiet:
        verdict = "all pass" if not failures else f"{failures} failed"
        extra = f"; {invalid} invalid pack{'s' if invalid != 1 else ''} not tested" if invalid else ""
        _err(f"{len(packs)} packs, {rules} rules, {examples} examples tested: {verdict}{extra}")
    if invalid:
        sys.exit(EXIT_USAGE)
    if failures:
        sys.exit(EXIT_FAILED)


def _relative_error(exc: RulePackError) -> str:
    if exc.path:
        exc.path = _display(exc.path)
    return exc.one_line()


# ---------------------------------------------------------------- lint


@dataclass
class Problem:
    path: str
    line: int | None
    rule: str | None
    message: str
    severity: str = "error"  # or "warning"

    @classmethod
    def from_error(cls, exc: RulePackError) -> "Problem":
        message = exc.message
        prefix = f"rule {exc.rule}: " if exc.rule else ""
        if prefix and message.startswith(prefix):
            message = message[len(prefix):]
        if exc.hint:
            message += f"; {exc.hint}"
        return cls(exc.path or "?", exc.line, exc.rule, message)

    def format(self) -> str:
        where = _display(self.path) + (f":{self.line}" if self.line else "")
        who = f"rule {self.rule}: " if self.rule else ""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{where}: {who}{tag}{self.message}"


# Article sentences a drop rule must never take all of: a rule that matches every one matches anything.
ANY_LINE = (
    "The minister said on Tuesday that the government would not change its plans before the election.",
    "Die Ministerin sagte am Dienstag, die Regierung werde ihre Pläne vor der Wahl nicht ändern.",
    "La ministre a déclaré mardi que le gouvernement ne changerait pas ses projets avant les élections.",
    "El ministro dijo el martes que el Gobierno no cambiará sus planes antes de las elecciones.",
)
PROBE_CHARS = 1000  # lines this long are common; a regex that times out on one is skipped at run time
_NOT_SYNTAX = re.compile(r"[^\\^$()\[\]{}?*+|]")


def _positives(rule: Rule) -> list[str]:
    ex = rule.examples
    if rule.action == "label":
        return [str(i.get("text")) if isinstance(i, dict) else str(i) for i in ex.get("label", [])]
    if rule.action == "keep":
        return [str(i) for i in ex.get("keep", [])]
    if rule.action in ("drop", "cut-after"):
        return [str(i) for i in ex.get("drop", [])]
    return []


def _negatives(rule: Rule) -> list[str]:
    """Lines the rule must leave alone: `keep` examples (for a keep rule, its `drop` examples)."""
    key = "drop" if rule.action == "keep" else "keep"
    return [str(i) for i in rule.examples.get(key, []) if not isinstance(i, dict)]


def _matches(rule: Rule, text: str) -> bool:
    try:
        if rule.action == "drop-inline":
            return bool(rule.inline_spans(norm(text)))
        return rule.match(norm(text))[0]
    except RuleTimeout:
        return False


def _effect(rule: Rule) -> str:
    return {"label": f"label it {rule.label}", "keep": "keep it", "cut-after": f"cut after it (then {rule.then})",
            }.get(rule.action, rule.action + " it")


def _together(a: Pack, b: Pack) -> bool:
    """Can the two packs be used on the same document?"""
    if a.applies_all or b.applies_all:
        return True
    if a.kind == "site" or b.kind == "site":
        return a.language is None or b.language is None or a.language == b.language
    return a.language == b.language


def _regex_probes(pattern: str) -> list[str]:
    chars = list(dict.fromkeys([*"aA1 .-,_", *(c for c in _NOT_SYNTAX.findall(pattern) if c.isprintable())]))[:24]
    tail = "\u2603"  # a character no rule expects, so that the match fails at the very end
    probes = [c * PROBE_CHARS + tail for c in chars]
    for a, b in (("a", " "), ("a", "-"), ("a", "."), ("a", ","), ("1", "."), ("1", " "), ("a", "1"), ("A", "a")):
        probes.append((a + b) * (PROBE_CHARS // 2) + tail)
    return probes


PROBE_TIMEOUT = 0.25  # seconds: far beyond what a sane regex needs on a 1,000-character line


def _slow_regex(rule: Rule) -> str | None:
    """A probe line the rule's regex takes over PROBE_TIMEOUT on, or None.

    Each probe first runs with the run-time timeout; only one that times out is tried again with the
    longer PROBE_TIMEOUT, so that a busy machine does not make an ordinary regex look catastrophic.
    """
    if rule.pattern is None:
        return None
    for probe in _regex_probes(rule.pattern.pattern):
        for timeout in (REGEX_TIMEOUT, PROBE_TIMEOUT):
            try:
                rule.pattern.search(probe, timeout=timeout)
                break
            except TimeoutError:
                continue
        else:
            return probe
    return None


def lint_packs(files: list[tuple[Path, str]], context: list[Pack] = ()) -> tuple[list[Problem], list[Pack]]:
    """Every problem of the pack files, and their valid packs. `context`: packs the linted ones are
    used with (the shipped packs), whose keep examples and rule ids the checks also consult."""
    problems: list[Problem] = []
    packs: list[Pack] = []
    for f, origin in files:
        pack, errors = lint_pack(f, origin=origin)
        problems.extend(Problem.from_error(e) for e in errors)
        if pack is not None:
            packs.append(pack)
    known = {r.id for p in [*context, *packs] for r in p.rules}
    first_pack: dict[str, Pack] = {}
    first_rule: dict[str, Rule] = {}
    for pack in packs:
        if pack.id in first_pack and pack.id != "?" and first_pack[pack.id].origin == pack.origin:
            problems.append(Problem(pack.path, 1, None, f"pack id {pack.id!r} also used by "
                                                        f"{_display(first_pack[pack.id].path)}"))
        first_pack.setdefault(pack.id, pack)
        for rid in pack.disable:
            if rid not in known:
                problems.append(Problem(pack.path, 1, None, f"disables {rid!r}, which no pack defines", "warning"))
        for rule in pack.rules:
            other = first_rule.get(rule.id)
            if other is not None and other.path != rule.path:
                if other.pack == rule.pack:
                    problems.append(Problem(rule.path, rule.line, rule.id,
                                            f"duplicate rule id (also at {_display(other.path)}:{other.line})"))
                else:
                    problems.append(Problem(rule.path, rule.line, rule.id,
                                            f"also defined at {_display(other.path)}:{other.line}; "
                                            "the pack loaded later replaces it", "warning"))
            first_rule.setdefault(rule.id, rule)
            problems.extend(_lint_rule(rule, pack, known, context))
        problems.extend(_lint_shadowing(pack))
    everything = [*packs, *context]
    for pack in packs:
        for rule in pack.rules:
            if rule.action not in ("drop", "cut-after"):
                continue
            for other_pack in everything:
                if not _together(pack, other_pack):
                    continue
                for other in other_pack.rules:
                    if other is rule or other.action == "keep" or other.id == rule.id:
                        continue
                    hits = [k for k in _negatives(other) if _matches(rule, k)]
                    if hits:  # a warning: some keep examples are boilerplate another rule is meant to take
                        problems.append(Problem(rule.path, rule.line, rule.id,
                                                f'drops "{hits[0]}", which rule {other.id} '
                                                f"({_display(other.path)}:{other.line}) lists as a keep example",
                                                "warning"))
    problems.sort(key=lambda p: (_display(p.path), p.line or 0, p.severity))
    return problems, packs


def _lint_rule(rule: Rule, pack: Pack, known: set[str], context) -> list[Problem]:
    out: list[Problem] = []

    def add(message: str, severity: str = "error"):
        out.append(Problem(rule.path, rule.line, rule.id, message, severity))

    prefix = f"{rule.path}: rule {rule.id}: "
    for message in example_failures(rule):
        where = f"{rule.where}: rule {rule.id}: "
        add(message[len(where):] if message.startswith(where) else message.replace(prefix, ""))
    if not _negatives(rule):
        if rule.action == "keep":
            add("has no drop examples (lines that look similar but the rule must not protect)", "warning")
        else:
            add("has no keep examples (article lines that look similar but must stay)")
    elif rule.action == "keep":
        for text in _negatives(rule):
            if _matches(rule, text):
                add(f'protects its own drop example "{text}"')
    if rule.action in ("drop", "cut-after"):
        for text in ("", " "):
            if _matches(rule, text):
                add("matches the empty line, so it matches everything")
                break
        else:
            if all(_matches(rule, s) for s in ANY_LINE):
                add(f'matches any line, e.g. "{ANY_LINE[0]}"')
        if rule.max_chars is None and (rule.startswith or rule.contains):
            what = "startswith" if rule.startswith else "contains"
            sample = (rule.startswith or rule.contains)[0]
            verb = "start with" if rule.startswith else "contain"
            add(f'{what} without max_chars: it drops article sentences of any length that {verb} "{sample}"; '
                "add max_chars unless such lines are always boilerplate", "warning")
    probe = _slow_regex(rule)
    if probe is not None:
        add(f"regex can backtrack catastrophically: it takes over {PROBE_TIMEOUT:g} s on a {len(probe) - 1}-character "
            f"line of {probe[:2]!r}…; avoid nested or overlapping quantifiers")
    if not rule.id.startswith(pack.id + ".") and not any(
            r.id == rule.id for p in context for r in p.rules):
        add(f"rule ids start with the pack id: {pack.id}.{rule.id.split('.')[-1]}", "warning")
    return out


def _lint_shadowing(pack: Pack) -> list[Problem]:
    """Rules whose examples an earlier rule of the same pack takes first (first match decides)."""
    out: list[Problem] = []
    ordered = [r for r in pack.rules if r.action != "drop-inline"]
    for j, rule in enumerate(ordered):
        positives = _positives(rule)
        if not positives:
            continue
        deciders = []
        for text in positives:
            first = next((e for e in ordered[:j] if _matches(e, text)), None)
            deciders.append(first)
            if first is not None and _effect(first) != _effect(rule):
                out.append(Problem(rule.path, rule.line, rule.id,
                                   f'example "{text}" is taken first by rule {first.id} (line {first.line}), '
                                   f"which would {_effect(first)}",
                                   "error" if all(deciders) and len(deciders) == len(positives) else "warning"))
        if all(d is not None for d in deciders) and all(_effect(d) == _effect(rule) for d in deciders):
            names = ", ".join(sorted({d.id for d in deciders}))
            out.append(Problem(rule.path, rule.line, rule.id,
                               f"shadowed: every example is already matched by earlier rule {names}, so this rule "
                               "never decides a line", "warning"))
    return out


@rules_group.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH]...")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def lint_command(paths: tuple[str, ...], strict: bool) -> None:
    """Check rule packs: the format (unknown keys, duplicate ids, bad or catastrophic regexes,
    missing examples), every example, and rules that shadow each other or drop too much.

    Without PATH: the shipped packs and your configured ones. Every problem is one line,
    FILE:LINE: rule ID: problem (warnings say "warning:"). Exit 2 on errors; with --strict 1 on
    warnings; else 0.
    """
    started = time.perf_counter()
    files = _targets(paths)
    linted = {f.resolve() for f, _ in files}
    context = [p for p in _shipped() if Path(p.path).resolve() not in linted]
    problems, packs = lint_packs(files, context)
    for problem in problems:
        click.echo(problem.format())
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    _err(f"{len(files)} pack file{'s' if len(files) != 1 else ''}, {sum(len(p.rules) for p in packs)} valid rules: "
         f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''} "
         f"({time.perf_counter() - started:.1f} s)")
    if errors:
        sys.exit(EXIT_USAGE)
    if warnings and strict:
        sys.exit(EXIT_FAILED)


# ---------------------------------------------------------------- new


STARTER = '''\
# A starter rule pack for language "{lang}", made by `artclean rules new`. Replace the English
# placeholder strings with your language's, add rules, and check the pack with
#     artclean rules lint {name} && artclean rules test {name}
# Use it with `artclean --rules {name} ARTICLE`, through ARTCLEAN_RULES, or in .artclean.yaml:
#     rules: [{name}]
# The format is described in docs/rule-packs.md.
pack: "{pack}"
description: Boilerplate of {lang} news pages
applies_to:
  language: "{lang}"

# The 80-150 most frequent function words of the language, lower-case: articles, pronouns,
# prepositions, conjunctions, auxiliaries. Language detection compares a page's words with these
# lists, e.g. function_words: [the, of, and, to, a, in, is, that, for, it, ...]
# While the list is empty the pack is only used with --lang {lang} (or lang: {lang} in the config).
function_words: []

# Month names and abbreviations -> 1..12, for dates, e.g. months: {{january: 1, jan: 1, "jan.": 1}}
months: {{}}

rules:
  - id: {pack}.ad-label
    description: Advertisement markers alone on a line
    action: drop
    match:
      exact: ["Advertisement", "Sponsored content"]
    examples:
      drop: ["ADVERTISEMENT", "Sponsored content"]
      keep: ["The advertisement was withdrawn after complaints."]

  - id: {pack}.share-widget
    description: Share and comment buttons, often glued together by the scraper
    action: drop
    match:
      startswith: ["Share this article", "Share this story"]
    max_chars: 40
    examples:
      drop: ["Share this articleComments", "Share this story"]
      keep: ["Share this article's findings with your doctor before you change your diet, the authors advise."]

  - id: {pack}.photo-credit
    description: Photo credits; the value is the credit without its label
    action: label
    label: credit
    match:
      regex: '^(?:Photo|Image)\\s*:\\s*(?P<value>.+)$'
    max_chars: 120
    examples:
      label:
        - {{text: "Photo: Jane Doe/Reuters", value: "Jane Doe/Reuters"}}
      keep: ["Photographs of the meeting were published on Monday."]
'''


def starter_pack(lang: str, pack_id: str, name: str) -> str:
    return STARTER.format(lang=lang, pack=pack_id, name=name)


@rules_group.command("new")
@click.option("--lang", required=True, metavar="CODE", help="The language code (ISO 639-1, e.g. sv).")
@click.option("--pack", "pack_id", metavar="ID", help="The pack id (default: the language code, or CODE-local "
                                                      "when a shipped pack has that id).")
@click.option("-o", "--output", metavar="FILE", help="Write the pack here (atomically) instead of stdout.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def new_command(lang: str, pack_id: str | None, output: str | None, force: bool) -> None:
    """Write a starter pack for a language: function words and months to fill in, and three example
    rules with examples. It passes `artclean rules lint`."""
    from .output import write_atomic

    if not re.fullmatch(r"[a-z]{2,3}", lang):
        raise ConfigError(f"--lang must be a lower-case language code such as sv (got {lang!r})")
    shipped = {p.id for p in _shipped()} | {f.stem for f in pack_files(builtin_rules_dir())}
    if pack_id is None:
        pack_id = lang if lang not in shipped else f"{lang}-local"
    elif not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", pack_id):
        raise ConfigError(f"--pack must be a lower-case id such as {lang} or {lang}-local (got {pack_id!r})")
    name = output if output and output != "-" else f"{pack_id}.yaml"
    text = starter_pack(lang, pack_id, Path(name).name if output else name)
    if output and output != "-":
        if Path(output).exists() and not force:
            raise ConfigError("file exists; use --force to overwrite it", path=output)
        write_atomic(output, text.encode("utf-8"))
        _err(f"wrote {output}: check it with `artclean rules lint {output}`")
    else:
        click.echo(text, nl=False)
