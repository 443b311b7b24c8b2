"""Replacement: consistent per patient and key, date intervals kept, formats kept, offsets always valid."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deid.categories import Category
from deid.errors import InputError
from deid.policy import load_policy
from deid.pseudonym import date_shift_days
from deid.text import Detector, PatientIdentifiers, Span
from deid.text.jobs import scrub_file
from deid.text.replace import Replacer, shift_date

ROOT = Path(__file__).resolve().parents[2]
KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))


@pytest.fixture(scope="module")
def expert():
    return load_policy(ROOT / "policies" / "expert-determination.yaml")


@pytest.fixture(scope="module")
def harbor():
    return load_policy(ROOT / "policies" / "safe-harbor.yaml")


def _scrub(detector: Detector, policy, key: bytes, text: str, person: str) -> str:
    spans = detector.detect([text])[0]
    return Replacer(policy, key).replace(text, spans, person)[0]


def test_same_patient_same_surrogate_across_notes(detector: Detector, expert) -> None:
    a = _scrub(detector, expert, KEY_A, "Seen by Dr. Lavely today.", "p1")
    b = _scrub(detector, expert, KEY_A, "Dr. Lavely aware of labs.", "p1")
    other_key = _scrub(detector, expert, KEY_B, "Seen by Dr. Lavely today.", "p1")
    assert "Lavely" not in a and "Lavely" not in b
    surrogate = a.split("Dr. ")[1].split()[0]
    assert surrogate in b
    assert other_key != a


def test_a_titled_name_keeps_its_title_and_the_surrogate_of_the_name(expert) -> None:
    replacer = Replacer(expert, KEY_A)
    titled = "Seen by Dr. Lavely."
    bare = "Lavely aware."
    a = replacer.replace(titled, [Span(8, 18, "NAME", 0.85, "t")], "p1")[0]
    b = replacer.replace(bare, [Span(0, 6, "NAME", 0.6, "t")], "p1")[0]
    assert a.startswith("Seen by Dr. ") and "Lavely" not in a
    assert a.removeprefix("Seen by Dr. ").removesuffix(".") == b.removesuffix(" aware.")


@pytest.mark.parametrize(("value", "pattern"), [
    ("8/23", r"^\d{1,2}/\d{1,2}$"),
    ("08/23/2019", r"^\d{2}/\d{2}/\d{4}$"),
    ("2019-08-23", r"^\d{4}-\d{2}-\d{2}$"),
    ("Jan 5th, 2021", r"^[A-Z][a-z]{2} \d{1,2}(st|nd|rd|th), \d{4}$"),
    ("8/23/19", r"^\d{1,2}/\d{1,2}/\d{2}$"),
])
def test_shift_keeps_format(value: str, pattern: str) -> None:
    import re

    shifted = shift_date(value, KEY_A, "p1")
    assert shifted is not None and shifted != value and re.match(pattern, shifted), shifted


def test_shift_keeps_intervals() -> None:
    first, second = shift_date("2019-08-23", KEY_A, "p9"), shift_date("2019-09-02", KEY_A, "p9")
    assert first and second
    delta = dt.date.fromisoformat(second) - dt.date.fromisoformat(first)
    assert delta.days == 10
    assert (dt.date.fromisoformat(first) - dt.date(2019, 8, 23)).days == date_shift_days(KEY_A, "p9")


def test_unparseable_date_is_tagged_not_kept(expert) -> None:
    text = "seen the 20th"
    spans = [Span(9, 13, "DATE", 0.9, "test")]
    out, done = Replacer(expert, KEY_A).replace(text, spans, "p1")
    assert out == "seen the [DATE]" and done[0].action == "date_shift"


def test_year_only_and_top_code(detector: Detector, harbor) -> None:
    out = _scrub(detector, harbor, KEY_A, "93 yo admitted 08/23/2019.", "p1")
    assert out.startswith("90+ yo") and "2019" in out and "08/23" not in out


def test_record_aware_names(detector: Detector) -> None:
    patient = PatientIdentifiers({Category.NAME: ["Zorbulon Quexley"], Category.MRN: ["00-48-2913"]})
    text = "zorbulon feeling better. Z. Quexley ambulating. QUEXLEY, ZORBULON. mrn 00482913"
    spans = detector.detect([text], [patient])[0]
    covered = {i for s in spans for i in range(s.start, s.end)}
    for word in ("zorbulon", "Quexley", "QUEXLEY", "ZORBULON", "00482913"):
        start = text.index(word)
        assert all(i in covered for i in range(start, start + len(word))), word


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300))
def test_offsets_always_match_the_text(detector: Detector, text: str) -> None:
    for span in detector.detect([text])[0]:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end].strip() == text[span.start:span.end]


def test_empty_text(detector: Detector) -> None:
    assert detector.detect(["", "   "]) == [[], []]


def test_null_text_is_a_clear_error(detector: Detector, tmp_path: Path, expert) -> None:
    source = tmp_path / "n.jsonl"
    source.write_text(json.dumps({"doc_id": "7", "text": None}) + "\n")
    with pytest.raises(InputError, match=r"line 1: the text is null"):
        scrub_file(source, tmp_path / "o.jsonl", detector, expert, KEY_A)
    assert not (tmp_path / "o.jsonl").exists()


def test_non_utf8_is_a_clear_error(detector: Detector, tmp_path: Path, expert) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_bytes(b'{"doc_id": "1", "text": "Dr. Secretname \xff"}\n')
    with pytest.raises(InputError) as info:
        scrub_file(source, tmp_path / "o.jsonl", detector, expert, KEY_A)
    assert "line 1: not UTF-8" in str(info.value) and "Secretname" not in str(info.value)


@pytest.mark.slow
def test_huge_text(detector: Detector) -> None:
    unit = "Seen by Dr. Lavely on 8/23. Call 617-555-0123. Foley draining, BP 120/80. "
    text = unit * (10_000_000 // len(unit))
    spans = detector.detect([text])[0]
    assert len(text) >= 9_900_000
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    starts = {s.start for s in spans}
    assert text.index("Lavely", 5_000_000) in starts or any(
        s.start <= text.index("Lavely", 5_000_000) < s.end for s in spans)
