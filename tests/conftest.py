"""Shared fixtures: where the real corpus, gold and conformance material live."""
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
