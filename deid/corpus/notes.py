"""Note templates of the synthetic hospital: six kinds of note, PHI from the patient's own records.

Every template is a function of a :class:`NoteContext` registered in :data:`TEMPLATES` under its note type.
It writes prose with ``ctx.t(...)`` and plants identifiers through the context's helpers, which pick a
surface form at random (``Last, First``, initials, ``Aug 23rd``, ``617.555.0123`` ...) and record the gold
span. Clinical look-alikes that are *not* PHI (eponyms, vitals, doses, scores, lab values, ICD-10 codes,
ages of 89 or less, generic ward names) are written as plain text, so over-scrubbing can be measured; a
share of notes (:func:`phi_free_note`) carries no PHI at all.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from deid.categories import Category as C
from deid.corpus.gold import GoldSpan
from deid.corpus.hospital import Clinician, Encounter, Hospital, Patient, age_on
from deid.corpus.surface import Case, NoteBuilder, date_forms, name_forms, phone_forms, pick, ssn_forms

#: Clinical text that looks like PHI to a careless scrubber but is not.
LOOKALIKES = (
    "Babinski negative bilaterally.", "Foley catheter draining clear yellow urine.",
    "History of Parkinson disease on carbidopa-levodopa 25/100 mg PO TID.", "Glasgow Coma Scale 15.",
    "BP 120/80, HR 72, RR 16, SpO2 98% on RA.", "Strength 5/5 in all extremities, reflexes 2+ and symmetric.",
    "Continue metoprolol 25 mg PO BID.", "K 4.1, Na 138, Cr 1.1.", "CD4 350, viral load undetectable.",
    "Born at term, Apgar 8/9 per old records.", "Murphy sign negative.", "Homans sign negative.",
    "Remote Hodgkin lymphoma s/p ABVD x6.", "Troponin 0.04 at 0400, 0.03 at 1000.",
    "Heparin 5000 units SC q8h.", "Insulin glargine 20 units qHS.", "EF 55-60% on echo.", "Pain 3/10.",
    "A&O x3, PERRLA 3->2 mm.", "Temp 98.6 F, weight 82.5 kg.", "O2 2L NC, lactate 2.1, INR 1.3.",
    "Grade 2/6 systolic murmur at LUSB.", "1+ pitting edema to mid shin.", "CHA2DS2-VASc 3, Wells score 1.5.",
    "Child-Pugh class B.", "NIHSS 4 on arrival.", "Crohn disease quiescent on mesalamine 1.2 g daily.",
    "Graves disease, on methimazole 10 mg daily.", "Allen test normal before ABG.", "Tylenol 650 mg q6h PRN.",
)

#: The kinds of note, as the ``note_type`` column names them.
NOTE_TYPES = ("discharge_summary", "nursing_note", "radiology_report", "referral_letter", "telephone_encounter",
              "ed_triage")


@dataclass
class NoteContext:
    """One note being written: the builder, the patient's records and a seeded random source."""

    b: NoteBuilder
    patient: Patient
    encounter: Encounter
    hospital: Hospital
    rng: random.Random
    day: date

    def t(self, piece: str) -> NoteContext:
        """Plain text."""
        self.b.text(piece)
        return self

    def phi(self, value: str, category: C) -> NoteContext:
        """An identifier, recorded as a gold span."""
        self.b.phi(value, category)
        return self

    def name(self) -> NoteContext:
        """The patient's name in some surface form."""
        title = "Mr." if self.patient.sex == "M" else self.rng.choice(("Ms.", "Mrs."))
        form = pick(self.rng, name_forms(self.patient.first, self.patient.last, title=title))
        if form.startswith(title):
            return self.t(f"{title} ").phi(self.patient.last, C.NAME)
        return self.phi(form, C.NAME)

    def doctor(self, clinician: Clinician) -> NoteContext:
        """A physician: ``Dr. Last``, ``First Last, MD`` or ``Last, First``; the title is not PHI."""
        style = self.rng.randrange(3)
        if style == 0:
            return self.t("Dr. ").phi(clinician.last, C.NAME)
        if style == 1:
            return self.phi(clinician.name, C.NAME).t(", MD")
        return self.phi(f"{clinician.last}, {clinician.first}", C.NAME)

    def nurse(self) -> NoteContext:
        """A nurse's name as a signature."""
        first, last = self.rng.choice(self.hospital.nurses)
        return self.phi(pick(self.rng, (f"{first} {last}", first, f"{first[0]}. {last}")), C.NAME)

    def date(self, day: date) -> NoteContext:
        """A date in some surface form."""
        return self.phi(pick(self.rng, date_forms(day)), C.DATE)

    def year(self) -> NoteContext:
        """A past year written ``'92``: marked DATE, as the PhysioNet corpus marks DateYear."""
        return self.phi(f"'{self.patient.past_year % 100:02d}", C.DATE)

    def phone(self, digits: str, category: C = C.PHONE) -> NoteContext:
        """A phone or fax number in some surface form."""
        return self.phi(pick(self.rng, phone_forms(digits)), category)

    def mrn(self) -> NoteContext:
        """The MRN, with or without its label (only the number is PHI)."""
        return self.t(pick(self.rng, ("MRN: ", "MRN ", "MRN#", "Medical Record Number: ", "#", "Unit No. ", ""))
                      ).phi(self.patient.mrn, C.MRN)

    def age(self) -> NoteContext:
        """The patient's age on the note's day: PHI only when over 89."""
        years = age_on(self.patient.dob, self.day)
        return self.phi(str(years), C.AGE) if years > 89 else self.t(str(years))

    def place(self) -> NoteContext:
        """Street address, city, state, ZIP; the state is not PHI under Safe Harbor."""
        p = self.patient
        return (self.phi(p.street, C.ADDRESS).t(", ").phi(p.city, C.LOCATION).t(f", {p.state} ")
                .phi(p.zip, C.ZIP))

    def facility(self, name: str) -> NoteContext:
        """A hospital, clinic or named unit."""
        return self.phi(name, C.FACILITY)

    def lookalikes(self, count: int = 2) -> NoteContext:
        """``count`` clinical sentences that are not PHI."""
        return self.t(" ".join(self.rng.sample(LOOKALIKES, count)))

    def labs(self) -> NoteContext:
        """The encounter's lab values (``K 4.1``): not PHI."""
        values = [f"{lab.test} {lab.value:g}" for lab in self.patient.labs
                  if lab.encounter_id == self.encounter.encounter_id]
        return self.t(", ".join(values) + ".")


def discharge_summary(c: NoteContext) -> None:
    """A physician's discharge summary: header block, course, diagnoses, follow-up, signature."""
    p, e, h = c.patient, c.encounter, c.hospital
    c.t("DISCHARGE SUMMARY\n").facility(h.name).t("\nPatient: ").name().t("   ").mrn().t("\nDOB: ").date(p.dob)
    c.t("\nAdmission Date: ").date(e.admit).t("   Discharge Date: ").date(e.discharge).t("\nAttending: ")
    c.doctor(e.attending).t(f"\nService: Medicine, {e.ward}\n\nHISTORY OF PRESENT ILLNESS:\n").name()
    c.t(" is a ").age().t(f"-year-old {'man' if p.sex == 'M' else 'woman'} with a history of CABG in ").year()
    c.t(" who presented to ").facility(c.rng.choice(h.outside_facilities)).t(" on ").date(e.admit)
    c.t(f" with {e.diagnosis} and was transferred here. ").lookalikes(2).t("\n\nHOSPITAL COURSE:\n")
    c.t("Admitted to ").facility(c.rng.choice(h.named_units)).t(". ").lookalikes(3).t(" Labs: ").labs()
    c.t(f"\n\nDISCHARGE DIAGNOSES:\n1. {e.diagnosis} (ICD-10 {e.diagnosis_code})\n\nFOLLOW-UP:\n")
    c.t("With ").doctor(p.pcp).t(" at ").facility(c.rng.choice(h.clinics)).t(", tel ").phone(p.pcp_phone)
    c.t(", fax ").phone(h.fax, C.FAX).t(", on ").date(e.discharge + timedelta(days=14)).t(".\n")
    c.t(f"Discharged home with {p.relative_kind} ").phi(p.relative_first, C.NAME).t(" to ").place().t(".\n\n")
    c.t("Electronically signed: ").phi(e.attending.name, C.NAME).t(", MD  NPI ")
    c.phi(e.attending.npi, C.LICENSE).t("\n")


def nursing_note(c: NoteContext) -> None:
    """An ICU nursing note, in all caps or all lower case (the builder sets the case)."""
    p = c.patient
    c.t("nursing note ").date(c.day).t(" 0700-1900\n").t("pt ").name().t(" is a ").age()
    c.t(f" yo {'m' if p.sex == 'M' else 'f'}, MRN ").phi(p.mrn, C.MRN).t(". neuro: ").lookalikes(1)
    c.t("\ncv: ").lookalikes(1).t("\ngu: foley in place, adequate uop.\nlabs: ").labs()
    c.t(f"\nsocial: {p.relative_kind} ").phi(p.relative_first, C.NAME).t(" called, may be reached at ")
    c.phone(p.relative_phone).t(". plans to visit ").date(c.day + timedelta(days=1))
    c.t(". prior admit at ").facility(c.rng.choice(c.hospital.outside_facilities)).t(".\nplan: ").lookalikes(1)
    c.t("\n").nurse().t(", rn\n")


def radiology_report(c: NoteContext) -> None:
    """A radiology report with accession number, comparison study and an implanted device."""
    p, e = c.patient, c.encounter
    c.t("RADIOLOGY REPORT\nAccession #: ").phi(f"RAD{c.rng.randint(10**7, 10**8 - 1)}", C.ID)
    c.t("\nPatient: ").name().t("  ").mrn().t("  DOB: ").date(p.dob).t("\nExam: CT chest with contrast   Date: ")
    c.date(c.day).t("\nOrdering: ").doctor(e.attending).t(", NPI ").phi(e.attending.npi, C.LICENSE)
    c.t("\nComparison: ").date(c.day - timedelta(days=c.rng.randint(30, 900))).t(" at ")
    c.facility(c.rng.choice(c.hospital.outside_facilities)).t(".\nFINDINGS: Dual-chamber pacemaker, serial no. ")
    c.phi(p.device_serial, C.DEVICE).t(", leads intact. No pneumothorax. Mild bibasilar atelectasis. ")
    c.t("Calcified granuloma unchanged.\nIMPRESSION: No acute process. Clinical correlation with CD4 350 and ")
    c.t("troponin 0.04 advised.\nDictated by: ").doctor(c.rng.choice(c.hospital.staff)).t("\n")


def referral_letter(c: NoteContext) -> None:
    """A letter to the primary-care physician with the patient's contact and insurance details."""
    p, e, h = c.patient, c.encounter, c.hospital
    c.facility(c.rng.choice(h.clinics)).t("\n").date(c.day).t("\n\nDear ").doctor(p.pcp).t(",\n\nRe: ")
    c.phi(p.name, C.NAME).t(", DOB ").date(p.dob).t(", ").mrn().t("\n").place().t("\nTel ").phone(p.phone)
    c.t(", e-mail ").phi(p.email, C.EMAIL).t("\nMember ID ").phi(p.insurance_id, C.HEALTH_PLAN).t(", SSN ")
    c.phi(pick(c.rng, ssn_forms(p.ssn)), C.SSN).t("\n\nThank you for referring ").name().t(", whom I saw on ")
    c.date(c.day).t(f" for {e.diagnosis}. ").lookalikes(3).t(" The family keeps updates at ")
    c.phi(p.url, C.URL).t(".\n\nSincerely,\n").phi(e.attending.name, C.NAME).t(", MD  DEA ")
    c.phi(e.attending.dea, C.LICENSE).t("\n")


def telephone_encounter(c: NoteContext) -> None:
    """A telephone note: caller, call-back number, portal message, billing identifiers."""
    p = c.patient
    c.t("Telephone Encounter ").date(c.day).t(" 14:20\nCaller: ")
    c.phi(f"{p.relative_first} {p.relative_last}", C.NAME).t(f" ({p.relative_kind}), call back ")
    c.phone(p.relative_phone).t("\nRe: ").name().t(" ").mrn().t("\nIdentity verified with DOB ").date(p.dob)
    c.t(" and last four of SSN ").phi(p.ssn[-4:], C.SSN).t(".\nReports ").lookalikes(1)
    c.t(" Portal message sent from IP ").phi(p.ip, C.IP_ADDRESS).t("; reply to ").phi(p.email, C.EMAIL)
    c.t(".\nBilling: account ").phi(p.account, C.ACCOUNT).t(", plan ID ").phi(p.insurance_id, C.HEALTH_PLAN)
    c.t(". Patient line ").phone(p.phone).t(".\n").nurse().t(", RN\n")


def ed_triage(c: NoteContext) -> None:
    """An emergency triage note: arrival, vehicle, licence, vitals."""
    p = c.patient
    c.t("ED TRIAGE ").date(c.day).t(" 02:15\n").age().t(f"{p.sex} BIBA after MVC near ").place()
    c.t(". Driver of vehicle, plate ").phi(p.plate, C.VEHICLE).t(", VIN ").phi(p.vin, C.VEHICLE)
    c.t(". Driver's license ").phi(p.drivers_license, C.LICENSE).t(f" ({p.state}).\nName: ").name()
    c.t("  ").mrn().t("\nCC: chest pain. ").lookalikes(2).t("\nPMH: NSTEMI ").year().t(", ")
    c.t(f"{c.encounter.diagnosis}. Emergency contact {p.relative_kind} at ").phone(p.relative_phone)
    c.t(".\nTriage RN: ").nurse().t("\n")


def phi_free_note(c: NoteContext) -> None:
    """A short progress note with clinical content only: no PHI (ages of 89 or less are not PHI)."""
    years = age_on(c.patient.dob, c.day)
    c.t("Progress note. ")
    if years <= 89:
        c.t(f"{years} yo {'M' if c.patient.sex == 'M' else 'F'} with {c.encounter.diagnosis}. ")
    c.lookalikes(3).t(f" Ward {c.encounter.ward}. Dx {c.encounter.diagnosis_code}. Labs: ").labs().t("\n")


TEMPLATES: dict[str, Callable[[NoteContext], None]] = {
    "discharge_summary": discharge_summary, "nursing_note": nursing_note, "radiology_report": radiology_report,
    "referral_letter": referral_letter, "telephone_encounter": telephone_encounter, "ed_triage": ed_triage,
}

#: Share of notes written without any PHI.
PHI_FREE_SHARE = 0.12


def write_note(patient: Patient, encounter: Encounter, hospital: Hospital, rng: random.Random,
               day: date) -> tuple[str, str, list[GoldSpan]]:
    """One note for ``patient``: its type, text and gold spans."""
    note_type = rng.choice(NOTE_TYPES)
    case: Case = rng.choice(("upper", "lower")) if note_type == "nursing_note" else "as_is"
    context = NoteContext(NoteBuilder(case=case), patient, encounter, hospital, rng, day)
    (phi_free_note if rng.random() < PHI_FREE_SHARE else TEMPLATES[note_type])(context)
    text, spans = context.b.build()
    return note_type, text, spans


__all__ = ["LOOKALIKES", "NOTE_TYPES", "PHI_FREE_SHARE", "TEMPLATES", "NoteContext", "write_note"]
