"""The PHI categories ``deid`` knows, tied to the 18 HIPAA Safe Harbor identifiers.

45 CFR 164.514(b)(2)(i) lists the identifiers (A) to (R). Each category below says which one it covers;
recognizers label spans with these names, policies say per category what happens, and reports count by
them. Adding a category means adding it here, and every shipped policy must then say what to do with it
(a test checks that).
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """A kind of identifier found in text or held by a column."""

    NAME = "NAME"
    DATE = "DATE"
    AGE = "AGE"
    PHONE = "PHONE"
    FAX = "FAX"
    EMAIL = "EMAIL"
    SSN = "SSN"
    MRN = "MRN"
    HEALTH_PLAN = "HEALTH_PLAN"
    ACCOUNT = "ACCOUNT"
    LICENSE = "LICENSE"
    VEHICLE = "VEHICLE"
    DEVICE = "DEVICE"
    URL = "URL"
    IP_ADDRESS = "IP_ADDRESS"
    BIOMETRIC = "BIOMETRIC"
    ADDRESS = "ADDRESS"
    LOCATION = "LOCATION"
    ZIP = "ZIP"
    FACILITY = "FACILITY"
    ID = "ID"


#: Which Safe Harbor identifier (45 CFR 164.514(b)(2)(i)(A)-(R)) each category removes.
HIPAA_IDENTIFIER: dict[Category, str] = {
    Category.NAME: "(A) names",
    Category.ADDRESS: "(B) geographic subdivisions smaller than a state: street address",
    Category.LOCATION: "(B) geographic subdivisions smaller than a state: city, county, precinct",
    Category.ZIP: "(B) geographic subdivisions smaller than a state: ZIP code",
    Category.FACILITY: "(B) geographic subdivisions smaller than a state: named facility",
    Category.DATE: "(C) all elements of dates (except year) directly related to an individual",
    Category.AGE: "(C) ages over 89",
    Category.PHONE: "(D) telephone numbers",
    Category.FAX: "(E) fax numbers",
    Category.EMAIL: "(F) electronic mail addresses",
    Category.SSN: "(G) social security numbers",
    Category.MRN: "(H) medical record numbers",
    Category.HEALTH_PLAN: "(I) health plan beneficiary numbers",
    Category.ACCOUNT: "(J) account numbers",
    Category.LICENSE: "(K) certificate/license numbers",
    Category.VEHICLE: "(L) vehicle identifiers and serial numbers, including license plates",
    Category.DEVICE: "(M) device identifiers and serial numbers",
    Category.URL: "(N) web universal resource locators",
    Category.IP_ADDRESS: "(O) internet protocol address numbers",
    Category.BIOMETRIC: "(P) biometric identifiers",
    Category.ID: "(R) any other unique identifying number, characteristic, or code",
}

#: The 17 three-digit ZIP prefixes whose area held 20,000 people or fewer (2000 census, HHS guidance);
#: Safe Harbor requires them to become ``000``.
RESTRICTED_ZIP3: frozenset[str] = frozenset(
    "036 059 063 102 203 556 692 790 821 823 830 831 878 879 884 890 893".split()
)
