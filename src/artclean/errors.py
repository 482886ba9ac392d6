"""One error family for the library; the CLI turns it into one line and an exit code."""

from __future__ import annotations

# Exit codes, decided here and listed in the README.
EXIT_OK = 0
EXIT_NO_ARTICLE = 1  # cleaning worked but found no article; also --check: something would change
EXIT_USAGE = 2  # bad option, bad config or rule pack: nothing was processed
EXIT_DATA = 3  # an input was refused (binary, too large, unreadable) or an output could not be written
EXIT_INTERNAL = 70  # a bug: the traceback is saved to a log file
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT), after a clean shutdown
EXIT_TERMINATED = 143  # SIGTERM, after a clean shutdown (batch)
EXIT_BROKEN_PIPE = 141  # stdout was closed early (`artclean ... | head`): quiet, as a SIGPIPE death would be


class ArtcleanError(Exception):
    """Base of every error artclean raises on purpose.

    `path` and `line` say where the problem is; `hint` says what to do about it.
    """

    exit_code = EXIT_DATA

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def one_line(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = where + self.message
        if self.hint:
            text += f"; {self.hint}"
        return " ".join(text.split())


class InputError(ArtcleanError):
    """The input cannot be read as an article (binary, empty after decoding, too large)."""

    exit_code = EXIT_DATA


class TimeBudgetError(InputError):
    """A document took longer than its time budget (pipeline.DEFAULT_TIME_BUDGET, `time_budget=`)."""


class RulePackError(ArtcleanError):
    """A rule pack is invalid: bad YAML, unknown key, bad regex, duplicate id."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 rule: str | None = None, hint: str | None = None):
        if rule:
            message = f"rule {rule}: {message}"
        super().__init__(message, path=path, line=line, hint=hint)
        self.rule = rule


class ConfigError(ArtcleanError):
    """A bad option value or configuration file."""

    exit_code = EXIT_USAGE


class OutputError(ArtcleanError):
    """An output could not be written (disk full, permission, closed stream)."""

    exit_code = EXIT_DATA
