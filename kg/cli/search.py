"""`kg search`: full-text search of a built store (its search index), as a table or JSON."""
from __future__ import annotations

import json

import click

from kg.cli import main


@main.command("search")
@click.argument("store", type=click.Path(exists=True, file_okay=False, path_type=str))
@click.argument("query")
@click.option("--release", help="only features with claims in this release (their status then is that "
                                "release's) and its entries")
@click.option("--lang", type=click.Choice(["en", "zh"]), help="only entries in this language, labels in it")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True,
              help="at most this many hits of each kind")
def search_cmd(store, query, release, lang, fmt, limit):
    """Search STORE (built by `kg build`, which indexes it) for QUERY in feature and subject labels
    (both languages, synonyms), products and entry questions and answers: features first, with
    their current status, then products, then entries."""
    from kg.lookup.documents import Lookups, store_runner
    from kg.lookup.search import search
    from kg.store import open_store

    doc = search(Lookups(store_runner(open_store(store))), store, query, release=release, lang=lang,
                 limit=limit)
    if fmt == "json":
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    click.echo(render_table(doc))


def render_table(doc: dict) -> str:
    """The hits as a plain-text table: kind, label (never an IRI), status or release, where."""
    rows = [("kind", "label", "status / releases", "id or source")]
    for kind in ("features", "products"):
        for h in doc[kind]:
            status = f"{h['status']['summary']} ({h['status']['release']})" if h["status"] else "-"
            rows.append((h["type"] if kind == "features" else "product", h["label"], status, h["id"]))
    for e in doc["entries"]:
        where = f"{e['source']}:{e['line']}" if e["source"] else e["entry"]
        rows.append((f"entry/{'+'.join(e['languages'])}", _short(e["question"]), ",".join(e["releases"]), where))
    widths = [max(_width(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(_pad(c, widths[i]) if i < 3 else c for i, c in enumerate(r)) for r in rows]
    mode = "" if doc["mode"] == "all" else " (no hit has every word: these have some)"
    counts = doc["counts"]
    lines.append(f"{counts['features']} features, {counts['products']} products, {counts['entries']} questions"
                 f"{mode}")
    if doc.get("hardware"):
        named = ", ".join(f"{h['hardware']} ({h['name']})" for h in doc["hardware"])
        lines.append(f"the query names the hardware {named}: the hits include what is stated about it")
    return "\n".join(lines)


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _width(text: str) -> int:
    """Columns a terminal gives `text` (a Chinese character takes two)."""
    return sum(2 if "\u2e80" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
