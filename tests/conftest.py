"""Shared fixtures: where the real corpus, gold and conformance material live; the stores
built from it (the whole corpus, two releases); the app factory and its test client."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KG_SHARED", PROJECT.parent / "shared")).resolve()
CORPUS = SHARED / "corpus" / "mindspore-docs"
GOLD = SHARED / "gold" / "dev.jsonl"
CONFORMANCE = SHARED / "conformance"
EXAMPLES = PROJECT / "examples"

# the releases of `two_release_store`: two consecutive ones, enough for the pages' release
# selector and "compare with release" and the export tests' release filters; built in seconds
RELEASES = ("r1.1", "r1.2")


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"shared material missing: {path} (CI lays ../shared beside the clone)")
    return path


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return _need(CORPUS)


@pytest.fixture(scope="session")
def gold_path() -> Path:
    return _need(GOLD)


@pytest.fixture(scope="session")
def conformance_dir() -> Path:
    return _need(CONFORMANCE)


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def full_build(corpus_dir, tmp_path_factory):
    """The whole corpus built once per session into a store (kg.graph.pipeline.build_store, which
    validates the graph with SHACL): its BuildResult (`.output` is the store directory)."""
    from kg.graph.pipeline import build_store
    store = tmp_path_factory.mktemp("full-corpus") / "store"
    return build_store([corpus_dir], store, root=corpus_dir)


@pytest.fixture(scope="session")
def full_store(full_build) -> Path:
    """Directory of the store of the whole corpus (open it read-only with kg.store.open_store)."""
    return Path(full_build.output)


@pytest.fixture(scope="session")
def build_releases(corpus_dir):
    """build_releases(releases, store, **options): those releases of the real corpus built by
    kg.graph.pipeline.build_store (the code behind `kg build`, SHACL check included) into the
    store directory `store`, with build_store's options (e.g. `extractor=`); its BuildResult."""
    from kg.graph.pipeline import build_store

    def build(releases, store: Path, **options):
        return build_store([corpus_dir / r for r in releases], store, root=corpus_dir, **options)
    return build


@pytest.fixture(scope="session")
def two_release_store(build_releases, tmp_path_factory) -> Path:
    """Directory of a store of RELEASES of the real corpus, built once per session and shared
    (read-only) by the pages, browser and export tests."""
    return Path(build_releases(RELEASES, tmp_path_factory.mktemp("two-releases") / "store").output)


@pytest.fixture(scope="module")
def make_app():
    """make_app(store, **config): the real app (kg.web.app.create_app) over the store
    directory `store`, with one query worker unless `config` says otherwise (any other
    create_app key: query_timeout, max_results, engine, allow_update, ...). Every app made is
    closed (its query workers stopped) when the module's tests are done; a test that needs
    its workers gone sooner closes `app.extensions["kg"].runner` itself."""
    from kg.web.app import create_app

    made = []

    def make(store, **config):
        app = create_app({"store": str(store), "workers": 1, **config})
        made.append(app)
        return app
    yield make
    for app in made:
        app.extensions["kg"].runner.close()


@pytest.fixture(scope="module")
def app(make_app, two_release_store):
    """The app over `two_release_store`, its queries stopped after 5 s; a module whose tests
    need another store or other settings defines its own `app` with make_app."""
    return make_app(two_release_store, query_timeout=5.0)


@pytest.fixture
def client(app):
    """Flask's in-process test client of the module's `app`."""
    return app.test_client()
