"""The feature page's support history as a picture: releases (columns) by hardware (rows), each
cell coloured by the status its claims state (kg/terms/colours.json, the table the graph
pictures use; several statuses: 'mixed'), and a mark where a row's status changed from the
release before that stated one. Plain data for a server-rendered SVG (no script)."""
from __future__ import annotations

from kg.terms.colours import colour_table

CELL_W, CELL_H, LABEL_W, HEADER_H, GAP = 24, 20, 170, 64, 2


def history_picture(timeline: list[dict], releases: list[str]) -> dict | None:
    """Geometry of the picture from the feature's timeline rows ({hardware, cells: {release:
    {status}}}) over `releases` (in order); None when there is nothing to draw."""
    if not timeline or not releases:
        return None
    statuses = colour_table()["statuses"]
    cols = {r: LABEL_W + i * CELL_W for i, r in enumerate(releases)}
    rows, cells, changes = [], [], []
    for j, row in enumerate(timeline):
        y = HEADER_H + j * CELL_H
        label = row["hardware"] or "overall (no hardware)"
        rows.append({"label": label, "y": y + CELL_H * 0.7})
        before = None
        for r in releases:
            cell = row["cells"].get(r)
            if not cell:
                continue
            status = cell["status"]
            name = status if status in statuses else "mixed"
            changed = before is not None and before != status
            cells.append({"x": cols[r] + GAP / 2, "y": y + GAP / 2, "w": CELL_W - GAP, "h": CELL_H - GAP,
                          "fill": statuses[name]["colour"], "status": status, "release": r,
                          "title": f"{label}, {r}: {status}" + (f" (was {before})" if changed else "")})
            if changed:
                changes.append({"x": cols[r], "y1": y, "y2": y + CELL_H, "release": r, "row": label,
                                "was": before, "now": status})
            before = status
    legend = [(n, v["legend"], v["colour"]) for n, v in statuses.items()
              if any(c["status"] == n or (n == "mixed" and c["status"] not in statuses) for c in cells)]
    return {"width": LABEL_W + len(releases) * CELL_W + 10, "height": HEADER_H + len(timeline) * CELL_H + 6,
            "columns": [{"label": r, "x": cols[r] + CELL_W / 2} for r in releases], "header_y": HEADER_H - 6,
            "rows": rows, "cells": cells, "changes": changes, "legend": legend}
