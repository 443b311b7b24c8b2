"""Place recognizer table: wards, hospital acronyms, university and saint hospitals, towns after social-history
cues, regions, street addresses; and the clinical look-alikes (units, services, modes, doses) they must keep."""

from __future__ import annotations

import pytest

from deid.text import Detector

#: (case, text, PHI that must be covered). Every letter and digit of the PHI must be inside some span.
FOUND = [
    # wards: a rare word and a number after a movement cue, or before the ward's nurse or bed
    ("ward after transfer", "Stable overnight. Transfer to Brindlemoor 4 in am.", "Brindlemoor 4"),
    ("ward caps on", "PT FOUND UNRESPONSIVE ON TALLOWICK 6; CODE CALLED.", "TALLOWICK 6"),
    ("ward intubated on", "resp: pt intubated on brindlemoor 3 for hypoxia.", "brindlemoor 3"),
    ("ward glued number", "ADMITTED TO TALLOWICK7 W/ CHF.", "TALLOWICK7"),
    ("ward glued lower", "plan to get oob. transfer to brindlemoor2.", "brindlemoor2"),
    ("ward plan line", "ASSESS: STABLE.    PLAN: TALLOWICK 2 WHEN BED AVAIL.", "TALLOWICK 2"),
    ("ward per its nurse", "Per Brindlemoor 5 RN, urine output low all evening.", "Brindlemoor 5"),
    ("ward from", "65 yo man transferred to ccu from brindlemoor 3 for a swan.", "brindlemoor 3"),
    ("ward other mention", "Transfer to Brindlemoor 2 today. Will c/o to brindlemoor if stable.", "brindlemoor"),
    ("ward surname in title case", "Plan: transfer to Baker 4 when a bed opens.", "Baker 4"),
    # hospital acronyms: ending in H, after a care preposition or before the hospital's ER
    ("acronym transferred", "Intubated at the scene and transferred to RVH for cath.", "RVH"),
    ("acronym at", "She was followed by the heart failure team at KMH, then admitted.", "KMH"),
    ("acronym lower enroute", "pt rec'd ativan enroute to kmh, began to wake.", "kmh"),
    ("acronym before er", "found down at home -> KMH EW today in distress.", "KMH"),
    ("acronym retired from", "social- retired from KMH. Married, husband visits.", "KMH"),
    ("acronym in lower note", "alert and oriented, knows he is in KMH and the month.", "KMH"),
    ("acronym mc", "Cultures from Delmont were sent to BVMC for review.", "BVMC"),
    # university and saint hospitals, campuses, hospital names of everyday words
    ("university state", "Pt admitted to U Delaware ER with ST elevations.", "U Delaware"),
    ("university of state lower", "pt received from university of delaware hospital, intubated.", "university of delaware hospital"),
    ("university of abbreviation", "PRESENTED TO U OF DE MED CENTER ON ARRIVAL WITH SOB.", "U OF DE MED CENTER"),
    ("saint caps", "TO GO TO ST. AGNES ON FRIDAY PER CASE MANAGER.", "ST. AGNES"),
    ("saint possessive", "Plan ?transfer to St. Agnes's tomorrow.", "St. Agnes's"),
    ("holy cross lower", "83 yo man who presented to good samaritan hospital from home.", "good samaritan hospital"),
    ("heart center", "Instructed to follow up with Wyncote Valley Heart Center next week.", "Wyncote Valley Heart Center"),
    ("campus", "called out to a surgical bed on the tramwell campus.", "tramwell"),
    ("memorial hospital", "63 YO MAN TRANSFERRED FROM MEMORIAL HOSPITAL WITH CHF.", "MEMORIAL HOSPITAL"),
    ("community health center", "FOLLOW UP AT ORTEGA COMMUNITY HEALTH CENTER IN 2 WEEKS.", "ORTEGA COMMUNITY HEALTH CENTER"),
    ("coordinated facility", "SCREENED BY DUNMORE REHAB AND TARRYHOLT. MAY GO WHEN BED OPENS.", "TARRYHOLT"),
    ("facility in town", "arrived via ems from the VA in Brackwater this morning.", "Brackwater"),
    # towns and regions after social-history cues
    ("lives in common-word town", "WIDOWER. LIVES IN Normal. PAST SMOKER.", "Normal"),
    ("caps short city", "HIS SISTER IS LIVING IN PARIS.", "PARIS"),
    ("fly from city", "SON WILL TRY TO FLY IN FROM PARIS BY FRIDAY.", "PARIS"),
    ("lives alone in two words", "social: lives alone in little brackwater, son nearby.", "little brackwater"),
    ("city comma state lower", "they stay in salem,ma over the winter.", "salem"),
    ("region", "Was on vacation on the Gulf Coast when chest pain began.", "Gulf Coast"),
    ("region caps", "WIFE DROVE UP FROM THE GULF COAST LAST NIGHT.", "GULF COAST"),
    ("someone's house", 'confused, stating he was "at delmer pratchett\'s house."', "delmer pratchett"),
    ("city no cue big", "Records requested, Philadelphia reconsult for transfer.", "Philadelphia"),
    # street addresses still found
    ("street mixed", "Lives alone at 19 Clover St. in a first-floor unit.", "19 Clover St"),
    ("street caps", "HOME ADDRESS 412 WINTERBOURNE AVE, APT 3.", "412 WINTERBOURNE AVE, APT 3"),
    ("street french", "Staying at 56 rue La Fontaine St. with family.", "56 rue La Fontaine St"),
]

#: Clinical text that names no place: units, services, modes, doses and rhythms after the same cues.
NOT_PHI = [
    ("doses in caps", "MORPHINE 4 MG SQ GIVEN, ZOFRAN 4 MG IV. 8U REG INSULIN SQ DONE."),
    ("rates per dr", "NTG INCREASED TO 120 PER DR. MAP GOAL 65. 2 GMS GIVEN IVP PER DR."),
    ("rhythm to st", "HR 88-112 SR TO ST WITH PACS. SHOCKED WITH 200 JOULES X 1 TO ST."),
    ("line in place", "3L CORDIS STILL IN PLACE. 6.0 TRACH IN PLACE."),
    ("units after transfer", "Transferred to the MICU from the EW, then to CCU. Seen in ED. Sent to OR."),
    ("icu variants", "pt transferred from TSICU; plan transfer to the vicu when bed ready."),
    ("services", "SEEN BY RENAL. Seen by derm service. admitted to ortho service. Seen by Nsurg."),
    ("vent modes", "Returned to SIMV overnight. returned to imv. Placed on PSV 10 then CPAP 5."),
    ("clinical h acronyms", "CT shows SAH and IVH. Hx of BPH and LVH. TSH pending. Rise in LDH."),
    ("history headers", "See PMH. Nothing new in PSH or FH. Per SH, lives alone."),
    ("vent synch", "BREATHING IN SYNCH WITH VENT ON 40% FIO2."),
    ("transfuse", "ORDER WRITTEN TO TRANSFUSE 2 U PRBC. order to transfuse 2 additional units."),
    ("pacer", "WEAN PACER DOWN TO ADEMAND 66. PACING TO JUNCTIONAL 60'S."),
    ("oral secretions", "Moderate amts of oral secretions. Oral care given. Saline lavage."),
    ("staples", "SKIN: STERNAL STAPLES INTACT. Staples removed, steri-strips on."),
    ("progress", "KEEP FAMILY AWARE OF PROGRESS. SON AND DAUGHTER UPDATED ON PROGRESS."),
    ("early evening", "SON AND DAUGHTER VISITING IN EARLY EVENING. FAMILY IN EARLY SHIFT."),
    ("back to normal", "VS BACK TO NORMAL. FAMILY AGREED TO POST."),
    ("nursing home generic", "80 yo man transferred from nursing home with low u/o. admitted to the hosp."),
    ("medical floor", "Transfer to Medical Floor when bed available. Plan: stepdown floor."),
    ("went home to state", "WIFE HERE ALL DAY, WENT HOME TO NH."),
    ("vitals with numbers", "sbp 90s, fio 2 weaned, sao 2 97%, bun 20, ptt 35."),
    ("services and procedure rooms", "Admitted to Hepatology. Taken to Endoscopy, then to Angio. Sent to Bronch."),
    ("more procedure rooms", "Pt taken to Preop holding, went to Fluoro. Returned from Hemodialysis."),
    ("drips with numbers", "PT ON LEVOPHED 5, ON NEO 1, ON PRESSORS 2. TITRATE TO MAP 65, WEAN TO PS 5."),
    ("bed bays", "Moved to Bay 4 this am. Transfer to Station 3. Sent to Tower 4."),
    ("care settings", "lives in senior apts. resides in ALF. lives in apt with wife."),
    ("mobile phone", "Called daughter on Mobile. DAUGHTER ON MOBILE PHONE."),
    ("diagnosis after hospital", "admitted to hospital in DKA. Clinic follow up next week. hospital in VT."),
    ("clinic kinds", "seen in the Wound clinic. Will go to Transplant clinic."),
    ("generic hospitals", "pt from the general hospital. WAS TAKEN TO A COMMUNITY HOSPITAL FIRST."),
]


@pytest.mark.parametrize(("case", "text", "phi"), FOUND, ids=[c[0] for c in FOUND])
def test_place_is_covered(detector: Detector, case: str, text: str, phi: str) -> None:
    spans = detector.detect([text])[0]
    start = text.index(phi)
    end = start + len(phi)
    covered = {i for s in spans for i in range(s.start, s.end)}
    assert all(i in covered for i in range(start, end) if text[i].isalnum()), (
        case, [(text[s.start:s.end], s.source) for s in spans])


@pytest.mark.parametrize(("case", "text"), NOT_PHI, ids=[c[0] for c in NOT_PHI])
def test_clinical_text_is_not_a_place(detector: Detector, case: str, text: str) -> None:
    spans = [s for s in detector.detect([text])[0]
             if s.source.startswith(("deid.place", "deid.address"))]
    assert not spans, (case, [(text[s.start:s.end], s.source) for s in spans])


def test_letterhead_facility_stops_at_the_line_break(detector: Detector) -> None:
    """spaCy runs a letterhead into the date below it; the facility must end at the line break so the
    date is replaced as a date (shifted or cut to its year), not swallowed by the facility."""
    text = "Klein Cardiology Associates\n02/11/2018\n\nDear Dr. Cole,"
    spans = {(text[s.start:s.end], s.label) for s in detector.detect([text])[0]}
    assert ("02/11/2018", "DATE") in spans, spans
    assert not any("\n" in value for value, _ in spans), spans


def test_street_address_never_spans_lines(detector: Detector) -> None:
    text = "2018\n\nDear Dr. [NAME],\nThank you."
    assert detector.detect([text])[0] == []


@pytest.mark.parametrize(("text", "found"), [
    ("She lives at 722 Megan Lakes with her husband.", True),    # a USPS suffix that is a word
    ("Home: 20017 Williams Trafficway, Springfield", True),      # a USPS suffix no list typed by hand has
    ("CONTINUES ON A 14 DAY COURSE OF VANCO", False),            # a course of treatment, in capitals
    ("OOB TO CHAIR WITH 2 ASSISTS TOL WELL", False),              # tolerated well
    ("Rest 4 Hour Rest then reassess", False),                    # an everyday word before the suffix
])
def test_usps_street_suffixes(detector: Detector, text: str, found: bool) -> None:
    spans = detector.detect([text])[0]
    assert any(s.label == "ADDRESS" for s in spans) is found, text
