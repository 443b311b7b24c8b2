"""The audit chain: any removed, inserted, reordered or edited line is caught (with the manifest's head)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deid.release import GENESIS_HASH, Outcome, check_chain
from deid.release.audit import AuditLog, line_hash

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _log(folder: Path, steps: int) -> tuple[bytes, int, str]:
    log = AuditLog(folder / f"audit-{steps}.jsonl")
    for i in range(steps):
        log.append(f"step {i}", T0, T0, Outcome.OK, {"rows": i}, [f"reason {i}"])
    log.close()
    return log.path.read_bytes(), log.entries, log.last_hash


def _detected(data: bytes, entries: int, last_hash: str) -> bool:
    """What verification concludes from the chain plus the manifest's length and head."""
    failures, count, last = check_chain(data)
    return bool(failures) or count != entries or last != last_hash


def test_intact_chain(tmp_path: Path) -> None:
    data, entries, last = _log(tmp_path, 4)
    assert check_chain(data) == ([], 4, last)
    assert data.splitlines()[0].count(GENESIS_HASH.encode()) == 1
    assert last == line_hash(data.splitlines()[-1])
    assert not _detected(data, entries, last)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b'{"a":1}', "incomplete"), (b"not json\n", "line 1 is not a valid audit entry")],
)
def test_broken_files(content: bytes, message: str) -> None:
    failures, _, _ = check_chain(content)
    assert any(message in f for f in failures)


@settings(max_examples=60, deadline=None)
@given(steps=st.integers(2, 7), data=st.data())
def test_any_tampering_is_detected(tmp_path_factory: pytest.TempPathFactory, steps: int,
                                   data: st.DataObject) -> None:
    original, entries, last = _log(tmp_path_factory.mktemp("audit"), steps)
    lines = original.splitlines(keepends=True)
    kind = data.draw(st.sampled_from(["drop", "swap", "edit", "duplicate", "truncate"]))
    i = data.draw(st.integers(0, steps - 1))
    if kind == "drop":
        lines.pop(i)
    elif kind == "swap":
        j = data.draw(st.integers(0, steps - 1).filter(lambda j: j != i))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "edit":
        lines[i] = lines[i].replace(b'"rows":', b'"rowz":') if i else lines[i].replace(b"reason", b"Reason")
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    else:
        lines[-1] = lines[-1][:-5]
    tampered = b"".join(lines)
    assert tampered != original
    assert _detected(tampered, entries, last)
