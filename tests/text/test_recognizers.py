"""Recognizer table: (text, PHI that must be covered, category) for every category, and look-alikes."""

from __future__ import annotations

import pytest

from deid.text import Detector

FOUND = [
    ("name after title", "Seen by Dr. Lavely this morning.", "Lavely", "NAME"),
    ("name all caps", "PHONE REPORT GIVEN TO DR. ROGERS. FFP RUNNING", "ROGERS", "NAME"),
    ("relative lower case", "daughter peggy staying overnight.", "peggy", "NAME"),
    ("credential after", "margaret t. vellucci bsn/rn", "vellucci", "NAME"),
    ("last, first", "Patient: Gaudreau, Margaret was admitted.", "Gaudreau", "NAME"),
    ("month/day", "PT WELL UNTIL 8/23 WHEN SOB BEGAN", "8/23", "DATE"),
    ("full date", "Admitted 08/23/2019 for chest pain.", "08/23/2019", "DATE"),
    ("iso date", "Collected 2019-08-23.", "2019-08-23", "DATE"),
    ("month name", "Follow up on Jan 5th, 2021 in clinic.", "Jan 5th, 2021", "DATE"),
    ("day-mon-year", "Surgery 23-Aug-2019 uneventful.", "23-Aug-2019", "DATE"),
    ("apostrophe year", "MI in '92 and redo CABG.", "'92", "DATE"),
    ("age over 89", "93 yo female with CHF.", "93", "AGE"),
    ("phone", "Call daughter at (617) 555-0123 tonight.", "(617) 555-0123", "PHONE"),
    ("phone dotted", "cell 617.555.0123", "617.555.0123", "PHONE"),
    ("pager", "Pager #83554", "83554", "PHONE"),
    ("fax", "Fax: 617-555-0199", "617-555-0199", "FAX"),
    ("email", "Write to jane.roe@example.org today.", "jane.roe@example.org", "EMAIL"),
    ("url", "Portal https://mychart.example.com/login for results.", "https://mychart.example.com/login", "URL"),
    ("ip", "Device at 192.168.10.45 offline.", "192.168.10.45", "IP_ADDRESS"),
    ("ssn", "SSN 123-45-6789 on file.", "123-45-6789", "SSN"),
    ("mrn", "MRN: 00482913 verified.", "00482913", "MRN"),
    ("health plan", "Medicaid ID: MA44820917 active.", "MA44820917", "HEALTH_PLAN"),
    ("account", "Account # 99812734 billed.", "99812734", "ACCOUNT"),
    ("dea", "DEA AB1234563 on the script.", "AB1234563", "LICENSE"),
    ("vin", "Car VIN 1HGCM82633A004352 towed.", "1HGCM82633A004352", "VEHICLE"),
    ("device serial", "Pacemaker serial # PM4471902 interrogated.", "PM4471902", "DEVICE"),
    ("serial with letter suffix", "Serial no. GE-557965-Y on the box.", "GE-557965-Y", "DEVICE"),
    ("pacemaker serial suffix", "Pacemaker serial GE-557965-Y interrogated.", "GE-557965-Y", "DEVICE"),
    ("s/n suffix", "Pump S/N: PM-4471902-AB checked.", "PM-4471902-AB", "DEVICE"),
    ("sn suffix", "Monitor SN 88123-XR checked.", "88123-XR", "DEVICE"),
    ("device id suffix", "Device ID: AB-12345-CD", "AB-12345-CD", "DEVICE"),
    ("model/serial suffix", "Model/serial: MD-44512-XR", "MD-44512-XR", "DEVICE"),
    ("month/year", "Labs 01/2025 unremarkable.", "01/2025", "DATE"),
    ("date heading", "Telephone encounter July 20, 2020:", "July 20, 2020", "DATE"),
    ("age in words", "Ninety-two year old woman with CHF.", "Ninety-two", "AGE"),
    ("birth year", "DOB: 1929", "1929", "DATE"),
    ("street address", "Lives at 42 Maple Street, Apt 3.", "42 Maple Street, Apt 3", "ADDRESS"),
    ("zip with state", "Boston, MA 02114", "02114", "ZIP"),
    ("city", "Pt lives with son in Rockville.", "Rockville", "LOCATION"),
    ("facility", "Transferred from Lakeview Hospital for cath.", "Lakeview Hospital", "FACILITY"),
]

NOT_PHI = [
    ("eponyms", "Foley draining. Babinski negative. Glasgow Coma Scale 15. Apgar 9. Parkinson disease."),
    ("vitals", "BP 120/80, HR 72, RR 16, strength 5/5 bilaterally, reflexes 2+."),
    ("doses", "Metoprolol 25 mg PO BID, heparin 1000 units/hr, K 4.1, Na 138."),
    ("fractions and scales", "Gave 1/2 NS. Pain 3/10. Secondary 2/2 to sepsis."),
    ("codes", "ICD-10 I21.4, CD4 350, EF 50%."),
    ("dose, score, pressure", "Take 1/2 tab. Pain 4/10. BP 120/80. PS 5/5. Strength 5/5."),
    ("ages under 90", "Eighty-nine year old woman. 88 yo F. Age 85."),
    ("durations and lab counts", "Quit 20 years ago. Plt 1950. Dilution 1/2000."),
]


@pytest.mark.parametrize(("case", "text", "phi", "label"), FOUND, ids=[c[0] for c in FOUND])
def test_phi_is_covered(detector: Detector, case: str, text: str, phi: str, label: str) -> None:
    spans = detector.detect([text])[0]
    start = text.index(phi)
    end = start + len(phi)
    covered = {i for s in spans for i in range(s.start, s.end)}
    assert all(i in covered for i in range(start, end) if text[i].isalnum()), (case, [(text[s.start:s.end], s.label) for s in spans])
    labels = {s.label for s in spans if s.start < end and start < s.end}
    assert label in labels, (case, labels)


@pytest.mark.parametrize(("case", "text"), NOT_PHI, ids=[c[0] for c in NOT_PHI])
def test_clinical_lookalikes_are_kept(detector: Detector, case: str, text: str) -> None:
    spans = detector.detect([text])[0]
    assert spans == [], [(text[s.start:s.end], s.label, s.source) for s in spans]


def test_every_span_names_its_recognizer(detector: Detector) -> None:
    spans = detector.detect(["Dr. Lavely called 617-555-0123 on 3/14."])[0]
    assert spans and all(s.source.startswith("deid.") for s in spans)
