"""The one exception tree of ``deid``, and the exit code the CLI gives each branch.

Every error the library raises on purpose is a :class:`DeidError`. Messages name the file, table, column,
row, key path or rule involved and say what to do next; they never contain a value from the input data, so
they are safe to print, log and attach to CI output.

::

    DeidError                      exit 1   base class; never raised directly
    ├── ConfigError                exit 3   a policy or pipeline file is invalid or inconsistent
    │   ├── PolicyError            exit 3   ... a policy file
    │   └── PipelineError          exit 3   ... a pipeline file
    ├── InputError                 exit 4   input data missing, unreadable or not as the policy says
    ├── KeyMaterialError           exit 5   a secret or signing key is missing, unreadable or malformed
    ├── PrivacyThresholdError      exit 6   a risk threshold of the policy cannot be met
    ├── LeakError                  exit 7   PHI survived: a residual scan hit, a canary, a recall threshold
    ├── ReleaseRejectedError       exit 8   the release gate said no; the release is in quarantine
    ├── VerificationError          exit 9   a release failed verification (signature, hash, audit chain, use)
    └── NotBuiltError              exit 10  the command exists in the CLI but is not built yet

Exit code 2 is Typer's own code for a command line it cannot parse; 0 is success.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "ConfigError",
    "DeidError",
    "InputError",
    "KeyMaterialError",
    "LeakError",
    "NotBuiltError",
    "PipelineError",
    "PolicyError",
    "PrivacyThresholdError",
    "ReleaseRejectedError",
    "VerificationError",
]


class DeidError(Exception):
    """Base of every deliberate ``deid`` error. ``exit_code`` is what the CLI exits with."""

    exit_code: ClassVar[int] = 1


class ConfigError(DeidError):
    """A policy or pipeline file is invalid: a typo in a key, an impossible value, a missing file."""

    exit_code: ClassVar[int] = 3


class PolicyError(ConfigError):
    """A policy file failed validation. ``problems`` holds one ``FILE: [key.path] message`` line each."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = problems if problems is not None else [message]


class PipelineError(ConfigError):
    """A pipeline file failed validation or does not match its inputs or policy."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = problems if problems is not None else [message]


class InputError(DeidError):
    """Input data cannot be used: missing file or column, bad encoding, nulls where none may be."""

    exit_code: ClassVar[int] = 4


class KeyMaterialError(DeidError):
    """A key is missing or malformed, or a production run was asked for without keys."""

    exit_code: ClassVar[int] = 5


class PrivacyThresholdError(DeidError):
    """The policy's privacy model cannot be satisfied within its suppression limit."""

    exit_code: ClassVar[int] = 6


class LeakError(DeidError):
    """Identifiers survived de-identification (residual scan, canary, or a recall threshold)."""

    exit_code: ClassVar[int] = 7


class ReleaseRejectedError(DeidError):
    """The release gate rejected a run. ``reasons`` lists why; the release sits in quarantine."""

    exit_code: ClassVar[int] = 8

    def __init__(self, message: str, reasons: list[str] | None = None) -> None:
        super().__init__(message)
        self.reasons: list[str] = reasons if reasons is not None else [message]


class VerificationError(DeidError):
    """A release failed a consumer check. ``failures`` names each failed check."""

    exit_code: ClassVar[int] = 9

    def __init__(self, message: str, failures: list[str] | None = None) -> None:
        super().__init__(message)
        self.failures: list[str] = failures if failures is not None else [message]


class NotBuiltError(DeidError):
    """A command that the CLI lists but that is not built yet; it never pretends to run."""

    exit_code: ClassVar[int] = 10
