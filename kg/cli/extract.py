"""`kg extract`, `kg eval`, `kg vocab`: the parsing and extraction stages."""
from __future__ import annotations

import sys

import click

from kg.cli import echo_beside_bar, main
from kg.errors import KgError


def _extraction_hook():
    """THE single place where the extraction stage joins `kg extract`: a function
    entry -> Extraction (kg.extract.records turns it into the record keys)."""
    from kg.extract.extractor import Extractor

    return Extractor().extract


@main.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--root", default=".", show_default=True, type=click.Path(file_okay=False),
              help="folder the `source` of each record is relative to "
                   "(a file outside it: from its release folder on, e.g. r1.2/...)")
@click.option("--release", default=None,
              help="release of every entry (default: the path segment naming one, e.g. r1.2)")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "table"]), default="jsonl",
              show_default=True, help="output format")
@click.option("--keep-going", is_flag=True,
              help="after a file that cannot be read go on with the others (exit status stays 2)")
@click.pass_context
def extract_cmd(ctx, paths, root, release, fmt, keep_going):
    """Parse FAQ Markdown files (or folders of them) into one record per question/answer entry.

    Records go to stdout; warnings, errors and a closing `N files, M entries, K warnings`
    line go to stderr."""
    from kg.extract import pipeline, records
    from kg.parse import corpus
    from kg.parse import markdown as parsing

    stats = parsing.ParseStats()
    show_bar = False
    warn = lambda w: echo_beside_bar(f"kg: {w}", show_bar)  # noqa: E731
    fail = lambda e: echo_beside_bar(f"kg: error: {e}", show_bar)  # noqa: E731
    code = 0
    try:
        files = corpus.find_faq_files(paths)
        show_bar = len(files) >= 20 and sys.stderr.isatty()
        with click.progressbar(length=len(files), label="parsing", file=sys.stderr,
                               hidden=not show_bar) as bar:
            recs = pipeline.extract_records(
                files, root=root, release=release, keep_going=keep_going,
                extract=_extraction_hook(), stats=stats, on_warning=warn, on_error=fail,
                on_file=lambda _path: bar.update(1))
            records.FORMATS[fmt].write(recs, sys.stdout)
            sys.stdout.flush()
        if stats.errors:
            code = max(e.exit_code for e in stats.errors)
    except KgError as e:
        fail(e)
        if not stats.files:  # nothing was read (no such path, no FAQ files): the one line says it
            ctx.exit(e.exit_code)
        code = e.exit_code
    except BrokenPipeError:  # `kg extract ... | head`: the reader left, nothing to report
        sys.stderr.close()
        ctx.exit(0)
    click.echo(stats.summary(), err=True)
    ctx.exit(code)


# --- evaluation and vocabulary ---------------------------------------------

# `kg eval` thresholds: option -> what falls below it (exit 1)
EVAL_THRESHOLDS = (
    ("--min-status-accuracy", "the status accuracy of a language"),
    ("--min-hardware-f1", "the (entry, hardware, status) F1"),
    ("--min-url-rate", "the URL exact-match rate"),
    ("--min-found", "the share of gold entries found"),
    ("--min-claim-precision", "the claim precision (claim gold)"),
    ("--min-claim-recall", "the claim recall (claim gold)"),
    ("--min-negative-precision", "the unsupported/planned claim precision (claim gold)"),
)


def _thresholds(command):
    for option, what in reversed(EVAL_THRESHOLDS):
        command = click.option(option, type=float, default=0.0, show_default=True,
                               help=f"exit 1 when {what} is below this")(command)
    return command


@main.command("eval")
@click.argument("gold", type=click.Path(dir_okay=False, path_type=str))
@click.option("--root", required=True, type=click.Path(file_okay=False, path_type=str),
              help="folder the gold records' `source` paths are relative to")
@_thresholds
@click.option("--judged", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="claim gold: JSONL of subject pairs a reader judged {gold, pred, same}")
@click.option("--json", "as_json", is_flag=True, help="print the figures as JSON")
@click.option("--no-mismatches", is_flag=True, help="do not list the mismatching entries")
def eval_cmd(gold, root, min_status_accuracy, min_hardware_f1, min_url_rate, min_found,
             min_claim_precision, min_claim_recall, min_negative_precision, judged, as_json, no_mismatches):
    """Run the extraction on the files of GOLD (JSONL) and score it against GOLD.

    GOLD holds entry labels (status, hardware: shared/gold/GUIDELINES.md) or claims
    (shared/gold/CLAIMS.md): claims are scored fact by fact, overall, per language, with and
    without hardware, and for unsupported/planned claims alone."""
    import json

    from kg.extract.claim_scoring import enforce_claims, is_claim_gold
    from kg.extract.evaluation import enforce, evaluate, evaluate_claims

    claims = is_claim_gold(gold)
    rep = evaluate_claims(gold, root, judgements=judged) if claims else evaluate(gold, root)
    text = rep.format(show=0 if no_mismatches else 20) if claims else rep.format(show_mismatches=not no_mismatches)
    click.echo(json.dumps(rep.to_dict(), ensure_ascii=False, indent=2) if as_json else text)
    if claims:
        enforce_claims(rep, min_precision=min_claim_precision, min_recall=min_claim_recall,
                       min_negative_precision=min_negative_precision)
    else:
        enforce(rep, min_status=min_status_accuracy, min_hardware_f1=min_hardware_f1,
                min_urls=min_url_rate, min_found=min_found)


@main.group("vocab")
def vocab_group():
    """The feature vocabulary: candidates for curators."""


@vocab_group.command("suggest")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("--root", default=None, type=click.Path(file_okay=False),
              help="folder sources are relative to (default: the first CORPUS folder)")
@click.option("--kind", type=click.Choice(["candidates", "subjects", "products"]), default="candidates",
              show_default=True, help="feature candidates, narrower claim subjects, or products not in the vocabulary")
@click.option("--min-count", type=int, default=1, show_default=True, help="those seen in at least N entries")
@click.option("--limit", type=int, default=0, help="list at most this many (0: all)")
@click.option("--json", "as_json", is_flag=True, help="print JSON Lines instead of a table")
def vocab_suggest_cmd(corpus, root, kind, min_count, limit, as_json):
    """List what the vocabulary may lack, by frequency: feature candidates (derived from questions),
    the narrower subjects claims are about, or product names it has no concept for."""
    import json

    from kg.extract.suggestions import SUGGESTERS, format_table

    suggest, name = SUGGESTERS[kind]
    more = {}
    if kind == "subjects":      # the Chinese labels curators wrote already (ontology/subjects.ttl)
        from kg.extract.statements import normalise
        from kg.terms.vocabulary import SUBJECTS_FILE, load_vocabulary

        more["labels_zh"] = {normalise(c.label): c.pref["zh"] for c in load_vocabulary(SUBJECTS_FILE).concepts.values()
                             if "zh" in c.pref}
    rows = suggest(corpus, root=root or corpus[0], min_count=min_count, **more)[:limit or None]
    click.echo("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) if as_json else format_table(rows, name),
               nl=bool(rows) or not as_json)
