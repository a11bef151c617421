"""One error type for everything a user can get wrong; the triggers print it without a traceback."""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from typing import Iterable, Optional

WARNING = "dbt-omni warning: "  # how every trigger prefixes a warning line (the plugin tells them apart by it)


def first_few(names: list, shown: int = 5) -> str:
    """The first names of a list, `, ...` where more follow: one warning line for many models."""
    return ", ".join(names[:shown]) + (", ..." if len(names) > shown else "")


def closest(word: str, choices: Iterable[str]) -> Optional[str]:
    """The valid spelling nearest to `word`, if any is near enough to be a likely typo; else the nearest
    in another case (STATS for status, Cancelled for CANCELED: Snowflake habits in YAML)."""
    choices = sorted(set(choices))
    by_lower: dict = {}
    for choice in choices:
        by_lower.setdefault(str(choice).lower(), choice)
    if str(word).lower() in by_lower:  # `paid` is PAID, not unpaid, the nearer in difflib's eyes
        return by_lower[str(word).lower()]
    matches = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if matches:
        return matches[0]
    matches = difflib.get_close_matches(str(word).lower(), sorted(by_lower), n=1, cutoff=0.6)
    return by_lower[matches[0]] if matches else None


@dataclass
class Problem:
    """Where and what: enough for a user to find and fix it without reading our code."""

    message: str
    file: Optional[str] = None
    model: Optional[str] = None
    key: Optional[str] = None
    expected: Optional[str] = None
    suggestion: Optional[str] = None

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"file {self.file}" if self.file else "",
                f"model {self.model}" if self.model else "",
                f"key {self.key}" if self.key else "",
            )
            if part
        )
        text = f"{where}: {self.message}" if where else self.message
        if self.expected:
            text += f" (expected {self.expected})"
        if self.suggestion:
            text += f"; did you mean '{self.suggestion}'?"
        return text


class OmniExportError(Exception):
    """A problem in the user's input: a bad meta.omni block, a missing manifest, an unknown model; and,
    made by internal_error, a bug of ours, so that it too reaches the user as one line."""

    def __init__(self, problems: "list[Problem] | Problem | str"):
        if isinstance(problems, (str, Problem)):
            problems = [problems if isinstance(problems, Problem) else Problem(problems)]
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        if len(self.problems) == 1:
            return f"dbt-omni: {self.problems[0]}"
        lines = [f"dbt-omni: {len(self.problems)} problems:"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


class collecting:  # lowercase, as contextlib.suppress, which it resembles
    """Around one model's step in a loop over models: its mistake is noted and the loop goes on, so one
    dbt command shows every model's mistakes of a kind, not one mistake per command (raise_collected).
    A class, not @contextmanager, whose generator costs three times as much: it runs once per declared field."""

    def __init__(self, problems: list):
        self.problems = problems

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, traceback) -> bool:
        if isinstance(error, OmniExportError) and not isinstance(error, WarningsAsErrors):
            self.problems.extend(error.problems)
            return True
        return False


def raise_collected(problems: list) -> None:
    """The problems `collecting` noted, as one error; the same one twice (a shared metric used in two
    places, a folder's +meta in many models) said once."""
    if problems:
        raise OmniExportError(list({str(p): p for p in problems}.values()))


class WarningsAsErrors(OmniExportError):
    """Warnings that dbt's --warn-error made errors: asked for on the command line, so the project's
    on_error: warn (which lets dbt go on past a broken meta.omni block) does not excuse them."""


def internal_error(exc: Exception) -> OmniExportError:
    """An exception no check of ours foresaw: a bug, said in one line a user can report, not a traceback.
    DBT_OMNI_TRACEBACK=1 adds the traceback to the message, for whoever fixes it: inside dbt (the plugin,
    the macros) an exception's own traceback never reaches the user, dbt shows only its text."""
    from dbt_omni import __version__

    line = (f"internal error, a bug in dbt-omni {__version__} (please report it with this line; DBT_OMNI_TRACEBACK=1 "
            f"shows where it happened): {type(exc).__name__}: {exc}")
    if os.environ.get("DBT_OMNI_TRACEBACK") == "1":
        import traceback

        line += "\n" + "".join(traceback.format_exception(exc)).rstrip()
    return OmniExportError(Problem(line))


def as_export_error(exc: Exception) -> OmniExportError:
    """What a trigger's last-resort handler reports: our error as it is, anything else as internal_error."""
    return exc if isinstance(exc, OmniExportError) else internal_error(exc)
