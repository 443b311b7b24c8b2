"""Free text: finding PHI in clinical notes and replacing it as the policy says.

- :mod:`deid.text.detector`: :class:`Detector` (Presidio + spaCy + our recognizers)
- :mod:`deid.text.registry`: the one place a recognizer is registered
- :mod:`deid.text.recognizers`: the clinical recognizers, one module per kind of identifier
- :mod:`deid.text.replace`: replacement by category (tag, surrogate, pseudonym, date shift ...)
"""

from deid.text.detector import Detector, DetectorConfig
from deid.text.spans import PatientIdentifiers, Span, merge_spans

__all__ = ["Detector", "DetectorConfig", "PatientIdentifiers", "Span", "merge_spans"]
