"""Structured logs of the server: JSON lines on standard error.

`configure()` gives the "kg" loggers (the app's, the query runner's and pool's) one
handler writing one JSON object a line (time, level, logger, message and the record's
`fields`); `request_done()` writes the access line of a request (setting access_log) and
an error line for a 5xx answer or a refusal (a KgError: guard, timeout, busy, forbidden),
once the answer has been sent (the client does not wait for them).
"""
from __future__ import annotations

import json
import logging
import sys
import time

ACCESS = logging.getLogger("kg.access")
ERRORS = logging.getLogger("kg.errors")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
               + f".{int(record.msecs):03d}Z",
               "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        out.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when the record comes (tests swap it)."""

    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):  # StreamHandler.__init__ sets it; the property always wins
        pass


def configure() -> None:
    """One JSON handler on the "kg" logger (idempotent), at INFO."""
    root = logging.getLogger("kg")
    if not any(isinstance(h, StderrHandler) for h in root.handlers):
        root.addHandler(StderrHandler())
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    root.propagate = False


def request_done(request, resp, *, request_id: str, t0: float | None, error: tuple | None,
                 access: bool = True) -> None:
    """Log the request answered by `resp`: its fields are read now (the request's context ends
    before the answer is sent), its lines written once the answer has gone out (when the WSGI
    server closes the response, resp.call_on_close), so no client waits for its log line.
    `duration_ms`: from `t0` (time.perf_counter) until then. Without an access line or an
    error to report nothing is left to do."""
    status = resp.status_code
    report = error is not None and status >= 400
    if not (access or report):
        return
    fields = {"request_id": request_id, "method": request.method, "path": request.path,
              "status": status, "duration_ms": None, "client": request.remote_addr}
    cache = resp.headers.get("KG-Cache")
    if cache:
        fields["cache"] = cache

    def write() -> None:
        if t0 is not None:
            fields["duration_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        if report:  # before the access line, which closes the request's lines
            level = logging.ERROR if status >= 500 else logging.WARNING
            ERRORS.log(level, "%s: %s", error[0], error[1], extra={"fields": {**fields, "error": error[0]}})
        if access:
            ACCESS.info("%s %s %s", fields["method"], fields["path"], status, extra={"fields": fields})
    resp.call_on_close(write)
