"""The `kg` command: thin click commands over the library API.

Each command parses options and calls one library function. Expected failures
(KgError) become one clean line on stderr and the error's exit code.
Heavy modules are imported inside the commands so `kg --help` stays fast.
"""
from __future__ import annotations

import sys

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


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main():
    """Build, query and serve the knowledge graph of the MindSpore FAQ."""


# --- parsing and extraction ------------------------------------------------

# --- evaluation and vocabulary ---------------------------------------------

# --- graph: build, validate, stats, diff -----------------------------------

# --- store, query and server -----------------------------------------------

# --- export ----------------------------------------------------------------


if __name__ == "__main__":
    sys.exit(main())
