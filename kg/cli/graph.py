"""`kg build`, `kg validate`, `kg stats`, `kg diff`: the graph and what it states."""
from __future__ import annotations

import sys

import click

from kg import formats
from kg.cli import echo_beside_bar, main


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
    bar_line = [tty]   # the bar's line is open (stages after the reading start lines of their own)

    def stage(what: str) -> None:
        click.echo(("\n" if bar_line[0] else "") + f"kg: {what} ...", err=True)
        bar_line[0] = False
    with click.progressbar(length=len(files), label=f"kg: reading {len(files)} files", file=sys.stderr,
                           hidden=not tty) as bar:
        result = graphs.build_store(paths, output, root=root, release=release, validate=not no_validate,
                                    keep_going=keep_going, on_stage=stage if tty else None,
                                    on_file=lambda _p: bar.update(1),
                                    on_error=lambda e: echo_beside_bar(f"kg: error: {e}", bar_line[0]))
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
    """What changed between releases OLD and NEW, per feature and hardware (overall: no hardware):
    statuses changed, added and removed, each with its evidence (what is new, what is gone)."""
    from kg.lookup.report import release_diff, render_diff
    from kg.store import open_store

    click.echo(render_diff(release_diff(open_store(store), old, new, lang), old, new))
