"""The synthetic hospital: patients, encounters and labs, drawn from Faker, deterministic per seed.

The four tables and their columns are exactly those the shipped policies (``policies/*.yaml``) describe.
Dates are ``pyarrow.date32`` everywhere (``dob``, ``admit_date``, ``discharge_date``, ``taken_at``,
``note_date``); ZIP codes are 5-digit strings; ``age`` is the age in whole years on :data:`REFERENCE_DATE`
(a fixed day, so the output never depends on when it was generated), and about one patient in ten is over 89.
About one in twelve lives in a ZIP area whose 3-digit prefix Safe Harbor restricts
(:data:`deid.categories.RESTRICTED_ZIP3`).

Each patient is drawn from a Faker instance seeded from (corpus seed, patient number), so patient ``i`` is
the same whatever ``N`` is. Besides the table columns, a :class:`Patient` carries identifiers that only
notes mention (account, driver's licence, vehicle, device, IP, URL, relatives, primary-care physician) so
the notes can plant every HIPAA identifier kind.
"""

from __future__ import annotations

import functools
import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta

import pyarrow as pa
from faker import Faker

from deid.categories import RESTRICTED_ZIP3

#: Ages and "today" are computed against this fixed day so that output is reproducible.
REFERENCE_DATE = date(2024, 1, 1)

#: A state for each restricted 3-digit ZIP prefix, so that addresses stay plausible.
RESTRICTED_ZIP3_STATE: dict[str, str] = {
    "036": "NH", "059": "VT", "063": "CT", "102": "NY", "203": "DC", "556": "MN", "692": "NE", "790": "TX",
    "821": "WY", "823": "WY", "830": "WY", "831": "WY", "878": "NM", "879": "NM", "884": "NM", "890": "NV",
    "893": "NV",
}

#: Generic ward names of the encounters table. The shipped policies keep this column ("ward names such as
#: '4 West' name no person or place outside the hospital"), so notes do not mark them as PHI either; named
#: wards and units ("Whitaker 9") are FACILITY and appear only in notes.
WARDS = ("4 West", "5 East", "7 North", "MICU", "SICU", "CCU", "Step-down", "Oncology", "Med-Surg", "Telemetry")

#: (ICD-10 code, what the notes call it).
DIAGNOSES = (
    ("I21.4", "NSTEMI"), ("I50.9", "heart failure"), ("J18.9", "pneumonia"), ("N17.9", "acute kidney injury"),
    ("E11.65", "type 2 diabetes with hyperglycemia"), ("K85.10", "gallstone pancreatitis"),
    ("A41.9", "sepsis"), ("I63.9", "ischemic stroke"), ("J44.1", "COPD exacerbation"), ("S72.001A", "hip fracture"),
    ("G20", "Parkinson disease"), ("B20", "HIV disease"),
)

#: (test, unit, low, high) of the labs table.
LAB_TESTS = (
    ("K", "mmol/L", 3.2, 5.6), ("Na", "mmol/L", 128.0, 148.0), ("Cr", "mg/dL", 0.5, 3.5),
    ("Hgb", "g/dL", 7.0, 16.5), ("WBC", "K/uL", 2.5, 18.0), ("Glucose", "mg/dL", 60.0, 320.0),
    ("CD4", "cells/uL", 90.0, 1100.0), ("Troponin", "ng/mL", 0.0, 4.0),
)

PATIENTS_SCHEMA = pa.schema([
    ("patient_id", pa.string()), ("name", pa.string()), ("dob", pa.date32()), ("age", pa.int32()),
    ("sex", pa.string()), ("ssn", pa.string()), ("mrn", pa.string()), ("address", pa.string()),
    ("city", pa.string()), ("state", pa.string()), ("zip", pa.string()), ("phone", pa.string()),
    ("email", pa.string()), ("insurance_id", pa.string()),
])
ENCOUNTERS_SCHEMA = pa.schema([
    ("encounter_id", pa.string()), ("patient_id", pa.string()), ("admit_date", pa.date32()),
    ("discharge_date", pa.date32()), ("diagnosis_code", pa.string()), ("ward", pa.string()),
    ("attending", pa.string()),
])
LABS_SCHEMA = pa.schema([
    ("lab_id", pa.string()), ("patient_id", pa.string()), ("encounter_id", pa.string()), ("test", pa.string()),
    ("value", pa.float64()), ("unit", pa.string()), ("taken_at", pa.date32()),
])
NOTES_SCHEMA = pa.schema([
    ("note_id", pa.string()), ("patient_id", pa.string()), ("encounter_id", pa.string()),
    ("note_type", pa.string()), ("note_date", pa.date32()), ("text", pa.string()),
])
#: The four tables in the order they are written.
SCHEMAS: dict[str, pa.Schema] = {
    "patients": PATIENTS_SCHEMA, "encounters": ENCOUNTERS_SCHEMA, "labs": LABS_SCHEMA, "notes": NOTES_SCHEMA,
}


@functools.lru_cache(maxsize=1)
def _faker_instance() -> Faker:
    return Faker("en_US")


def seeded_faker(seed: int) -> Faker:
    """The shared en_US Faker, re-seeded: its output then depends on ``seed`` alone (building one is slow)."""
    fake = _faker_instance()
    fake.seed_instance(seed)
    return fake


def derive_seed(seed: int, *parts: object) -> int:
    """A 64-bit seed from the corpus seed and a path of names and numbers (stable across Python runs)."""
    digest = hashlib.sha256(repr((seed, *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass(frozen=True)
class Clinician:
    """A physician of the hospital staff: attending of encounters, signer of notes."""

    first: str
    last: str
    npi: str
    dea: str

    @property
    def name(self) -> str:
        """First and last name, as the encounters table holds it."""
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class Hospital:
    """The facilities and staff one corpus shares between its patients."""

    name: str
    domain: str
    clinics: tuple[str, ...]
    named_units: tuple[str, ...]
    outside_facilities: tuple[str, ...]
    staff: tuple[Clinician, ...]
    nurses: tuple[tuple[str, str], ...]
    fax: str


@dataclass(frozen=True)
class Encounter:
    """One admission or visit."""

    encounter_id: str
    admit: date
    discharge: date
    diagnosis_code: str
    diagnosis: str
    ward: str
    attending: Clinician


@dataclass(frozen=True)
class Lab:
    """One lab result."""

    lab_id: str
    encounter_id: str
    test: str
    value: float
    unit: str
    taken_at: date


@dataclass(frozen=True)
class Patient:
    """A synthetic patient: the table columns plus identifiers only notes mention."""

    patient_id: str
    first: str
    last: str
    sex: str
    dob: date
    age: int
    ssn: str
    mrn: str
    street: str
    city: str
    state: str
    zip: str
    phone: str  # ten digits; rendered in many surface forms
    email: str
    insurance_id: str
    account: str
    drivers_license: str
    plate: str
    vin: str
    device_serial: str
    ip: str
    url: str
    relative_first: str
    relative_last: str
    relative_kind: str
    relative_phone: str
    pcp: Clinician
    pcp_phone: str
    past_year: int
    encounters: tuple[Encounter, ...]
    labs: tuple[Lab, ...]

    @property
    def name(self) -> str:
        """First and last name, as the patients table holds it."""
        return f"{self.first} {self.last}"


_FEMALE_KIN = frozenset({"wife", "daughter", "sister", "niece"})


def format_phone(digits: str) -> str:
    """The table form of a ten-digit phone number: ``(617) 555-0123``."""
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def _phone(rng: random.Random) -> str:
    area = rng.randint(201, 989)
    while area % 100 == 11 or str(area)[1] == "9":
        area = rng.randint(201, 989)
    return f"{area}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"


def _npi(rng: random.Random) -> str:
    """A 10-digit NPI whose Luhn check digit is valid with the 80840 prefix (CMS NPI standard)."""
    body = "1" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    digits = [int(c) for c in "80840" + body]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return body + str((10 - total % 10) % 10)


def _dea(rng: random.Random, last: str) -> str:
    """A DEA registration number with a valid check digit (1+3+5 + 2*(2+4+6), last digit)."""
    digits = [rng.randint(0, 9) for _ in range(6)]
    check = (digits[0] + digits[2] + digits[4] + 2 * (digits[1] + digits[3] + digits[5])) % 10
    return rng.choice("ABFM") + last[0].upper() + "".join(map(str, digits)) + str(check)


def _clinician(fake: Faker, rng: random.Random) -> Clinician:
    last = fake.last_name()
    return Clinician(first=fake.first_name(), last=last, npi=_npi(rng), dea=_dea(rng, last))


def make_hospital(seed: int) -> Hospital:
    """The hospital, its clinics, units, neighbouring facilities and staff for one corpus seed."""
    fake = seeded_faker(derive_seed(seed, "hospital"))
    rng = random.Random(derive_seed(seed, "hospital", "rng"))
    town = fake.city()
    return Hospital(
        name=f"{town} General Hospital",
        domain=f"{town.lower().replace(' ', '')}general.org",
        clinics=tuple(f"{fake.last_name()} {kind}" for kind in
                      ("Family Clinic", "Cardiology Associates", "Community Health Center", "Dialysis Center")),
        named_units=tuple(f"{fake.last_name()} {rng.randint(2, 14)}" for _ in range(3)),
        outside_facilities=(f"St. {fake.first_name()} Medical Center", f"{fake.city()} Rehabilitation Hospital",
                            f"{fake.last_name()} House Nursing Home"),
        staff=tuple(_clinician(fake, rng) for _ in range(12)),
        nurses=tuple((fake.first_name(), fake.last_name()) for _ in range(8)),
        fax=_phone(rng),
    )


def _zip_and_state(fake: Faker, rng: random.Random) -> tuple[str, str]:
    if rng.random() < 1 / 12:
        prefix = rng.choice(sorted(RESTRICTED_ZIP3))
        return f"{prefix}{rng.randint(0, 99):02d}", RESTRICTED_ZIP3_STATE[prefix]
    state = fake.state_abbr(include_territories=False, include_freely_associated_states=False)
    return fake.zipcode_in_state(state), state


def age_on(dob: date, day: date) -> int:
    """Age in whole years on ``day``."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _years_before(day: date, years: int, rng: random.Random) -> date:
    """A day between ``years`` and ``years + 1`` years before ``day``."""
    return day - timedelta(days=round(365.25 * years) + rng.randint(1, 364))


def make_patient(seed: int, number: int, hospital: Hospital, *, id_prefix: str = "") -> Patient:
    """Patient ``number`` of the corpus with ``seed``: records, encounters and labs, all from one seeded Faker."""
    fake = seeded_faker(derive_seed(seed, "patient", id_prefix, number))
    rng = random.Random(derive_seed(seed, "patient-rng", id_prefix, number))
    sex = rng.choice("FM")
    first = fake.first_name_female() if sex == "F" else fake.first_name_male()
    last = fake.last_name()
    dob = _years_before(REFERENCE_DATE, rng.randint(90, 104) if rng.random() < 0.1 else rng.randint(27, 89), rng)
    age = age_on(dob, REFERENCE_DATE)
    zip_code, state = _zip_and_state(fake, rng)
    pid = f"{id_prefix}P{number:06d}"
    encounters = []
    labs = []
    for index in range(rng.randint(1, 3)):
        admit = date(2015, 1, 1) + timedelta(days=rng.randint(0, 8 * 365))
        code, diagnosis = rng.choice(DIAGNOSES)
        eid = f"{id_prefix}E{number:06d}{index:02d}"
        stay = rng.randint(0, 12)
        encounters.append(Encounter(
            encounter_id=eid, admit=admit, discharge=admit + timedelta(days=stay), diagnosis_code=code,
            diagnosis=diagnosis, ward=rng.choice(WARDS), attending=rng.choice(hospital.staff),
        ))
        for lab_index, (test, unit, low, high) in enumerate(rng.sample(LAB_TESTS, rng.randint(2, 5))):
            labs.append(Lab(
                lab_id=f"{id_prefix}L{number:06d}{index:02d}{lab_index:02d}", encounter_id=eid, test=test,
                value=round(rng.uniform(low, high), 1 if high < 100 else 0), unit=unit,
                taken_at=admit + timedelta(days=rng.randint(0, stay)),
            ))
    relative_kind = rng.choice(("wife", "husband", "daughter", "son", "sister", "brother", "niece"))
    email_user = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{last}{first[0]}{rng.randint(1, 99)}"))
    return Patient(
        patient_id=pid, first=first, last=last, sex=sex, dob=dob, age=age, ssn=fake.ssn(),
        mrn=str(rng.randint(10_000_000, 99_999_999)), street=fake.street_address(), city=fake.city(),
        state=state, zip=zip_code, phone=_phone(rng),
        email=f"{email_user.lower()}@{fake.free_email_domain()}",
        insurance_id=fake.bothify("???#########").upper(),
        account=str(rng.randint(10**9, 10**10 - 1)),
        drivers_license=fake.bothify("?########").upper(),
        plate=fake.bothify(rng.choice(("#??-###", "###-???", "#???##"))).upper(),
        vin=fake.vin(), device_serial=fake.bothify(rng.choice(("???######?", "??#-####-???####"))).upper(),
        ip=fake.ipv4_public(),
        url=rng.choice((f"https://www.caringbridge.org/visit/{first}{last}".lower(),
                        f"http://{last.lower()}family.net/{first.lower()}",
                        f"https://mychart.{hospital.domain}/patient/{rng.randint(100000, 999999)}")),
        relative_first=(fake.first_name_female() if relative_kind in _FEMALE_KIN else fake.first_name_male()), relative_last=rng.choice((last, fake.last_name())),
        relative_kind=relative_kind, relative_phone=_phone(rng), pcp=_clinician(fake, rng),
        pcp_phone=_phone(rng),
        past_year=rng.randint(max(dob.year + 1, 1960), 2014),
        encounters=tuple(encounters), labs=tuple(labs),
    )


def patient_row(patient: Patient) -> dict[str, object]:
    """The patient's row of the patients table."""
    return {
        "patient_id": patient.patient_id, "name": patient.name, "dob": patient.dob, "age": patient.age,
        "sex": patient.sex, "ssn": patient.ssn, "mrn": patient.mrn, "address": patient.street,
        "city": patient.city, "state": patient.state, "zip": patient.zip, "phone": format_phone(patient.phone),
        "email": patient.email, "insurance_id": patient.insurance_id,
    }


def encounter_rows(patient: Patient) -> list[dict[str, object]]:
    """The patient's rows of the encounters table."""
    return [{"encounter_id": e.encounter_id, "patient_id": patient.patient_id, "admit_date": e.admit,
             "discharge_date": e.discharge, "diagnosis_code": e.diagnosis_code, "ward": e.ward,
             "attending": e.attending.name} for e in patient.encounters]


def lab_rows(patient: Patient) -> list[dict[str, object]]:
    """The patient's rows of the labs table."""
    return [{"lab_id": lab.lab_id, "patient_id": patient.patient_id, "encounter_id": lab.encounter_id,
             "test": lab.test, "value": lab.value, "unit": lab.unit, "taken_at": lab.taken_at}
            for lab in patient.labs]


__all__ = [
    "DIAGNOSES", "LAB_TESTS", "REFERENCE_DATE", "RESTRICTED_ZIP3_STATE", "SCHEMAS", "WARDS", "Clinician",
    "Encounter", "Hospital", "Lab", "Patient", "age_on", "derive_seed", "encounter_rows", "format_phone", "lab_rows",
    "make_hospital", "make_patient", "patient_row",
]
