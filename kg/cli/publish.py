"""`kg publish`: push a store's graphs to a remote SPARQL 1.1 store (kg.graph.publish)."""
from __future__ import annotations

import os

import click

from kg.cli import main


@main.command("publish")
@click.argument("store", type=click.Path(file_okay=False, exists=True))
@click.option("--to", "url", required=True, metavar="URL",
              help="the store's SPARQL endpoint (queries and updates; e.g. Fuseki http://HOST:3030/DS, "
                   "Virtuoso http://HOST:8890/sparql-auth)")
@click.option("--gsp", "gsp_url", default=None, metavar="URL",
              help="its Graph Store Protocol endpoint (default: --to; Virtuoso: /sparql-graph-crud-auth)")
@click.option("--update", "update_url", default=None, metavar="URL",
              help="its SPARQL Update endpoint (default: --to)")
@click.option("--graph", default=None, metavar="IRI",
              help="graph IRI of the store's default graph there [KG_BACKEND_GRAPH; default BASE_IRI + graph]")
@click.option("--user", default=None, help="user name the store asks for (Basic or Digest)")
@click.option("--password-env", default=None, metavar="VAR",
              help="environment variable holding the password (never on the command line)")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=300.0, show_default=True,
              help="seconds each request may take")
@click.option("--chunk-mb", type=click.FloatRange(0, min_open=True), default=1.0, show_default=True,
              help="MB of N-Triples per Graph Store Protocol request")
def publish_cmd(store, url, gsp_url, update_url, graph, user, password_env, timeout, chunk_mb):
    """Publish a store to a SPARQL 1.1 store (Graph Store Protocol into a staging graph,
    triple counts checked, then one atomic MOVE onto the live graph)."""
    from kg import config
    from kg.graph.publish import publish
    from kg.remote import RemoteStore
    password = None
    if password_env:
        if password_env not in os.environ:
            raise click.UsageError(f"--password-env {password_env}: no such environment variable")
        password = os.environ[password_env]
    remote = RemoteStore(url, gsp_url=gsp_url, update_url=update_url, user=user, password=password,
                         timeout=timeout)
    report = publish(store, remote, graph=graph or config.published_graph(),
                     chunk_bytes=int(chunk_mb * 1024 * 1024), progress=lambda line: click.echo(line, err=True))
    graphs = ", ".join(f"<{g.graph}> {g.triples}" for g in report.graphs)
    click.echo(f"kg: published {report.triples} triples to {url} in {report.seconds:.1f} s ({graphs})")
