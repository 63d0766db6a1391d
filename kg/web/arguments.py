"""Query-string parameters as the JSON routes (/api/*, /queries/<name>) read them: one value
each, never a silent pick among repeated ones."""
from __future__ import annotations

from flask import request

from kg.errors import InputError


def single_args(*allowed: str) -> dict[str, str]:
    """The query-string parameters, one value each (a repeated one is a 400, named); with
    `allowed`, an unknown parameter is a 400 too, listing the known ones."""
    out = {}
    for key in request.args:
        if allowed and key not in allowed:
            raise InputError(f"unknown parameter {key!r} (parameters: {', '.join(allowed)})")
        values = request.args.getlist(key)
        if len(values) > 1:
            raise InputError(f"parameter {key!r} given {len(values)} times; give it once")
        out[key] = values[0]
    return out
