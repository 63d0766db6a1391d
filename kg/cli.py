"""The `kg` command: thin click commands over the library API.

Each command parses options and calls one library function. Expected failures
(KgError) become one clean line on stderr and the error's exit code.
Heavy modules are imported inside the commands so `kg --help` stays fast.
"""
from __future__ import annotations

import sys

import click

from kg import __version__, formats
from kg.errors import KgError


class KgGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgError as e:
            click.echo(f"kg: error: {e}", err=True)
            ctx.exit(e.exit_code)
        except click.UsageError as e:  # bad arguments: one line too, not click's usage block
            hint = f" (see '{e.ctx.command_path} --help')" if e.ctx else ""
            click.echo(f"kg: error: {e.format_message()}{hint}", err=True)
            ctx.exit(e.exit_code)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main():
    """Build, query and serve the knowledge graph of the MindSpore FAQ."""


# --- parsing and extraction ------------------------------------------------

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
    warn = lambda w: click.echo(f"kg: {w}", err=True)  # noqa: E731
    fail = lambda e: click.echo(f"kg: error: {e}", err=True)  # noqa: E731
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
    rows = suggest(corpus, root=root or corpus[0], min_count=min_count)[:limit or None]
    click.echo("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) if as_json else format_table(rows, name),
               nl=bool(rows) or not as_json)

# --- graph: build, validate, stats, diff -----------------------------------

@main.command("build")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("-o", "--output", default=None,
              help="store directory to (re)build; with --format the file to write (default stdout)")
@click.option("--format", "fmt", type=click.Choice(list(formats.rdf_exports())), default=None,
              help="write the graph as a file in this format instead of building a store")
@click.option("--root", default=".", show_default=True, type=click.Path(file_okay=False),
              help="folder the sources of the entries are relative to (a file outside it: from its release folder on)")
@click.option("--release", default=None,
              help="release of every entry (default: the path segment naming one, e.g. r1.2)")
@click.option("--no-validate", is_flag=True, help="skip the SHACL validation of the graph")
@click.option("--keep-going", is_flag=True, help="build from the files that can be read (a bad one: reported, exit 2)")
@click.pass_context
def build_cmd(ctx, paths, output, fmt, root, release, no_validate, keep_going):
    """Build the knowledge graph of FAQ files into a store (atomically) or a file. The graph is validated
    against ontology/shapes.ttl: a violation fails the build (exit 1), the previous store or file stays."""
    from kg.graph import pipeline as graphs
    from kg.parse.corpus import find_faq_files

    if fmt:
        return click.echo(graphs.write_files(paths, output, fmt, root=root, release=release,
                                             validate=not no_validate).summary(), err=True)
    if not output:
        raise click.UsageError("give -o STORE (or --format to write a file)")
    tty, files = sys.stderr.isatty(), find_faq_files(paths)
    stage = (lambda what: click.echo(f"kg: {what} ...", err=True)) if tty else None
    with click.progressbar(length=len(files), label=f"kg: reading {len(files)} files", file=sys.stderr,
                           hidden=not tty) as bar:
        result = graphs.build_store(paths, output, root=root, release=release, validate=not no_validate,
                                    keep_going=keep_going, on_stage=stage, on_file=lambda _p: bar.update(1),
                                    on_error=lambda e: click.echo(f"kg: error: {e}", err=True))
    click.echo(result.summary(), err=True)
    ctx.exit(2 if result.errors else 0)


@main.command("validate")
@click.argument("target", type=click.Path(exists=True, path_type=str))
def validate_cmd(target):
    """Validate a store or an RDF file against ontology/shapes.ttl (exit 1 on a violation)."""
    from kg.graph.shacl import validate_path

    click.echo(validate_path(target).summary())


@main.command("stats")
@click.argument("store", type=click.Path(exists=True, file_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="print the figures as JSON")
def stats_cmd(store, as_json):
    """Triples, entries per release and language, features, statements per status."""
    import json

    from kg.lookup.report import graph_stats
    from kg.store import open_store

    stats = graph_stats(open_store(store))
    click.echo(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2) if as_json else stats.render())


@main.command("diff")
@click.argument("store", type=click.Path(exists=True, file_okay=False, path_type=str))
@click.argument("old")
@click.argument("new")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="quote evidence from entries in this language only")
def diff_cmd(store, old, new, lang):
    """Features whose status (overall or per hardware) changed between releases OLD and NEW,
    with the evidence on both sides, then those added and removed."""
    from kg.lookup.report import added_and_removed, release_diff, render_diff
    from kg.store import open_store

    st = open_store(store)
    click.echo(render_diff(release_diff(st, old, new, lang), old, new, *added_and_removed(st, old, new)))


# --- store, query and server -----------------------------------------------

def _query_args(args: tuple[str, ...]) -> tuple[str | None, str]:
    """`[SPARQL] STORE` -> (query text or None, store). SPARQL may be `@file.rq` or `-` (stdin)."""
    if len(args) == 1:
        return None, args[0]
    if len(args) != 2:
        raise click.UsageError("expected: kg query \"SPARQL\" STORE")
    text, store = args
    if text == "-":
        text = sys.stdin.read()
    elif text.startswith("@"):
        from pathlib import Path
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise click.BadParameter(f"cannot read {text[1:]}: {e}") from None
    return text, store


@main.command("query")
@click.argument("args", nargs=-1, required=True, metavar="[SPARQL] STORE")
@click.option("--format", "fmt", default="table", show_default=True,
              help=f"{', '.join(f.name for f in formats.formats_for('results'))}; "
                   f"{', '.join(f.name for f in formats.formats_for('graph'))} for CONSTRUCT/DESCRIBE")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=None,
              help="seconds before the query is stopped")
@click.option("--name", "name", default=None,
              help="run the named query queries/NAME.rq instead of SPARQL text (see GET /queries)")
@click.option("--param", "params", multiple=True, metavar="K=V",
              help="a parameter of the named query (repeatable), e.g. --param hardware=Ascend")
def query_cmd(args, fmt, timeout, name, params):
    """Run a SPARQL query on a store (SPARQL text, @FILE.rq or - for stdin), or a named query."""
    text, store = _query_args(args)
    if name is not None:
        if text is not None:
            raise click.UsageError("give either SPARQL text or --name, not both")
        from kg.query.catalogue import parse_param_options
        from kg.query.runner import answer_named
        answer = answer_named(store, name, parse_param_options(params), format=fmt, timeout=timeout)
    else:
        if text is None:
            raise click.UsageError("give the SPARQL text (or --name NAME) before STORE")
        if params:
            raise click.UsageError("--param needs --name")
        from kg.query.runner import run_query
        answer = run_query(store, text, format=fmt, timeout=timeout)
    click.echo(answer.body.decode("utf-8"), nl=False)
    if answer.truncated is not None and fmt != "table":
        click.echo(f"kg: warning: results truncated at {answer.truncated}", err=True)


@main.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", "store", required=True, type=click.Path(file_okay=False),
              help="store directory (replaced atomically)")
@click.option("--append", is_flag=True, help="add to the existing store instead of replacing it")
@click.option("--format", "fmt", default=None, help="RDF format of all files (default: from each file's extension)")
@click.option("--graph", default=None, help="named graph IRI for triples (quads keep their graph)")
def load_cmd(files, store, append, fmt, graph):
    """Load RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) into a store."""
    from kg.store import load_files
    n = load_files(files, store, fmt=fmt, graph=graph, append=append)
    click.echo(f"kg: {store}: {n} quads from {len(files)} file{'s' if len(files) != 1 else ''}")


@main.command("serve")
@click.argument("store", type=click.Path(file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="interface to listen on")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="port (0: any free port)")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="query worker processes [KG_WORKERS]")
@click.option("--query-timeout", type=click.FloatRange(0, min_open=True), default=None,
              help="seconds a query may run before it gets 503 [KG_QUERY_TIMEOUT]")
@click.option("--cache-mb", type=click.IntRange(min=0), default=None,
              help="MB of answers kept for repeated queries; 0 turns the cache off [KG_CACHE_MB]")
@click.option("--allow-update", is_flag=True, default=None,
              help="accept SPARQL Update from requests carrying KG_UPDATE_TOKEN as bearer token")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph",
              show_default=True, help="SPARQL engine (rdflib: the slow baseline of the benchmark)")
@click.option("--export-concurrency", type=click.IntRange(min=1), default=None,
              help="exports built at once [KG_EXPORT_CONCURRENCY]")
@click.option("--max-queue", type=click.IntRange(min=1), default=None,
              help="queries/exports that may wait before 503 [KG_MAX_QUEUE]")
@click.option("--connection-limit", type=click.IntRange(min=1), default=None,
              help="open connections accepted at once [KG_CONNECTION_LIMIT]")
@click.option("--channel-timeout", type=click.IntRange(min=1), default=None,
              help="seconds an idle connection is kept [KG_CHANNEL_TIMEOUT]")
@click.option("--client-workers", type=click.IntRange(min=0), default=None,
              help="query workers one client may hold at once; 0: no limit [KG_CLIENT_WORKERS]")
@click.option("--worker-memory-mb", type=click.IntRange(min=0), default=None,
              help="MB of memory one query worker may use; 0: no limit [KG_WORKER_MEMORY_MB]")
@click.option("--public-url", default=None,
              help="base URL the server is reached at, e.g. https://kg.example.org/ [KG_PUBLIC_URL]")
@click.option("--trust-proxy", is_flag=True, default=None,
              help="honour X-Forwarded-* headers (only behind your own proxy) [KG_TRUST_PROXY]")
@click.option("--access-log/--no-access-log", default=None,
              help="one JSON line per request on stderr (default on) [KG_ACCESS_LOG]")
def serve_cmd(store, host, port, workers, query_timeout, cache_mb, allow_update, engine, **settings):
    """Serve a store over SPARQL 1.1 and HTTP (waitress), on 127.0.0.1:5000 by default."""
    from kg.web.server import serve
    config = {"allow_update": True} if allow_update else {}
    config["engine"] = engine
    if cache_mb is not None:
        config["cache_mb"] = cache_mb
    config.update({k: v for k, v in settings.items() if v is not None})
    serve(store, host=host, port=port, workers=workers, query_timeout=query_timeout,
          config=config, announce=lambda line: click.echo(line, err=False))


# --- export ----------------------------------------------------------------

@main.command("export")
@click.argument("store", type=click.Path(exists=True))
@click.option("--format", "-f", "fmt", type=click.Choice(list(formats.EXPORT_FORMATS)),
    help="output format (default: from the -o extension)")
@click.option("-o", "--output", default="-", show_default=True,
              help="file to write ('-' = stdout); csv writes two files: -o DIR/ gives "
                   "DIR/nodes.csv + DIR/edges.csv, -o g.csv gives g-nodes.csv + g-edges.csv")
@click.option("--lang", type=click.Choice(["en", "zh"]),
              help="label language of gexf/graphml/csv (default en); for RDF: drop literals "
                   "in the other language")
@click.option("--release", help="one release (e.g. r1.2): a static snapshot of it")
@click.option("--include-entries", is_flag=True, help="add FAQ entries (questions) as nodes")
@click.option("--dynamic/--static", default=None,
              help="timeline with spells per release (default when no --release) or one static graph")
def export_cmd(store, fmt, output, lang, release, include_entries, dynamic):
    """Export the graph of STORE for Gephi (GEXF 1.3 with a release timeline), yEd/Cytoscape
    (GraphML), spreadsheets (CSV) or as RDF files. STORE is a store built by `kg build`
    (or an RDF file, loaded into memory)."""
    from kg.errors import InputError
    from kg.export.writers import ExportOptions, export_to_path, get_format, open_export_store, render

    out_format = get_format(fmt, output)
    options = ExportOptions(lang=lang, release=release, include_entries=include_entries,
                            dynamic=dynamic)
    st = open_export_store(store)
    if output == "-":
        if out_format.name == "csv":
            raise InputError("csv writes two files (nodes, edges): give -o DIR/ or -o FILE.csv")
        render(st, out_format, options, out=sys.stdout.buffer)
        return
    summary = export_to_path(st, out_format, output, options)
    counts = (f"{summary['nodes']} nodes, {summary['edges']} edges ({summary['mode']})"
              if "nodes" in summary else f"{summary['triples']} triples")
    click.echo(f"wrote {', '.join(summary['files'])}: {counts}", err=True)


if __name__ == "__main__":
    sys.exit(main())
