"""The HTML report, charts included, renders with every network connection refused."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from report_helpers import fixture_release


def test_render_with_network_forbidden() -> None:
    script = textwrap.dedent(
        f"""
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from deid.report import build_report, render_html
        html = render_html(build_report({str(fixture_release())!r}))
        print(html.count("<svg"), "http://" in html.replace("http://www.w3.org/", ""), "https://" in html)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    charts, http, https = result.stdout.split()
    assert int(charts) == 5 and http == "False" and https == "False"   # PHI, sizes, risk, drivers, loss
