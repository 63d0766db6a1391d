"""The `kg` command: thin click commands over the library API, one module per stage
(extract, graph, serve, export, search) registering its commands on `main`.

Each command parses options and calls one library function. Expected failures
(KgError) become one clean line on stderr and the error's exit code.
Heavy modules are imported inside the commands so `kg --help` stays fast.
"""
from __future__ import annotations

import click

from kg import __version__
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


def echo_beside_bar(message: str, bar_shown: bool) -> None:
    """One line on stderr while a progress bar may be drawn there: on a terminal the bar's line
    is cleared first (the bar draws itself again on the next line at its next step), so the
    line never runs on from "45%"."""
    click.echo(("\r\x1b[K" if bar_shown else "") + message, err=True)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main():
    """Build, query and serve the knowledge graph of the MindSpore FAQ."""


# the commands: each module adds its own to `main` (imported last, as they import `main`)
from kg.cli import export, extract, graph, publish, search, serve  # noqa: E402, F401
