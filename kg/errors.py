"""Typed errors. The mapping to exit codes and HTTP statuses lives here, once.

Exit codes follow the pySHACL convention: 0 ok, 1 a check failed, 2 bad input.
"""
from __future__ import annotations


class KgError(Exception):
    """Base class: a failure the user can act on, reported as one clean line."""

    exit_code = 2
    http_status = 500
    code = "error"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 offset: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        self.offset = offset
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
            if self.offset is not None:
                where += f" (byte {self.offset})"
            where += ": "
        return where + self.message

    def to_dict(self) -> dict:
        d = {"error": self.code, "message": self.message}
        for k in ("path", "line", "offset"):
            v = getattr(self, k)
            if v is not None:
                d[k] = v
        return d


class InputError(KgError):
    """Bad input: a file that cannot be read or decoded, a malformed argument."""
    code = "bad-input"
    http_status = 400


class EncodingError(InputError):
    code = "bad-encoding"


class CheckFailed(KgError):
    """A check ran and failed (validation, evaluation thresholds)."""
    exit_code = 1
    http_status = 422
    code = "check-failed"


class StoreError(KgError):
    code = "store"
    http_status = 500


class QueryError(KgError):
    """A malformed or refused query."""
    code = "bad-query"
    http_status = 400


class ForbiddenError(KgError):
    code = "forbidden"
    http_status = 403


class NotFound(KgError):
    code = "not-found"
    http_status = 404


class NotAcceptable(KgError):
    code = "not-acceptable"
    http_status = 406


class QueryTimeout(KgError):
    code = "timeout"
    http_status = 503


class TooLarge(KgError):
    code = "too-large"
    http_status = 413
