"""One build step on top of setup.cfg (which holds all the metadata): a built wheel carries the
repository's top-level ontology/ and queries/ as kg/_data/ontology and kg/_data/queries.
kg.config reads them from the source tree when there is one (a checkout, `make install`'s
editable install) and from that installed copy otherwise."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("ontology", "queries")  # kept in sync with kg.config.SHIPPED_DIRS (tests/test_package.py)


class build_py_with_data(build_py):
    """build_py, then copy the shipped folders into the build tree (never into the source tree)."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the source tree
        target = Path(self.build_lib) / "kg" / "_data"
        for name in SHIPPED:
            dest = target / name
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(ROOT / name, dest,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


setup(cmdclass={"build_py": build_py_with_data})
