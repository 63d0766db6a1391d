"""The colours of statuses, node kinds and relations in every picture of the graph, read from
kg/terms/colours.json (one table for the /graph page and the Gephi/GraphML exports)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

COLOURS_FILE = Path(__file__).resolve().parent / "colours.json"


@lru_cache(maxsize=1)
def colour_table() -> dict[str, dict[str, dict[str, str]]]:
    """{"statuses" | "kinds" | "relations": {name: {"colour": "#rrggbb", "legend": text}}}."""
    doc = json.loads(COLOURS_FILE.read_text(encoding="utf-8"))
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """'#1e8a3e' -> (30, 138, 62)."""
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def legend(group: str, names) -> dict[str, tuple[str, str]]:
    """{name: (legend, colour)} of `names` in a group of the table, in the order given."""
    table = colour_table()[group]
    return {n: (table[n]["legend"], table[n]["colour"]) for n in names}
