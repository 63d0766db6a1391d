"""Issue 15, items 8 and 9: a build killed or starved of disk leaves the store whole.

Real `kg build` subprocesses on a release of the corpus: kill -9 during the fill, a swap
interrupted between its two renames (laid out by hand), a file-size limit for a full disk."""
from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.errors import StoreError
from kg.store import build_store_atomically, leftovers, open_store
from tests.kgserver import PROJECT, env, fixture_store

CORPUS = Path("/work/shared/corpus/mindspore-docs")
needs_corpus = pytest.mark.skipif(not (CORPUS / "master").is_dir(), reason="no corpus")


def kg_build(release: str, store: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg", "build", str(CORPUS / release), "--root", str(CORPUS),
                             "-o", str(store)], cwd=PROJECT, env=env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def no_leftovers(store: Path) -> bool:
    return not any(leftovers(store).values())


@needs_corpus
def test_a_build_killed_during_the_fill_leaves_nothing_after_the_next_build(tmp_path):
    store = fixture_store(tmp_path)
    before = len(open_store(store))
    for _attempt in range(3):  # the fill lasts ~0.2 s: poll for it, kill it there
        p = kg_build("master", store)
        deadline = time.monotonic() + 15
        while p.poll() is None and time.monotonic() < deadline and not leftovers(store)["building"]:
            time.sleep(0.001)
        if p.poll() is None and leftovers(store)["building"]:
            p.kill()
            p.wait(5)
            break
        p.kill()
        p.wait(5)
        fixture_store(tmp_path)
    else:
        pytest.skip("the build finished before it could be killed")
    assert leftovers(store)["building"], "the kill left the half-built copy"
    assert len(open_store(store)) == before  # the old store answers (and the open tidies)
    assert no_leftovers(store)
    # a leftover made by hand is removed by the next build
    (tmp_path / ".store.building-dead").mkdir()
    (tmp_path / ".store.building-dead" / "CURRENT").write_text("x")
    p = kg_build("r0.2", store)
    assert p.wait(20) == 0, p.stderr.read()
    assert no_leftovers(store) and len(open_store(store)) > 0


def test_a_swap_interrupted_between_its_two_renames_is_recovered_at_open(tmp_path):
    store = fixture_store(tmp_path)
    n = len(open_store(store))
    half = tmp_path / ".store.building-abc"
    shutil.copytree(store, half)  # the old code's new copy (complete or not: cannot tell)
    os.rename(store, tmp_path / ".store.old-xyz")  # first rename done, second never ran
    assert not store.exists()
    assert len(open_store(store)) == n
    assert store.is_dir() and no_leftovers(store)


def test_a_finished_copy_wins_over_the_old_one_when_no_store_is_left(tmp_path):
    store = fixture_store(tmp_path)
    os.rename(store, tmp_path / ".store.old-1")
    build_store_atomically(tmp_path / "new", lambda s: None)
    os.rename(tmp_path / "new", tmp_path / ".store.ready-2")
    assert len(open_store(store)) == 0  # the finished (empty) build, not the old fixture
    assert no_leftovers(store)


def test_the_swap_never_leaves_the_path_without_a_store(tmp_path, monkeypatch):
    store = fixture_store(tmp_path)
    seen = []
    real = os.rename

    def rename(a, b):
        real(a, b)
        seen.append(store.exists())

    monkeypatch.setattr("kg.store.os.rename", rename)
    build_store_atomically(store, lambda s: None)
    assert all(seen) and len(open_store(store)) == 0 and no_leftovers(store)


def test_a_disk_full_during_the_fill_is_a_store_error_and_the_old_store_stays(tmp_path):
    store = fixture_store(tmp_path)
    n = len(open_store(store))

    def fill(s):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(StoreError) as e:
        build_store_atomically(store, fill)
    assert "No space left on device" in str(e.value) and str(store) in str(e.value)
    assert len(open_store(store)) == n and no_leftovers(store)


def _file_size_limit():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (140_000, 140_000))


@needs_corpus
def test_kg_build_out_of_space_says_one_line_and_keeps_the_old_store(tmp_path):
    store = fixture_store(tmp_path)
    n = len(open_store(store))
    p = kg_build("r1.1", store, preexec_fn=_file_size_limit)
    assert p.wait(20) == 2
    err = p.stderr.read()
    assert err.count("\n") == 1 and err.startswith(f"kg: error: {store.resolve()}: cannot write the store"), err
    assert "Traceback" not in err and "File too large" in err
    assert len(open_store(store)) == n and no_leftovers(store)
