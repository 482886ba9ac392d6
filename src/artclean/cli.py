"""The command line: `artclean FILE`, `artclean -`, `cat FILE | artclean`, and the subcommands.

Errors are one line on stderr (`artclean: error: PATH[:LINE]: what; hint`) and exit codes are
decided in errors.py; a traceback is never printed (an internal error saves it to a log file).
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
import tempfile
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import (EXIT_BROKEN_PIPE, EXIT_DATA, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_NO_ARTICLE, EXIT_USAGE,
                     ArtcleanError, ConfigError, InputError)
from .config import for_command
from .output import write_atomic
from .pipeline import clean

FORMATS = ("md", "json", "text")
EPILOG = """\b
Examples:
  artclean article.txt                      clean one file to Markdown on stdout
  curl -s URL | artclean - --format json    read stdin, write the JSON contract
  artclean page.html -o clean.md            write the result atomically to a file
  artclean article.txt --lang de --disable de.share-widget
"""


# Subcommands live in their own modules and are imported only when used, so `artclean FILE` starts fast.
LAZY_COMMANDS = {
    "batch": "artclean.batch:batch_command",
    "diff": "artclean.preview:diff_command",
    "explain": "artclean.preview:explain_command",
    "rules": "artclean.rules_cli:rules_group",
}


class DefaultGroup(click.Group):
    """A group whose default command is `clean`: `artclean FILE` means `artclean clean FILE`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | {n for n in LAZY_COMMANDS if self.get_command(ctx, n)})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS and name not in self.commands:
            module, attr = LAZY_COMMANDS[name].split(":")
            try:
                command = getattr(importlib.import_module(module), attr)
            except (ImportError, AttributeError):
                return None
            self.add_command(command, name)
        return super().get_command(ctx, name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and sys.stdin.isatty():
            args = ["--help"]
        elif not args or (args[0] not in LAZY_COMMANDS and args[0] not in self.commands
                          and args[0] not in ("--help", "-h", "--version")):
            args = ["clean", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(__version__, prog_name="artclean")
def cli() -> None:
    """Turn a scraped news article (plain text or HTML) into a clean, structured one.

    Run `artclean FILE` (or `artclean -` for stdin) to clean one article; the subcommands below do
    more. Every removal is explained: see the `removed` list of `--format json`.
    """


def render(article, fmt: str) -> str:
    if fmt == "json":
        return article.to_json()
    if fmt == "text":
        return article.to_text()
    return article.to_markdown()


def read_source(path: str) -> tuple[bytes, str]:
    if path == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    p = Path(path)
    try:
        if p.is_dir():
            raise ConfigError("is a folder; use `artclean batch` for folders", path=path)
        if p.exists() and not p.is_file():
            raise ConfigError("not a regular file", path=path)
        return p.read_bytes(), path
    except FileNotFoundError:
        raise ConfigError("no such file", path=path) from None
    except OSError as exc:
        raise ArtcleanError(f"cannot read ({exc.strerror or exc})", path=path) from None


def emit(text: str, output: str | None, source: str) -> None:
    data = text.encode("utf-8")
    if output and output != "-":
        if source != "<stdin>" and Path(output).exists() and Path(output).resolve() == Path(source).resolve():
            raise ConfigError("output is the input file; artclean never overwrites its input", path=output)
        write_atomic(output, data)
        return
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def common_options(fn):
    options = [
        click.option("--lang", metavar="CODE", help="Language of the article (default: detected)."),
        click.option("--input", "input_mode", type=click.Choice(["auto", "text", "html"]), default="auto",
                     show_default=True, help="Read the source as text or HTML."),
        click.option("--rules", "rules", multiple=True, type=click.Path(), metavar="PATH",
                     help="An extra rule pack (file or folder); repeatable."),
        click.option("--disable", multiple=True, metavar="RULE_ID", help="Switch a rule off; repeatable."),
        click.option("--site", metavar="DOMAIN", help="Use this site's pack (default: detected)."),
        click.option("--input-name", metavar="NAME", help="A name (or URL) for stdin, for messages and site packs."),
        click.option("--max-bytes", type=click.IntRange(min=1), default=20_000_000, show_default=True,
                     help="Refuse larger inputs."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@cli.command("clean", epilog=EPILOG)
@click.argument("file", default="-", metavar="[FILE]")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True,
              help="Output format.")
@click.option("-o", "--output", metavar="FILE", help="Write here (atomically) instead of stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No warnings on stderr.")
@click.option("--diff", "show_diff", is_flag=True, help="Show what cleaning removes (as `artclean diff`) instead.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if cleaning would remove anything, else 0.")
@click.option("--allow", multiple=True, metavar="RULE_ID", help="With --check: removals by this rule (glob) are fine.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", help="Colour for --diff.")
@common_options
def clean_command(file, fmt, output, quiet, show_diff, check, allow, color, lang, input_mode, rules, disable, site,
                  input_name, max_bytes):
    """Clean one article from FILE (or stdin when FILE is - or missing)."""
    if (show_diff or check) and output:
        raise click.UsageError("--diff and --check print to stdout and stderr; leave out -o")
    settings = for_command(click.get_current_context(), rules, disable, lang, fmt, input_mode)
    if file != "-" and Path(file).is_file() and Path(file).stat().st_size > max_bytes:
        raise InputError(f"input too large ({Path(file).stat().st_size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB)",
                         path=file, hint="raise the limit with --max-bytes")  # refused before it is read
    data, name = read_source(file)
    if input_name and file == "-":
        name = input_name
    article = clean(data, lang=settings.lang, input=settings.input, rules=settings.library(), name=name, site=site,
                    disable=settings.disable, max_bytes=max_bytes)
    if not quiet:
        for warning in article.meta.get("warnings", []):
            click.echo(f"artclean: warning: {name}: {warning}", err=True)
    if show_diff or check:
        from .preview import preview

        sys.exit(preview(article, data, name, diff=show_diff, do_check=check, allow=allow, color=color, quiet=quiet))
    emit(render(article, settings.format), output, name)
    if not article.found:
        sys.exit(EXIT_NO_ARTICLE)


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the CLI and turns every failure into one line and a documented exit code."""
    stdout = sys.stdout
    try:
        code = cli.main(args=argv, prog_name="artclean", standalone_mode=False)
    except SystemExit as exc:
        # click swallows EPIPE itself: it swaps sys.stdout for a quiet wrapper and exits 1, which
        # would read as "no article found". A closed stdout is 141, as a death by SIGPIPE would be.
        if sys.stdout is stdout:
            raise
        _silence_stdout()
        code = EXIT_BROKEN_PIPE
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        _say("artclean: interrupted")
        code = EXIT_INTERRUPTED
    except click.ClickException as exc:
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            _say(exc.ctx.get_usage())
        _say(f"artclean: error: {' '.join(exc.format_message().split())}")
        code = EXIT_USAGE
    except ArtcleanError as exc:
        _say(f"artclean: error: {exc.one_line()}")
        code = exc.exit_code
    except BrokenPipeError:
        _silence_stdout()
        code = EXIT_BROKEN_PIPE
    except OSError as exc:  # a full disk or a vanished output: one line, no traceback
        what = "no space left on device" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        where = f"{exc.filename}: {what}" if exc.filename else f"<stdout>: cannot write ({what})"
        _say(f"artclean: error: {where}")
        _silence_stdout()
        code = EXIT_DATA
    except Exception:
        log = _save_traceback()
        what = " ".join(repr(sys.exc_info()[1]).split())[:300]
        _say(f"artclean: internal error ({what}); traceback saved to {log}; please report it")
        code = EXIT_INTERNAL
    sys.exit(code if isinstance(code, int) else 0)


def _say(line: str) -> None:
    """One line on stderr; a closed or full stderr is not worth a traceback."""
    try:
        click.echo(line, err=True)
    except OSError:
        pass


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


def _save_traceback() -> str:
    try:
        fd, path = tempfile.mkstemp(prefix="artclean-crash-", suffix=".log")
        with os.fdopen(fd, "w") as handle:
            handle.write(traceback.format_exc())
        return path
    except OSError as exc:
        return f"nowhere (it could not be saved: {exc.strerror or exc})"
