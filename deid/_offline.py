"""Keep every import and command off the network.

Presidio pulls in ``tldextract``, which fetches the public suffix list on the first e-mail-like string it
sees; behind a firewall that drops packets that fetch hangs. The environment variable below, set before
``tldextract`` is first imported, stops it (tldextract 5.4+), and the extractor is replaced by one with
no suffix-list URLs in case something imported it earlier. spaCy models are only ever loaded by package
name or path, never downloaded (see :mod:`deid.text.nlp`).
"""

from __future__ import annotations

import os
import sys


def ensure_offline() -> None:
    """Disable every run-time download path we know of. Safe to call more than once."""
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if "tldextract" in sys.modules:
        _patch_tldextract()


def _patch_tldextract() -> None:
    import tldextract
    import tldextract.tldextract as tld_module

    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    tld_module.TLD_EXTRACTOR = offline
    tldextract.extract = offline  # type: ignore[assignment]
