"""Configuration discovery: .artclean.yaml / [tool.artclean], ARTCLEAN_RULES, the command line."""

import os
from pathlib import Path

import pytest

from artclean.config import Config, find_config, load_config, merge, read_config
from artclean.errors import ConfigError

PACK = """\
pack: {id}
applies_to: {{language: sv}}
rules:
  - id: {id}.ad
    action: drop
    match: {{exact: ["Annons"]}}
    examples: {{drop: ["Annons"], keep: ["Annonsen kostade mycket pengar."]}}
"""


@pytest.fixture
def project(tmp_path):
    """A project folder (with .git, so discovery stops there) holding one pack."""
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    (root / "packs").mkdir()
    (root / "packs" / "sv.yaml").write_text(PACK.format(id="sv"), encoding="utf-8")
    return root


def test_no_config_file_gives_the_defaults(project):
    config = load_config(project, {})
    assert config == Config()
    assert merge(config) == Config(format="md", input="auto")


def test_artclean_yaml_in_the_working_directory(project):
    (project / ".artclean.yaml").write_text(
        "rules: [packs/sv.yaml]\ndisable: [de.share-widget, generic.social-names]\nlang: de\nformat: json\n"
        "input: text\n", encoding="utf-8")
    config = load_config(project, {})
    where = str(project / ".artclean.yaml")
    assert config.path == where
    assert config.rules == [(str(project / "packs" / "sv.yaml"), where)]
    assert config.disable == ["de.share-widget", "generic.social-names"]
    assert (config.lang, config.format, config.input) == ("de", "json", "text")


def test_found_in_a_parent_and_paths_are_relative_to_the_config_file(project):
    (project / ".artclean.yaml").write_text("rules: packs\n", encoding="utf-8")
    deep = project / "a" / "b"
    deep.mkdir(parents=True)
    config = load_config(deep, {})
    assert config.rules == [(str(project / "packs"), str(project / ".artclean.yaml"))]


def test_the_search_stops_at_the_project_root(tmp_path, project):
    (tmp_path / ".artclean.yaml").write_text("lang: fr\n", encoding="utf-8")  # above .git: not used
    assert find_config(project) is None
    assert load_config(project / "packs", {}).lang is None
    (project / ".git").rmdir()
    (project / ".hg").mkdir()
    assert find_config(project / "packs") is None


def test_pyproject_tool_table(project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.artclean]\nrules = ["packs/sv.yaml"]\ndisable = ["de.ad-label"]\n'
        'lang = "de"\nformat = "text"\n', encoding="utf-8")
    config = load_config(project, {})
    assert config.path == str(project / "pyproject.toml")
    assert config.rules == [(str(project / "packs" / "sv.yaml"), config.path)]
    assert (config.disable, config.lang, config.format) == (["de.ad-label"], "de", "text")


def test_a_pyproject_without_the_table_is_skipped(project):
    sub = project / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[tool.black]\nline-length = 100\n', encoding="utf-8")
    (project / ".artclean.yaml").write_text("lang: es\n", encoding="utf-8")
    assert load_config(sub, {}).lang == "es"


def test_artclean_yaml_wins_over_pyproject_in_the_same_folder(project):
    (project / "pyproject.toml").write_text('[tool.artclean]\nlang = "fr"\n', encoding="utf-8")
    (project / ".artclean.yaml").write_text("lang: es\n", encoding="utf-8")
    assert load_config(project, {}).lang == "es"


def test_an_empty_config_file_is_fine(project):
    (project / ".artclean.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert load_config(project, {}).rules == []


@pytest.mark.parametrize("text, message", [
    ("rules: [packs/sv.yaml]\ndisabel: [x.y]\n",
     ".artclean.yaml:2: unknown config key 'disabel'; did you mean 'disable'?"),
    ("lang: no\n", ".artclean.yaml:1: 'lang' must be a language code such as \"de\" (got False); quote it"),
    ("format: html\n", ".artclean.yaml:1: 'format' must be one of md, json, text (got 'html')"),
    ("input: pdf\n", ".artclean.yaml:1: 'input' must be one of auto, text, html"),
    ("\nrules: [missing.yaml]\n", ".artclean.yaml:2: rule pack 'missing.yaml' not found; paths are relative"),
    ("disable: [\"Not An Id\"]\n", ".artclean.yaml:1: 'Not An Id' is not a rule id"),
    ("disable: 3\n", ".artclean.yaml:1: 'disable' must be a string or a list of strings"),
    ("lang: de\nlang: fr\n", ".artclean.yaml:2: duplicate key 'lang'"),
    ("lang: [de\n", ".artclean.yaml:2: YAML syntax error"),
    ("- de\n", ".artclean.yaml:1: a config file must be a mapping"),
    ("lang: !!python/object/apply:os.getcwd []\n", ".artclean.yaml:1: unsupported YAML tag"),
])
def test_bad_yaml_config_is_one_error_with_file_and_line(project, text, message):
    (project / ".artclean.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(project, {})
    assert info.value.exit_code == 2
    line = info.value.one_line()
    assert line.startswith(str(project)) and message in line, line


@pytest.mark.parametrize("text, message", [
    ('[tool.artclean]\nlang = "de"\nformats = "md"\n',
     "pyproject.toml:3: unknown config key 'formats'; did you mean 'format'?"),
    ('[tool.artclean]\nlang = "de"\n\n[tool.artclean.extra]\nx = 1\n', "pyproject.toml:4: unknown config key 'extra'"),
    ('[tool.artclean]\nlang = de\n', "pyproject.toml:2: TOML syntax error"),
    ('[tool.artclean]\nrules = "nothere"\n', "pyproject.toml:2: rule pack 'nothere' not found"),
])
def test_bad_pyproject_config(project, text, message):
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(project, {})
    assert message in info.value.one_line(), info.value.one_line()


def test_artclean_rules_is_a_path_list(project, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(PACK.format(id="other"), encoding="utf-8")
    env = {"ARTCLEAN_RULES": os.pathsep.join(["packs/sv.yaml", "", str(other)])}
    config = load_config(project, env)
    assert config.rules == [(str(project / "packs" / "sv.yaml"), "ARTCLEAN_RULES"), (str(other), "ARTCLEAN_RULES")]


def test_a_missing_artclean_rules_entry_is_an_error(project):
    with pytest.raises(ConfigError, match="from ARTCLEAN_RULES") as info:
        load_config(project, {"ARTCLEAN_RULES": "nope.yaml"})
    assert info.value.one_line().startswith("nope.yaml: ")


def test_precedence_cli_over_environment_over_config_file(project, tmp_path):
    env_pack = tmp_path / "env.yaml"
    env_pack.write_text(PACK.format(id="env"), encoding="utf-8")
    cli_pack = tmp_path / "cli.yaml"
    cli_pack.write_text(PACK.format(id="cli"), encoding="utf-8")
    (project / ".artclean.yaml").write_text("rules: [packs/sv.yaml]\ndisable: [a.b]\nlang: de\nformat: json\n",
                                            encoding="utf-8")
    config = load_config(project, {"ARTCLEAN_RULES": str(env_pack)})
    merged = merge(config, cli_rules=[str(cli_pack)], cli_disable=["c.d", "a.b"], cli_lang="fr", cli_format=None)
    # packs load in this order, so a rule id reused by a later pack (the CLI's) replaces the earlier one
    assert [origin for _, origin in merged.rules] == [str(project / ".artclean.yaml"), "ARTCLEAN_RULES", "--rules"]
    assert merged.disable == ["a.b", "c.d"]
    assert (merged.lang, merged.format, merged.input) == ("fr", "json", "auto")
    assert merge(config, cli_format="text").format == "text"
    assert config.lang == "de" and config.disable == ["a.b"]  # merge does not change its input


def test_a_pack_given_twice_is_loaded_once_with_the_stronger_origin(project):
    (project / ".artclean.yaml").write_text("rules: [packs/sv.yaml]\n", encoding="utf-8")
    merged = merge(load_config(project, {}), cli_rules=[str(project / "packs" / "sv.yaml")])
    assert merged.rules == [(str(project / "packs" / "sv.yaml"), "--rules")]


def test_the_library_of_a_config_keeps_each_packs_origin(project):
    (project / ".artclean.yaml").write_text("rules: [packs]\n", encoding="utf-8")
    library = load_config(project, {}).library()
    mine = [p for p in library.packs if p.id == "sv"]
    assert [p.origin for p in mine] == [str(project / ".artclean.yaml")]
    assert {p.origin for p in library.packs if p.id != "sv"} == {"builtin"}
    assert library is load_config(project, {}).library()  # cached


def test_read_config_reads_one_file(project):
    path = project / "conf.yaml"
    path.write_text("lang: it\n", encoding="utf-8")
    assert read_config(path).lang == "it"
    with pytest.raises(ConfigError, match="cannot read"):
        read_config(project / "absent.yaml")


def test_find_config_survives_a_missing_working_directory(tmp_path):
    assert find_config(Path(tmp_path / "gone")) is None


def test_for_command_lets_options_left_at_their_defaults_yield_to_the_config(project, monkeypatch):
    import click
    from click.testing import CliRunner

    from artclean.config import for_command

    @click.command()
    @click.option("-f", "--format", "fmt", type=click.Choice(["md", "json", "text"]), default="md")
    @click.option("--input", "input_mode", default="auto")
    @click.option("--lang")
    @click.option("--rules", multiple=True)
    @click.option("--disable", multiple=True)
    def cmd(fmt, input_mode, lang, rules, disable):
        s = for_command(click.get_current_context(), rules, disable, lang, fmt, input_mode)
        click.echo(f"{s.format} {s.input} {s.lang} {','.join(s.disable)} {[o for _, o in s.rules]}")

    (project / ".artclean.yaml").write_text("format: json\ninput: html\nlang: de\ndisable: [a.b]\n", encoding="utf-8")
    monkeypatch.chdir(project)
    monkeypatch.delenv("ARTCLEAN_RULES", raising=False)
    runner = CliRunner()
    assert runner.invoke(cmd, []).output == "json html de a.b []\n"
    assert runner.invoke(cmd, ["-f", "md", "--input", "auto", "--lang", "fr", "--disable", "c.d",
                               "--rules", "packs/sv.yaml"]).output == "md auto fr a.b,c.d ['--rules']\n"
