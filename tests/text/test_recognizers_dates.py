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
    ("seven with cue", "son's cell 555-1000 if no answer", "555-1000", "PHONE"),
    ("seven with area code", "DAUGHTER---617 944-2210 & SON", "617 944-2210", "PHONE"),
]

#: (case, text) with no PHI at all
NOT_PHI = [
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
