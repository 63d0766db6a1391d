"""kg.store: loading every RDF syntax with named graphs kept, atomic replacement."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from kgserver import EX, N_ITEMS, kg_load, write_fixture

from kg.errors import InputError, StoreError
from kg.store import build_store_atomically, load_files, open_store

G = ox.NamedNode(EX + "g")
S, P, OBJ = (ox.NamedNode(EX + x) for x in ("s", "p", "o"))

SAMPLES = {  # the same one statement in every syntax kg load reads; quads in graph ex:g
    "ttl": f"<{EX}s> <{EX}p> <{EX}o> .\n",
    "nt": f"<{EX}s> <{EX}p> <{EX}o> .\n",
    "nq": f"<{EX}s> <{EX}p> <{EX}o> <{EX}g> .\n",
    "trig": f"<{EX}g> {{ <{EX}s> <{EX}p> <{EX}o> . }}\n",
    "jsonld": json.dumps({"@id": EX + "s", EX + "p": {"@id": EX + "o"}}),
    "rdf": (f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="{EX}">'
            f'<rdf:Description rdf:about="{EX}s"><ex:p rdf:resource="{EX}o"/></rdf:Description></rdf:RDF>'),
}


def quads(path):
    return set(open_store(path))


@pytest.mark.parametrize("ext", sorted(SAMPLES))
def test_every_syntax_loads_and_named_graphs_are_kept(tmp_path, ext):
    f = tmp_path / f"data.{ext}"
    f.write_text(SAMPLES[ext], encoding="utf-8")
    assert load_files([f], tmp_path / "store") == 1
    graph = G if ext in ("nq", "trig") else ox.DefaultGraph()
    assert quads(tmp_path / "store") == {ox.Quad(S, P, OBJ, graph)}


def test_fixture_dataset_round_trip(tmp_path):
    n = load_files([write_fixture(tmp_path)], tmp_path / "store")
    store = open_store(tmp_path / "store")
    assert n == len(store) == N_ITEMS * 4 + 1 + 3
    assert {g.value for g in store.named_graphs()} == {EX + "g1", EX + "g2"}
    assert bool(store.query(f"ASK {{ GRAPH <{EX}g2> {{ ?s ?p 'in g2' }} }}"))


def test_bad_file_names_file_and_line_and_keeps_previous_store(tmp_path):
    good = tmp_path / "good.ttl"
    good.write_text(SAMPLES["ttl"], encoding="utf-8")
    load_files([good], tmp_path / "store")
    bad = tmp_path / "bad.ttl"
    bad.write_text(SAMPLES["ttl"] + f"<{EX}s> <{EX}p> .\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_files([good, bad], tmp_path / "store")
    assert e.value.path == str(bad) and e.value.line == 2
    assert "bad.ttl:2" in str(e.value)
    assert quads(tmp_path / "store") == {ox.Quad(S, P, OBJ, ox.DefaultGraph())}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers


def test_unknown_extension_and_missing_file_are_refused_before_building(tmp_path):
    odd = tmp_path / "data.xyz"
    odd.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="extension 'xyz'"):
        load_files([odd], tmp_path / "store")
    with pytest.raises(InputError, match="no such file"):
        load_files([tmp_path / "missing.ttl"], tmp_path / "store")
    assert not (tmp_path / "store").exists()


def test_failed_fill_leaves_previous_store_readable(tmp_path):
    target = tmp_path / "store"
    build_store_atomically(target, lambda s: s.add(ox.Quad(S, P, OBJ)))
    reader = open_store(target)  # a server reading while the rebuild fails

    def broken(store):
        store.add(ox.Quad(S, P, ox.Literal("half-built")))
        raise RuntimeError("extraction crashed")
    with pytest.raises(RuntimeError):
        build_store_atomically(target, broken)
    assert quads(target) == {ox.Quad(S, P, OBJ, ox.DefaultGraph())}
    assert len(reader) == 1
    build_store_atomically(target, lambda s: s.add(ox.Quad(S, P, ox.Literal("v2"))))
    assert quads(target) == {ox.Quad(S, P, ox.Literal("v2"), ox.DefaultGraph())}


def test_append_copies_the_current_store(tmp_path):
    a, b = tmp_path / "a.nt", tmp_path / "b.nq"
    a.write_text(SAMPLES["nt"], encoding="utf-8")
    b.write_text(SAMPLES["nq"], encoding="utf-8")
    load_files([a], tmp_path / "store")
    assert load_files([b], tmp_path / "store", append=True) == 2
    assert load_files([b], tmp_path / "store") == 1  # without --append: replaced


def test_open_store_refuses_a_non_store(tmp_path):
    with pytest.raises(StoreError, match="no store here"):
        open_store(tmp_path)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match="not a store"):
        build_store_atomically(tmp_path, lambda s: None)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_kg_load_command(tmp_path):
    f = write_fixture(tmp_path)
    out = kg_load([f], tmp_path / "store")
    assert out.returncode == 0, out.stderr
    assert f"{N_ITEMS * 4 + 4} quads" in out.stdout
    bad = tmp_path / "bad.nq"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    out = kg_load([bad], tmp_path / "store")
    assert out.returncode == 2
    assert out.stderr.startswith("kg: error: ") and "bad.nq:1" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert len(open_store(tmp_path / "store")) == N_ITEMS * 4 + 4


def test_load_refuses_a_bad_graph_iri_and_an_impossible_location(tmp_path):
    f = write_fixture(tmp_path)
    with pytest.raises(InputError, match="--graph 'not an iri' is not an IRI"):
        load_files([f], tmp_path / "store", graph="not an iri")
    assert not (tmp_path / "store").exists()
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot create a store here"):
        load_files([f], blocker / "store")      # parent is a file, not a folder
    out = kg_load([f], blocker / "store")
    assert out.returncode == 2 and out.stderr.startswith("kg: error: ")
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
