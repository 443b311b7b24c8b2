"""Dates, ages and phone numbers in ICU-note style, and the clinical numbers that only look like them."""

from __future__ import annotations

import pytest

from deid.text import Detector

#: (case, text, PHI that must be covered, label expected on it)
FOUND = [
    ("vent noun then date", "Placed on CPAP on 8/23 for apnea.", "8/23", "DATE"),
    ("extubate after vent", "Plan to wean from vent and extubate 3/11.", "3/11", "DATE"),
    ("antecubital line", "PICC put in L AC 12/03, flushes well.", "12/03", "DATE"),
    ("approx before date", "Heparin drip begun approx 11/02 1415.", "11/02", "DATE"),
    ("glued to fx", "PMH: osteoporosis, s/p wrist fx4/97, GERD.", "4/97", "DATE"),
    ("after fx", "s/p pelvic fx 5/96, hip decub.", "5/96", "DATE"),
    ("culture abbreviation", "Afebrile. Last cx 3/23 negative.", "3/23", "DATE"),
    ("glued to on", "labs drawn on10/14/82 were stable", "10/14/82", "DATE"),
    ("after colon", "PRESENT HX:8/30 LETHARGIC, NOT EATING", "8/30", "DATE"),
    ("score-like date", "Had small BM 4/10, soft, guaiac neg.", "4/10", "DATE"),
    ("month alone", "Admitted to rehab in sept. with pneumonia.", "sept", "DATE"),
    ("month alone upper", "LAST DRINK IN AUGUST PER WIFE.", "AUGUST", "DATE"),
    ("day range before month", "progress note\n3->4 dec, 97\n1900 - 0700", "3->4 dec, 97", "DATE"),
    ("culture with dash", "BLOOD CX FROM 4-7 GREW MRSA.", "4-7", "DATE"),
    ("ordinal date phrase", "Cath scheduled on the 5th at noon.", "5th", "DATE"),
    ("two-digit year after MI", "PMH: CAD: IMI 13. HTN. DM.", "13", "DATE"),
    ("two-digit year opens item", "PMH: NIDDM. 05 PTCA to RCA. 11 stent to LAD.", "05", "DATE"),
    ("second list item year", "PMH: NIDDM. 05 PTCA to RCA. 11 stent to LAD.", "11", "DATE"),
    ("list of years", "PMHX CVA in 94 and 00 with L weakness.", "00", "DATE"),
    ("bare year", "s/p lobectomy 1977 for adenocarcinoma.", "1977", "DATE"),
    ("apostrophe year", "APPENDECTOMY 81'.", "81'", "DATE"),
    ("age opening history", "Objective data per flowsheet.\n\n97 s/p fall with hip fracture.", "97", "AGE"),
    ("pager colon hash", "Pager: #40117\nTime: 3:00pm", "40117", "PHONE"),
    # Month and year (issue 11, item 5).
    ("month/four-digit year", "labs 01/2025 were normal", "01/2025", "DATE"),
    ("month/two-digit year", "seen in 03/19 for follow up", "03/19", "DATE"),
    ("month/year after since", "On warfarin since 2/2019 for AF.", "2/2019", "DATE"),
    ("month-year dashed", "Colonoscopy 03-2019 showed polyps.", "03-2019", "DATE"),
    ("month name year", "Last seen Jan 2020 by cardiology.", "Jan 2020", "DATE"),
    ("month name of year", "MI in January of 2020, stented.", "January of 2020", "DATE"),
    ("month name dash year", "Last colonoscopy Jan-2020, normal.", "Jan-2020", "DATE"),
    # A date heading a note or a line, before a colon.
    ("date heading with year", "Telephone encounter July 20, 2020:\nPt called about meds.", "July 20, 2020", "DATE"),
    ("numeric date heading", "Progress note\n7/20/2020:\nStable overnight.", "7/20/2020", "DATE"),
    ("month day heading", "Note\nJuly 20: spoke with pt.", "July 20", "DATE"),
    ("day month heading", "20 July: seen in clinic.", "20 July", "DATE"),
    # Ages over 89, in words and in the short forms of a note header.
    ("age words", "ninety-two year old woman with CHF", "ninety-two", "AGE"),
    ("age words spaced", "Ninety two years old, lives alone.", "Ninety two", "AGE"),
    ("age words hyphenated", "A ninety-two-year-old man fell.", "ninety-two", "AGE"),
    ("aged words", "Widow, aged ninety-five, lives alone.", "ninety-five", "AGE"),
    ("age of words", "At the age of ninety-one she moved.", "ninety-one", "AGE"),
    ("age words yo", "Ninety-two y/o F admitted from home.", "Ninety-two", "AGE"),
    ("hundred and two", "one hundred and two year old man", "one hundred and two", "AGE"),
    ("hundred-year-old digits", "101-year-old female with CHF.", "101", "AGE"),
    ("age y/o", "92 y/o F with CHF.", "92", "AGE"),
    ("age yo glued", "92yo male with CHF.", "92", "AGE"),
    ("age y.o.", "92 y.o. man with CHF.", "92", "AGE"),
    ("age cue", "Age 93, lives alone.", "93", "AGE"),
    ("age sex glued", "92M with CHF.", "92", "AGE"),
    ("age sex header", "92 yo F\nCC: fall", "92", "AGE"),
    # A year of birth is always redacted (the fail-closed rule for people over 89).
    ("dob year", "DOB 1929, widowed.", "1929", "DATE"),
    ("dob colon year", "DOB: 1931", "1931", "DATE"),
    ("born in year", "She was born in 1931 in the old country.", "1931", "DATE"),
    ("b. year", "Mother (b. 1930) is well.", "1930", "DATE"),
    ("dotted dob year", "D.O.B. 1930", "1930", "DATE"),
    ("year of birth", "Year of birth: 1926.", "1926", "DATE"),
    ("seven with cue", "son's cell 555-1000 if no answer", "555-1000", "PHONE"),
    ("seven with area code", "DAUGHTER---617 944-2210 & SON", "617 944-2210", "PHONE"),
]

#: (case, text) with no PHI at all
NOT_PHI = [
    ("murmur grade", "Grade 2/6 systolic murmur at LUSB."),
    ("murmur after", "Soft 3/6 holosystolic murmur, unchanged."),
    ("apgar", "Born at term, Apgar 8/9 per old records."),
    ("pressure support", "Remains on PS 5/5, FiO2 40%, tolerating well."),
    ("bipap after", "Placed on BiPAP 10/5 overnight, sats 95%."),
    ("peep after", "Remains vented, ac 500x12x.5/8 peep, suctioned."),
    ("setting chain", "SETTINGS-SIMV/PS, 600X12, 40%, & 5/10. SATS 98%."),
    ("weaning", "Continued to wean down to 10/5, tolerating."),
    ("weaning trial", "On weaning trial 5/5, VT 450s."),
    ("vent changed", "Family at bedside. Vent\nchanged over to 5/5, comfort care."),
    ("fio2 after", "Now weaning on 5/5-.40, will extubate."),
    ("chest pain score", "c/o substernal chest pressure 6/10, NTG given, CP to 2/10."),
    ("angina after", "Developed severe 10/10 angina at rest."),
    ("pain range", "Headache 3-4/10, tylenol 650 mg po."),
    ("strength and pupils", "4/4 strength RUE, PERRLA 3/3 brisk, perrla, 2/2."),
    ("saline fractions", "Hung 1/4 NS at 100cc/hr, then 1/2 ns at 75."),
    ("culture bottles", "BC + coag neg staph 4/4 bottles."),
    ("secondary to", "Hypotension 2/2 sepsis, on levophed."),
    ("cardiac output", "CO/CI 5/3 by Fick, SVR 900s."),
    ("lab chain", "K 3.2-40 meq kcl given. ABG 7.30/19 on 40%."),
    ("ordinals", "On 1st step overlay. Blood seen in the 4th ventricle. Failed her 2nd SBT."),
    ("ordinal list", "Two chest tubes. The 1st was pulled. The 2nd then fell out."),
    ("feet", "AMBULATED 30' WITH WALKER. HR 70-80' NSR. HOB up 10-15' only."),
    ("volume ranges", "TV 800-1000 cc, SVR 954-1183, HR 100-1112, voiding 575-1000 cc."),
    ("vitals run", "Vitals before rx: 152/64 81 24 98% ABG 7.41 44 70 94%."),
    ("vent tidal volume then time", "Decreased PS to 14 with VT 800-1000 15 minutes later."),
    ("plateau pressure", "PAP/Plateau 29/18. Platelets now 61,000."),
    ("clinical domain look-alike", "HANDS WARM.CO AND CI BETTER. wedge 14.CO/ci ok."),
    ("transfusion times", "Gave one unit FFP 0215-0545 without reaction."),
    # Look-alikes of month/year dates and of ages over 89.
    ("half tab", "Take 1/2 tab po bid."),
    ("blood pressure", "BP 120/80, HR 72."),
    ("ratio", "I:E ratio 1/2, strength 5/5 bilaterally."),
    ("dilution", "ANA titer 1/1280; dilution 1/2000 of the stock."),
    ("cell count", "CD4 count 3/1990 cells."),
    ("dose over a year-like number", "received 4/2000 mg"),
    ("lab values", "Na 138, K 4.1, Hct 30.2, plt 1950, WBC 11.2."),
    ("quantity range", "Output 10-2000 cc over the shift."),
    ("times after month", "Dec 12:00 pt resting. Mar 10:45 dose given."),
    ("ages under 90 in words", "A pleasant eighty-nine-year-old woman; husband eighty-five years old, aged eighty."),
    ("ages under 90 in digits", "88 yo F with COPD, husband age 85."),
    ("ninety not an age", "Ninety percent of the time; infused over ninety minutes; lost ninety pounds."),
    ("durations", "HTN x 10 yrs, quit smoking 20 years ago."),
    ("year with no cue", "Colonoscopy 2015 normal."),
    ("time and volume", "At 2000 pt was resting. Given 1950 cc total."),
    ("temperature and saturation", "O2 sat 92% on RA, temp 98.6F, BP 92/50."),
]

#: (case, text, the exact text of a span, its label): the identifier is found whole, nothing more.
EXACT = [
    ("month/year", "labs 01/2025 were normal", "01/2025", "DATE"),
    ("date heading", "Telephone encounter July 20, 2020:", "July 20, 2020", "DATE"),
    ("age words", "a ninety-two-year-old man", "ninety-two", "AGE"),
    ("hundred and two", "one hundred and two year old man", "one hundred and two", "AGE"),
    ("birth year", "DOB: 1931", "1931", "DATE"),
]


def _covered(detector: Detector, text: str, phi: str) -> tuple[bool, set[str]]:
    spans = detector.detect([text])[0]
    start = text.index(phi)
    end = start + len(phi)
    covered = {i for s in spans for i in range(s.start, s.end)}
    labels = {s.label for s in spans if s.start < end and start < s.end}
    return all(i in covered for i in range(start, end) if text[i].isalnum()), labels


@pytest.mark.parametrize(("case", "text", "phi", "label"), FOUND, ids=[c[0] for c in FOUND])
def test_date_like_phi_is_covered(detector: Detector, case: str, text: str, phi: str, label: str) -> None:
    covered, labels = _covered(detector, text, phi)
    assert covered, (case, labels)
    assert label in labels, (case, labels)


@pytest.mark.parametrize(("case", "text"), NOT_PHI, ids=[c[0] for c in NOT_PHI])
def test_clinical_numbers_are_not_dates(detector: Detector, case: str, text: str) -> None:
    spans = detector.detect([text])[0]
    found = [(text[s.start:s.end], s.label, s.source) for s in spans
             if s.label in {"DATE", "AGE", "PHONE", "FAX", "URL", "MRN", "VEHICLE", "ID"}]
    assert not found, (case, found)


@pytest.mark.parametrize(("case", "text", "phi", "label"), EXACT, ids=[c[0] for c in EXACT])
def test_date_like_phi_span_is_exact(detector: Detector, case: str, text: str, phi: str, label: str) -> None:
    spans = detector.detect([text])[0]
    assert (phi, label) in [(text[s.start:s.end], s.label) for s in spans], case
