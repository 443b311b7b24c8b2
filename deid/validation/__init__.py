"""Output validation: a Great Expectations suite built from the policy and run in memory on a release.

Owns :mod:`~deid.validation.suite`: which expectations a policy implies for each output table (no
direct-identifier column, no text shaped like an SSN, phone number, e-mail address or MRN, dates and ages
generalized as the policy says, no restricted ZIP prefix, every equivalence class at least k people, the
expected row count) and running them with an ephemeral Great Expectations context. To add a check, add
one function that returns :class:`~deid.validation.suite.Check` objects and list it in ``CHECK_BUILDERS``.
Great Expectations is imported only when a suite runs (its import takes seconds).
"""

from deid.validation.suite import CHECK_BUILDERS, Check, TableContext, build_checks, validate_outputs

__all__ = ["CHECK_BUILDERS", "Check", "TableContext", "build_checks", "validate_outputs"]
