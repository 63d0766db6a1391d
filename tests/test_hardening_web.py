"""Issue 15, items 10, 11, 12 and 14 on a real `kg serve` on 127.0.0.1: the console links only
http(s) IRIs; every response carries the security headers; the service description takes
its address from public_url, and X-Forwarded-* only with trust_proxy; every request leaves a
JSON line on stderr with its request id, errors an error line; /healthz tells whether the
query workers are alive; --allow-update without a token warns at start."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import RELEASES

from tests.kgserver import RUNAWAY, fixture_store, kg_serve
from tests.test_browser import ARGS, CHROMIUM, _need_browser

XSS_QUERY = 'SELECT (IRI("javascript:alert(document.domain)") AS ?x) WHERE {}'
HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return fixture_store(tmp_path_factory.mktemp("web"))


def _root(url: str) -> str:
    return url.rsplit("/sparql", 1)[0]


def _get(url: str, headers: dict | None = None, timeout: float = 15.0):
    """(status, headers, body text), for error statuses too."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8")


def _json_lines(output: list, want, timeout: float = 5.0) -> list[dict]:
    """The JSON log lines of the server's output, waiting (bounded) until `want(lines)` holds."""
    deadline = time.monotonic() + timeout
    while True:
        lines = []
        for line in list(output):
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    pass
        if want(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.inline_scripts, self.styles = [], 0, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "href" in a:
            self.hrefs.append(a["href"])
        if tag == "script" and "src" not in a and a.get("type") != "application/json":
            self.inline_scripts += 1
        if "style" in a or any(k.startswith("on") for k in a):
            self.styles += 1


# --- item 10: console XSS by click -----------------------------------------------------------

def test_console_never_links_a_javascript_iri(store):
    with kg_serve(store, "--workers", "1") as url:
        status, _, page = _get(f"{url}?query={urllib.parse.quote(XSS_QUERY)}", {"Accept": "text/html"})
        assert status == 200 and "<table" in page
        links = _Links()
        links.feed(page)
        assert not [h for h in links.hrefs if "javascript" in h.lower()]
        for href in links.hrefs:  # our own pages, anchors, the empty icon, or the web
            scheme = urllib.parse.urlsplit(href).scheme
            assert scheme in ("", "http", "https") or href == "data:,", href
        assert "javascript:alert(document.domain)</span>" in page  # shown as text


# --- item 11: security headers ---------------------------------------------------------------

def test_every_response_carries_the_security_headers(store):
    with kg_serve(store, "--workers", "1") as url:
        root = _root(url)
        asks = [(f"{root}/", {}), (url, {}), (url, {"Accept": "text/html"}), (f"{root}/healthz", {}),
                (f"{url}?query=SELEC", {}), (f"{root}/no/such/page", {}), (f"{root}/static/kg/kg.css", {}),
                (f"{root}/api/features?lang=xx", {}), (f"{root}/openapi.json", {})]
        seen = set()
        for u, h in asks:
            status, headers, body = _get(u, h)
            seen.add(status)
            csp = headers.get("Content-Security-Policy", "")
            assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, u
            assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, u
            assert headers.get("X-Content-Type-Options") == "nosniff", u
            assert headers.get("X-Frame-Options") == "DENY", u
            assert headers.get("Referrer-Policy") == "no-referrer", u
            if "text/html" in headers.get("Content-Type", ""):  # the CSP needs none of these
                links = _Links()
                links.feed(body)
                assert links.inline_scripts == 0 and links.styles == 0, u
        assert {200, 400, 404} <= seen


# --- item 12: the Host header and X-Forwarded-* ----------------------------------------------

def test_description_uses_public_url_not_the_host_header(store):
    with kg_serve(store, "--workers", "1", "--public-url", "https://kg.example.org/base/") as url:
        hostile = {"Host": "evil.example", "X-Forwarded-Host": "evil2.example", "Accept": "text/turtle"}
        status, _, body = _get(url, hostile)
        assert status == 200
        assert "<https://kg.example.org/base/sparql>" in body
        assert "evil" not in body


def test_forwarded_headers_only_with_trust_proxy(store):
    forwarded = {"X-Forwarded-Host": "proxy.example", "X-Forwarded-Proto": "https",
                 "X-Forwarded-Prefix": "/kg", "X-Forwarded-For": "203.0.113.7", "Accept": "text/turtle"}
    out: list[str] = []
    with kg_serve(store, "--workers", "1", output=out) as url:
        status, _, body = _get(url, forwarded)
        assert status == 200 and f"<{url}>" in body and "proxy.example" not in body
        lines = _json_lines(out, lambda ls: any(x.get("logger") == "kg.access" for x in ls))
        assert {x["client"] for x in lines if x.get("logger") == "kg.access"} == {"127.0.0.1"}
    out = []
    with kg_serve(store, "--workers", "1", "--trust-proxy", output=out) as url:
        status, _, body = _get(url, forwarded)
        assert status == 200 and "<https://proxy.example/kg/sparql>" in body
        lines = _json_lines(out, lambda ls: any(x.get("client") == "203.0.113.7" for x in ls))
        assert any(x.get("client") == "203.0.113.7" for x in lines)


def test_a_bad_public_url_is_one_error_line(store):
    from tests.kgserver import serve_fails
    assert "public_url" in serve_fails(store, "--public-url", "javascript:alert(1)")


# --- item 14: logs, request ids, /healthz ----------------------------------------------------

def test_every_request_leaves_a_json_line_with_its_request_id(store):
    out: list[str] = []
    with kg_serve(store, "--workers", "1", output=out) as url:
        q = f"{url}?query={urllib.parse.quote('SELECT * WHERE { ?s ?p ?o } LIMIT 1')}"
        status, h1, _ = _get(q, {"X-Request-Id": "probe-1"})
        assert status == 200 and h1["X-Request-Id"] == "probe-1"
        _, h2, _ = _get(q, {"X-Request-Id": "<script>alert(1)</script>"})  # not echoed: a fresh one
        assert re.fullmatch(r"[0-9a-f]{32}", h2["X-Request-Id"])
        _, h3, _ = _get(f"{url}?query=SELEC")
        ids = {"probe-1", h2["X-Request-Id"], h3["X-Request-Id"]}
        lines = _json_lines(out, lambda ls: ids <= {x.get("request_id") for x in ls if x.get("logger") == "kg.access"})
    access = {x["request_id"]: x for x in lines if x.get("logger") == "kg.access"}
    assert ids <= set(access)
    first = access["probe-1"]
    assert first["method"] == "GET" and first["path"] == "/sparql" and first["status"] == 200
    assert first["client"] == "127.0.0.1" and first["duration_ms"] >= 0 and first["time"].endswith("Z")
    assert first["cache"] == "miss" and access[h2["X-Request-Id"]]["cache"] == "hit"
    assert access[h3["X-Request-Id"]]["status"] == 400
    refused = [x for x in lines if x.get("logger") == "kg.errors" and x["request_id"] == h3["X-Request-Id"]]
    assert refused and refused[0]["level"] == "warning" and refused[0]["status"] == 400


def test_a_timeout_leaves_an_error_line_and_no_access_log_keeps_it(store):
    out: list[str] = []
    with kg_serve(store, "--workers", "1", "--query-timeout", "1", "--no-access-log", output=out) as url:
        status, headers, _ = _get(f"{url}?query={urllib.parse.quote(RUNAWAY)}")
        assert status == 503
        rid = headers["X-Request-Id"]
        _get(f"{_root(url)}/healthz")
        lines = _json_lines(out, lambda ls: any(x.get("request_id") == rid for x in ls))
    errors = [x for x in lines if x.get("request_id") == rid]
    assert errors and errors[0]["level"] == "error" and errors[0]["logger"] == "kg.errors"
    assert errors[0]["status"] == 503 and "1 s" in errors[0]["message"]
    assert not [x for x in lines if x.get("logger") == "kg.access"]


def _worker_pids(store: Path) -> list[int]:
    """The query workers serving `store` (their command line names its directory)."""
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                cmd = Path(f"/proc/{d}/cmdline").read_bytes().decode("utf-8", "replace")
            except OSError:
                continue
            if "worker_entry" in cmd and str(store) in cmd:
                pids.append(int(d))
    return pids


def _healthz(url: str):
    status, _, body = _get(f"{_root(url)}/healthz")
    return status, json.loads(body)


def test_healthz_counts_live_workers_and_says_503_when_none_is(tmp_path):
    store = fixture_store(tmp_path)
    out: list[str] = []
    with kg_serve(store, "--workers", "2", output=out) as url:
        status, body = _healthz(url)
        assert status == 200 and body["status"] == "ok" and body["workers"] == 2
        # no worker can start again while the store is away; kill those that run
        shutil.move(str(store), str(tmp_path / "away"))
        for pid in _worker_pids(store):
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _healthz(url)[0] != 503:
            time.sleep(0.1)
        status, body = _healthz(url)
        assert status == 503 and body["workers"] == 0 and body["status"] == "unavailable"
        shutil.move(str(tmp_path / "away"), str(store))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _healthz(url)[0] != 200:
            time.sleep(0.2)
        assert _healthz(url)[0] == 200
        lines = _json_lines(out, lambda ls: any("replacing it" in x.get("message", "") for x in ls))
    assert any(x["level"] == "warning" and "replacing it" in x["message"] for x in lines)  # the crash is logged


def test_allow_update_without_token_warns_at_start(store, tmp_path):
    out: list[str] = []
    env = {k: v for k, v in os.environ.items() if k != "KG_UPDATE_TOKEN"}
    env["KG_UPDATE_TOKEN"] = ""
    with kg_serve(store, "--allow-update", output=out, extra_env=env):
        pass
    warned = [json.loads(x) for x in out if x.startswith("{") and "update_token" in x]
    assert warned and warned[0]["level"] == "warning"
    out = []
    with kg_serve(store, "--allow-update", output=out, extra_env={"KG_UPDATE_TOKEN": "s3cret"}):
        pass
    assert not [x for x in out if "update_token" in x]


# --- item 11 in a browser: the pages work under the CSP --------------------------------------

def test_console_and_graph_run_under_the_csp_in_a_browser(two_release_store):
    """Headless Chromium (as in tests/test_browser.py): no CSP violation on the console (a
    query run) and on /graph (drawn, legend coloured), no script error."""
    _need_browser()
    from playwright.sync_api import sync_playwright

    with kg_serve(two_release_store, "--workers", "1") as url, sync_playwright() as p:
        base = _root(url)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            pg = browser.new_page()
            pg.set_default_timeout(15000)
            messages, errors = [], []
            pg.on("console", lambda m: messages.append(m.text))
            pg.on("pageerror", lambda e: errors.append(str(e)))
            resp = pg.goto(base + "/sparql")
            assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
            pg.get_by_label("SPARQL query", exact=False).fill("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3")
            pg.get_by_role("button", name="Run query").click()
            pg.wait_for_selector("table.results")
            pg.goto(base + f"/graph?release={RELEASES[-1]}&lang=en")
            pg.wait_for_selector("#cy[data-ready=true]")
            assert pg.locator("#cy canvas").count() >= 1
            colour = pg.evaluate("getComputedStyle(document.querySelector('.swatch')).backgroundColor")
            assert colour not in ("", "rgba(0, 0, 0, 0)")
            # an inline script is refused and reported: the listener does hear violations
            pg.evaluate("() => { const s = document.createElement('script'); s.textContent = '1';"
                        " document.body.appendChild(s); }")
            pg.wait_for_timeout(200)
        finally:
            browser.close()
    violations = [m for m in messages if "Content Security Policy" in m]
    assert len(violations) == 1 and "script-src" in violations[0], messages
    assert not errors, errors
