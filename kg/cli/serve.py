"""`kg query`, `kg load`, `kg serve`: the store, its queries and the server."""
from __future__ import annotations

import sys

import click

from kg import formats
from kg.cli import main


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
@click.argument("store", type=click.Path(file_okay=False), required=False)
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
@click.option("--backend", default=None, metavar="URL",
              help="answer from this SPARQL 1.1 query endpoint (see kg publish); STORE, when given, "
                   "serves the exports and the search index [KG_BACKEND]")
@click.option("--graph", "backend_graph", default=None, metavar="IRI",
              help="our default graph in the backend (kg publish --graph) [KG_BACKEND_GRAPH]")
@click.option("--named-graph", "named_graphs", multiple=True, metavar="IRI",
              help="a named graph of ours in the backend (repeatable)")
@click.option("--user", default=None, help="user name the backend asks for (Basic or Digest)")
@click.option("--password-env", default=None, metavar="VAR",
              help="environment variable holding the backend's password")
def serve_cmd(store, host, port, workers, query_timeout, cache_mb, allow_update, engine, named_graphs,
              user, password_env, **settings):
    """Serve a store over SPARQL 1.1 and HTTP (waitress), on 127.0.0.1:5000 by default;
    with --backend, answer from a remote SPARQL store instead."""
    from kg.web.server import serve
    if store is None and not (settings.get("backend") or _env_backend()):
        raise click.UsageError("give the STORE to serve (or --backend URL)")
    config = {"allow_update": True} if allow_update else {}
    config["engine"] = engine
    config.update(backend_named_graphs=list(named_graphs), backend_user=user,
                  backend_password_env=password_env)
    if cache_mb is not None:
        config["cache_mb"] = cache_mb
    config.update({k: v for k, v in settings.items() if v is not None})
    serve(store, host=host, port=port, workers=workers, query_timeout=query_timeout,
          config=config, announce=lambda line: click.echo(line, err=False))


def _env_backend() -> str:
    from kg import config
    return config.get("backend")
