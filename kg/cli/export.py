"""`kg export`: the graph as files for Gephi, yEd, spreadsheets and RDF tools."""
from __future__ import annotations

import sys

import click

from kg import formats
from kg.cli import main


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
