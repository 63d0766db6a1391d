"""Project-level promises: a light `import kg`, a README that matches the CLI, a working `make help`."""
from __future__ import annotations

import re
import subprocess
import sys

from click.testing import CliRunner
from conftest import PROJECT

from kg.cli import main

HEAVY = ("flask", "spacy", "rdflib", "pyoxigraph", "networkx", "pyshacl", "markdown_it", "lxml")


def test_import_kg_is_light():
    code = "import sys, kg; print(' '.join(m for m in %r if m in sys.modules))" % (HEAVY,)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import kg pulled in: {out.stdout.strip()}"


def test_cli_help_is_light():
    """`kg --help` must not import the heavy stacks either (it runs on every shell completion)."""
    code = ("import sys; from click.testing import CliRunner; from kg.cli import main; "
            "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0, r.output; "
            "print(' '.join(m for m in %r if m in sys.modules))" % (HEAVY,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"kg --help pulled in: {out.stdout.strip()}"


def _readme() -> str:
    return (PROJECT / "README.md").read_text(encoding="utf-8")


def test_readme_first_screen_has_exactly_the_two_commands():
    first_screen = "\n".join(_readme().splitlines()[:25])
    blocks = re.findall(r"```sh\n(.*?)```", first_screen, flags=re.S)
    assert blocks, "no shell block on the README's first screen"
    commands = [ln.split("#")[0].strip() for ln in blocks[0].splitlines() if ln.strip()]
    assert commands == ["make run", "make test"]


def test_readme_cli_tour_matches_the_cli():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = set(re.findall(r"^  ([a-z]+)\s", result.output.split("Commands:")[1], flags=re.M))
    code = "\n".join(re.findall(r"```sh\n(.*?)```", _readme(), flags=re.S))
    tour = set(re.findall(r"^kg ([a-z]+)", code, flags=re.M))
    assert tour - listed == set(), f"README names commands the CLI lacks: {tour - listed}"
    assert listed - tour == set(), f"commands missing from the README tour: {listed - tour}"


def test_ci_runs_the_readme_test_command():
    ci = (PROJECT / ".ci" / "run").read_text()
    assert "make test" in ci and "make test" in _readme()


def test_make_help_lists_targets():
    out = subprocess.run(["make", "-s", "help"], cwd=PROJECT, capture_output=True, text=True, check=True)
    for target in ("install", "run", "test", "bench"):
        assert re.search(rf"^{target}\s", out.stdout, flags=re.M), out.stdout


def test_cli_usage_errors_are_one_clean_line(tmp_path):
    """Bad arguments caught by click itself read like our own errors: one line, exit 2."""
    missing = str(tmp_path / "missing")
    runner = CliRunner()
    for args, words in ((["build", missing, "-o", str(tmp_path / "s")], ["'PATHS...'", "missing"]),
                        (["export", str(tmp_path), "-f", "pdf"], ["'pdf' is not one of"]),
                        (["vocab", "suggest", missing], ["'CORPUS...'", "vocab suggest --help"]),
                        (["stats"], ["Missing argument 'STORE'"]),
                        (["nosuch"], ["No such command 'nosuch'"])):
        r = runner.invoke(main, args)
        assert r.exit_code == 2, (args, r.output)
        lines = r.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("kg: error: "), (args, r.output)
        for w in words:
            assert w in lines[0], (args, lines[0])
