"""Configuration: where the user's rule packs, disabled rules, language and format come from.

Sources, weakest first (a later one wins): built-in defaults; a config file; the environment; the
command line.

- Config file: the first `.artclean.yaml` (or `.artclean.yml`), or `pyproject.toml` with a
  `[tool.artclean]` table, found in the working directory or one of its parents. The search stops at
  the first folder that holds `.git` or `.hg` (the project root), as black's does. In one folder
  `.artclean.yaml` is preferred to `pyproject.toml`. Keys: `rules` (pack files or folders, relative
  to the config file), `disable` (rule ids), `lang` (a language code), `format` (md, json, text),
  `input` (auto, text, html).
- Environment: `ARTCLEAN_RULES`, extra packs as a path list (`:`-separated, `;` on Windows).
- Command line: `--rules`, `--disable`, `--lang`, `--format`, `--input`.

Packs are loaded in that order too (config file, then ARTCLEAN_RULES, then --rules), so a rule id
reused by a later pack replaces the earlier rule. Disabled ids add up over all sources. Every pack
remembers its origin ("builtin", "--rules", "ARTCLEAN_RULES" or the config file's path).
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from .errors import ConfigError, RulePackError

CONFIG_FILES = (".artclean.yaml", ".artclean.yml")
PYPROJECT = "pyproject.toml"
ROOT_MARKERS = (".git", ".hg")
KEYS = ("rules", "disable", "lang", "format", "input")
FORMATS = ("md", "json", "text")
INPUTS = ("auto", "text", "html")
ENV_RULES = "ARTCLEAN_RULES"
_LANG = re.compile(r"^[a-z]{2,3}$")
_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_TOOL_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*(?:artclean|\"artclean\")\s*[\].]", re.MULTILINE)


@dataclass
class Config:
    """The settings in force. `rules` holds (path, origin) pairs in load order."""

    rules: list[tuple[str, str]] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    lang: str | None = None
    format: str | None = None
    input: str | None = None
    path: str | None = None  # the config file that was read, if any

    def library(self):
        """The built-in packs plus the configured ones (a cached Library: load each set of packs once)."""
        return _library(tuple(self.rules))


@lru_cache(maxsize=8)
def _library(rules: tuple[tuple[str, str], ...]):
    from .rulepack import load_library

    return load_library(list(rules))


# ---------------------------------------------------------------- discovery


def find_config(cwd: Path) -> Path | None:
    """The nearest config file from `cwd` upwards, stopping at the project root (.git or .hg)."""
    try:
        start = Path(cwd).resolve()
    except OSError:
        return None
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        candidate = folder / PYPROJECT
        if candidate.is_file() and _has_tool_table(candidate):
            return candidate
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return None
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return bool(_TOOL_TABLE.search(text))


def load_config(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """The config file's settings plus ARTCLEAN_RULES. Raises ConfigError (FILE:LINE) on a bad file."""
    cwd = Path.cwd() if cwd is None else Path(cwd)
    env = os.environ if env is None else env
    found = find_config(cwd)
    config = read_config(found) if found else Config()
    extra = []
    for entry in (env.get(ENV_RULES) or "").split(os.pathsep):
        if not entry.strip():
            continue
        path = Path(entry).expanduser()
        if not path.is_absolute():
            path = Path(os.path.normpath(cwd / path))
        if not path.exists():
            raise ConfigError(f"no such rule pack file or folder (from {ENV_RULES})", path=entry,
                              hint=f"{ENV_RULES} is a list of pack paths separated by {os.pathsep!r}")
        extra.append((str(path), ENV_RULES))
    config.rules = _dedupe(config.rules + extra)
    return config


def merge(config: Config, cli_rules: Iterable[str] = (), cli_disable: Iterable[str] = (),
          cli_lang: str | None = None, cli_format: str | None = None, cli_input: str | None = None) -> Config:
    """The settings with the command line's on top: its packs load last, its scalars win."""
    rules = list(config.rules) + [(str(p), "--rules") for p in cli_rules]
    disable = list(dict.fromkeys([*config.disable, *cli_disable]))
    return replace(config, rules=_dedupe(rules), disable=disable, lang=cli_lang or config.lang,
                   format=cli_format or config.format or "md", input=cli_input or config.input or "auto")


def for_command(ctx, rules: Iterable[str] = (), disable: Iterable[str] = (), lang: str | None = None,
                fmt: str | None = None, input_mode: str | None = None) -> Config:
    """The settings for a click command: config file and ARTCLEAN_RULES, then its options on top.

    A `fmt` or `input_mode` option left at its default does not override the config file (the
    options keep their defaults, so --help still shows them); one given on the command line does.
    """
    from click.core import ParameterSource

    def given(name: str, value):
        try:
            source = ctx.get_parameter_source(name)
        except (AttributeError, KeyError):
            source = None
        return None if source in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP) else value

    return merge(load_config(Path.cwd(), os.environ), cli_rules=rules, cli_disable=disable, cli_lang=lang,
                 cli_format=given("fmt", fmt), cli_input=given("input_mode", input_mode))


def _dedupe(rules: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One entry per pack path; a path given again keeps its later (stronger) origin and place."""
    last: dict[str, int] = {}
    for i, (path, _origin) in enumerate(rules):
        try:
            key = str(Path(path).resolve())
        except OSError:
            key = path
        last[key] = i
    keep = set(last.values())
    return [r for i, r in enumerate(rules) if i in keep]


# ---------------------------------------------------------------- reading one file


def read_config(path: str | Path) -> Config:
    """Read one config file: .artclean.yaml or the [tool.artclean] table of a pyproject.toml."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read config file ({exc.strerror or exc})", path=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError("config file is not UTF-8 text", path=str(path)) from None
    if path.name == PYPROJECT:
        data, line_of = _read_toml(text, str(path))
    else:
        data, line_of = _read_yaml(text, str(path))
    return _validate(data, path, line_of)


def _read_yaml(text: str, where: str):
    from .rulepack import _Lines, _plain

    try:
        root = yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(f"YAML syntax error: {exc.problem or exc.context}", path=where,
                          line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"YAML error: {exc}", path=where) from None
    if root is None:
        return {}, lambda key=None: None
    lines = _Lines()
    try:
        data = _plain(root, where, lines)
    except RulePackError as exc:  # tags, aliases, duplicate or non-string keys
        raise ConfigError(exc.message, path=where, line=exc.line, hint=exc.hint) from None
    if not isinstance(data, dict):
        raise ConfigError("a config file must be a mapping (rules, disable, lang, format)", path=where, line=1)
    return data, lambda key=None: lines.get(data, key) or None


def _read_toml(text: str, where: str):
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise ConfigError("reading [tool.artclean] needs Python 3.11 or the tomli package", path=where) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"TOML syntax error: {exc}", path=where, line=int(m.group(1)) if m else None) from None
    data = doc.get("tool", {}).get("artclean", {}) if isinstance(doc.get("tool"), dict) else {}
    if not isinstance(data, dict):
        raise ConfigError("[tool.artclean] must be a table", path=where)
    lines = text.splitlines()
    header = next((i for i, ln in enumerate(lines) if _TOOL_TABLE.match(ln)), None)

    def line_of(key: str | None = None) -> int | None:
        if header is None:
            return None
        if key is None:
            return header + 1
        pattern = re.compile(rf"^\s*(?:\[\s*tool\s*\.\s*artclean\s*\.\s*)?[\"']?{re.escape(key)}[\"']?\s*[=\]]")
        for i in range(header, len(lines)):
            if i > header and lines[i].lstrip().startswith("[") and not _TOOL_TABLE.match(lines[i]):
                break
            if pattern.match(lines[i]):
                return i + 1
        return header + 1

    return data, line_of


def _validate(data: dict[str, Any], path: Path, line_of) -> Config:
    where = str(path)
    for key in data:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            raise ConfigError(f"unknown config key {key!r}", path=where, line=line_of(key),
                              hint=f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(KEYS)}")
    config = Config(path=where)
    base = path.parent

    def strings(key: str) -> list[str]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"'{key}' must be a string or a list of strings", path=where, line=line_of(key))
        return value

    for entry in strings("rules"):
        pack = Path(entry).expanduser()
        pack = Path(os.path.normpath(pack if pack.is_absolute() else base / pack))
        if not pack.exists():
            raise ConfigError(f"rule pack {entry!r} not found", path=where, line=line_of("rules"),
                              hint=f"paths are relative to the config file's folder ({base})")
        config.rules.append((str(pack), where))
    for rid in strings("disable"):
        if not _RULE_ID.match(rid):
            raise ConfigError(f"{rid!r} is not a rule id (such as de.share-widget)", path=where,
                              line=line_of("disable"))
        config.disable.append(rid)
    if "lang" in data:
        lang = data["lang"]
        if not (isinstance(lang, str) and _LANG.match(lang)):
            raise ConfigError(f"'lang' must be a language code such as \"de\" (got {lang!r})", path=where,
                              line=line_of("lang"), hint="quote it: YAML reads no/off/on as booleans")
        config.lang = lang
    for key, allowed in (("format", FORMATS), ("input", INPUTS)):
        if key in data:
            if data[key] not in allowed:
                raise ConfigError(f"'{key}' must be one of {', '.join(allowed)} (got {data[key]!r})", path=where,
                                  line=line_of(key))
            setattr(config, key, data[key])
    return config
