"""Offline guarantee: detection runs while every socket connection attempt fails."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_detection_with_network_forbidden() -> None:
    # A fresh interpreter, so that nothing was imported before the guard is in place.
    script = textwrap.dedent(
        """
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from deid.text import Detector
        det = Detector.default()
        text = "Mail john.doe@example.com or see https://www.example.org/x and 10.1.2.3, call 617-555-0199."
        spans = det.detect([text])[0]
        labels = sorted({s.label for s in spans})
        print(labels)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    for label in ("EMAIL", "URL", "IP_ADDRESS", "PHONE"):
        assert label in result.stdout


def test_guard_sets_suffix_list_off() -> None:
    import deid  # noqa: F401

    assert os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] == ""
