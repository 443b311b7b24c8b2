"""What every command shares: the error-to-exit-code mapping, output consoles and progress bars.

No logic lives in the CLI: a command parses its options, calls one library function and reports. Errors
are printed as one line on stderr, and unexpected exceptions are reported by type only, because an
exception message may quote input data (set ``DEID_DEBUG=1`` for the full traceback on a safe machine).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from deid.errors import (
    ConfigError,
    DeidError,
    LeakError,
    NotBuiltError,
    ReleaseRejectedError,
    VerificationError,
)

P = ParamSpec("P")
R = TypeVar("R")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def report_error(exc: DeidError) -> None:
    """Print a library error as the CLI shows it: one line, plus one line per listed problem."""
    err.print(f"error: {exc}", markup=False, highlight=False)
    details: list[str] = []
    if isinstance(exc, ConfigError):
        details = [p for p in getattr(exc, "problems", []) if p != str(exc)]
    elif isinstance(exc, ReleaseRejectedError):
        details = exc.reasons
    elif isinstance(exc, VerificationError):
        details = exc.failures
    for line in details:
        err.print(f"  {line}", markup=False, highlight=False)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Map :class:`DeidError` to its exit code; hide the message of anything unexpected."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except DeidError as exc:
            report_error(exc)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("DEID_DEBUG") == "1":
                raise
            err.print(
                f"internal error: {type(exc).__name__} (message withheld: it may quote input data; "
                "rerun with DEID_DEBUG=1 on a machine cleared for PHI to see it)",
                markup=False,
            )
            raise typer.Exit(1) from None

    return wrapper


def not_built(command: str, issue: str) -> None:
    """Refuse to pretend: a listed command that is not built yet exits non-zero."""
    raise NotBuiltError(f"`deid {command}` is not built yet ({issue}); nothing was done")


@contextmanager
def progress(description: str, total: int | None = None, *, enabled: bool = True) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields ``advance(n)``. Shows counts only, never data."""
    columns: list[Any] = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True, disable=not enabled) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


__all__ = ["LeakError", "err", "handle_errors", "not_built", "out", "progress", "report_error"]
