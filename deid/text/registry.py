"""The one place a text recognizer is registered.

A recognizer is a Presidio ``EntityRecognizer`` subclass in a module of :mod:`deid.text.recognizers`,
decorated with ``@register("deid.<name>.v<N>")``. The versioned name is recorded as the ``source`` of
every span it finds. Nothing else needs editing: the detector builds every registered recognizer.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TypeVar

from presidio_analyzer import EntityRecognizer

T = TypeVar("T", bound=type[EntityRecognizer])

_REGISTRY: dict[str, type[EntityRecognizer]] = {}


def register(name: str) -> Callable[[T], T]:
    """Class decorator: register a recognizer under a versioned name such as ``deid.phone.v1``."""
    if not name.startswith("deid.") or ".v" not in name:
        raise ValueError(f"recognizer names look like deid.<name>.v<N>, not {name!r}")

    def decorate(cls: T) -> T:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"recognizer {name} is registered twice")
        cls.registered_name = name  # type: ignore[attr-defined]
        _REGISTRY[name] = cls
        return cls

    return decorate


def registered() -> dict[str, type[EntityRecognizer]]:
    """Every registered recognizer class by name (importing all recognizer modules first)."""
    from deid.text import recognizers

    for module in pkgutil.iter_modules(recognizers.__path__):
        importlib.import_module(f"{recognizers.__name__}.{module.name}")
    return dict(sorted(_REGISTRY.items()))
