"""The persistent store: open it, replace it atomically, load RDF files into it.

A store is an Oxigraph (RocksDB) directory. Servers and query workers open it
read-only; writers never touch the live directory: `build_store_atomically`
fills a temporary store beside it and swaps it in only once the fill finished,
so a failed build leaves the previous store intact and readable.

The swap is one atomic step where the OS allows it (Linux: renameat2 RENAME_EXCHANGE of
the two directories), two renames elsewhere. A build holds a flock on the store's folder from
start to swap; what a killed build leaves beside the store (`.STORE.building-*`, a
finished `.STORE.ready-*`, a `.STORE.old-*` of an interrupted swap) is recovered (when
no store is left) or removed by the next build or open.
"""
from __future__ import annotations

import ctypes
import errno
import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from kg.errors import InputError, StoreError
from kg.formats import Format, rdf_file_extensions, rdf_file_format

try:
    import fcntl
except ImportError:  # not POSIX: builds are not locked against each other, leftovers are kept
    fcntl = None

# what builds leave beside the store STORE: .STORE.<kind>-<random>
BUILDING, READY, OLD = "building", "ready", "old"
# files inside a store directory besides Oxigraph's own, of the same generation: the full-text
# search index (kg.graph.search_index); written before the swap, kept by an appending load
SEARCH_INDEX_FILE = "search.sqlite"


def _marker(path: Path) -> bool:
    """True if `path` looks like an Oxigraph store (RocksDB writes CURRENT)."""
    return (path / "CURRENT").is_file()


def open_store(path: str | os.PathLike, read_only: bool = True) -> ox.Store:
    """Open the store at `path`. Read-only by default (any number of readers may share it)."""
    p = Path(path)
    tidy_store(p)
    if read_only and not _marker(p):
        raise StoreError("no store here (build one with `kg build` or `kg load`)", path=str(p))
    try:
        return ox.Store.read_only(str(p)) if read_only else ox.Store(str(p))
    except (OSError, RuntimeError) as e:  # RocksDB reports a damaged store as RuntimeError
        raise StoreError(f"cannot open store: {e}", path=str(p)) from e


def rdf_format(fmt: Format) -> ox.RdfFormat:
    """The pyoxigraph syntax of a graph format of the registry (kg.formats)."""
    return getattr(ox.RdfFormat, fmt.syntax)


def rdf_format_for(path: str | os.PathLike, fmt: str | None = None) -> ox.RdfFormat:
    """The RDF format of a file, from an explicit name/MIME type or from its extension."""
    known = ", ".join(rdf_file_extensions())
    if fmt:
        found = rdf_file_format(fmt)
        if found is None:
            raise InputError(f"unknown RDF format {fmt!r} (known: {known})")
        return rdf_format(found)
    name = Path(path).name.lower()
    if name.endswith(".gz"):
        raise InputError("compressed files are not supported; decompress first", path=str(path))
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    found = rdf_file_format(ext, extension_only=True)
    if found is None:
        raise InputError(f"cannot tell the RDF format from the extension {ext!r} "
                         f"(known: {known})", path=str(path))
    return rdf_format(found)


def serialize_rdf(quads: Iterable[ox.Quad], out, fmt: Format, prefixes: dict[str, str]) -> int:
    """Write `quads` to `out` (a path, a binary file, or None for bytes returned) in the RDF
    syntax of `fmt`: TriG and N-Quads keep every quad, the others the default graph's triples.
    Returns the number written (or the bytes when `out` is None)."""
    syntax = rdf_format(fmt)
    count = 0

    def counted(items):
        nonlocal count
        for item in items:
            count += 1
            yield item

    if syntax in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        items = counted(quads)
    else:
        items = counted(ox.Triple(q.subject, q.predicate, q.object) for q in quads
                        if q.graph_name == ox.DefaultGraph())
    target = str(out) if isinstance(out, Path) else out
    data = ox.serialize(items, target, syntax, prefixes=prefixes)
    return data if out is None else count


def load_file(store: ox.Store, path: str | os.PathLike, fmt: str | None = None,
              graph: str | None = None) -> None:
    """Load one RDF file into `store`. Quads keep their named graphs; triples go to
    `graph` (an IRI) or the default graph. Syntax errors name the file and line."""
    p = Path(path)
    rdf_format = rdf_format_for(p, fmt)
    if not p.is_file():
        raise InputError("no such file", path=str(p))
    to_graph = ox.NamedNode(graph) if graph else None
    try:
        store.bulk_load(path=str(p), format=rdf_format, base_iri=p.resolve().as_uri(),
                        to_graph=to_graph)
    except SyntaxError as e:
        line = None
        if len(e.args) > 1 and isinstance(e.args[1], tuple) and len(e.args[1]) > 1:
            line = e.args[1][1]
        raise InputError(f"invalid {rdf_format.name}: {e.args[0] if e.args else e}",
                         path=str(p), line=line) from e
    except (OSError, ValueError) as e:
        raise InputError(f"cannot load: {e}", path=str(p)) from e


def build_store_atomically(path: str | os.PathLike, fill: Callable[[ox.Store], None],
                           *, keep_existing: bool = False,
                           finish: Callable[[ox.Store, Path], None] | None = None) -> Path:
    """Build a store at `path` by calling `fill(store)` on a fresh temporary store
    beside it, then swap it in. If `fill` raises, the temporary store is removed and
    the previous store at `path` (if any) is left untouched. With `keep_existing`, the
    new store starts as a copy of the current one (to add data atomically), its search index
    copied too. `finish(store, folder)` runs on the filled store before the swap: the files it
    writes into `folder` (the new store's directory, e.g. the search index) are swapped in with
    it, and when it raises nothing is. A write that fails (disk full, file too large) is a
    StoreError naming the store."""
    target = Path(path).resolve()
    if target.exists() and not target.is_dir():
        raise StoreError("exists and is not a store directory", path=str(target))
    if target.exists() and any(target.iterdir()) and not _marker(target):
        raise StoreError("exists and is not a store; refusing to replace it", path=str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = _lock(target, wait=True)
        if lock is None:
            raise OSError(errno.EACCES, "cannot lock its folder")
    except OSError as e:  # unwritable or impossible location: bad input, one line
        raise StoreError(f"cannot create a store here: {e.strerror or e}", path=str(target)) from e
    try:
        _tidy(target)  # what a killed build left: recovered or removed before we add our own
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{BUILDING}-", dir=target.parent))
        except OSError as e:
            raise StoreError(f"cannot create a store here: {e.strerror or e}", path=str(target)) from e
        try:
            if keep_existing and _marker(target):
                shutil.rmtree(tmp)
                open_store(target).backup(str(tmp))
                if (target / SEARCH_INDEX_FILE).is_file():
                    shutil.copy2(target / SEARCH_INDEX_FILE, tmp / SEARCH_INDEX_FILE)
            store = ox.Store(str(tmp))
            fill(store)
            store.flush()
            store.optimize()
            if finish is not None:
                finish(store, tmp)
            del store
            gc.collect()  # release RocksDB's lock and file handles before the swap
            _swap_in(tmp, target)
        except OSError as e:  # disk full, file too large, quota: one line, the old store intact
            _remove(tmp)
            raise StoreError(f"cannot write the store: {_one_line(e)}", path=str(target)) from e
        except BaseException:
            _remove(tmp)
            raise
    finally:
        os.close(lock)
    return target


def _one_line(e: OSError) -> str:
    return " ".join(str(e.strerror or e).split())


def _ready_name(building: Path) -> Path:
    return building.with_name(building.name.replace(f".{BUILDING}-", f".{READY}-", 1))


def _remove(building: Path) -> None:
    """Remove a failed build's copy, whichever name it reached."""
    for p in (building, _ready_name(building)):
        shutil.rmtree(p, ignore_errors=True)


def _swap_in(new: Path, target: Path) -> None:
    """Put the finished store `new` at `target`. It is first renamed `.STORE.ready-*`
    (complete: the copy a crash recovers), then exchanged with the old store in one step
    where the OS allows it; elsewhere the old store is renamed away, the new one renamed in.
    All renames are within one folder, so each is atomic."""
    ready = _ready_name(new)
    os.rename(new, ready)
    if not os.path.lexists(target):
        os.rename(ready, target)
        return
    if _exchange(ready, target):  # `target` is the new store, `ready` now the old one
        shutil.rmtree(ready, ignore_errors=True)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.{OLD}-", dir=target.parent))
    old.rmdir()
    os.rename(target, old)
    try:
        os.rename(ready, target)
    except OSError:
        os.rename(old, target)  # put the previous store back
        raise
    shutil.rmtree(old, ignore_errors=True)


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Exchange two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE). False
    where the OS, its C library or the filesystem cannot, so the caller falls back."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library older than glibc 2.28
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _lock(target: Path, *, wait: bool) -> int | None:
    """The open, flock-ed folder of the store (close it to release: no lock file is left),
    or None when it cannot be had: another build there holds it (and not `wait`), or the
    folder cannot be opened. The kernel releases it when its holder dies, even by kill -9."""
    try:
        fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return None
    if fcntl is None:
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def leftovers(path: str | os.PathLike) -> dict[str, list[Path]]:
    """What builds left beside the store at `path`, by kind (building, ready, old)."""
    target = Path(path).absolute()
    found: dict[str, list[Path]] = {BUILDING: [], READY: [], OLD: []}
    try:
        names = os.listdir(target.parent)
    except OSError:
        return found
    for kind in found:
        prefix = f".{target.name}.{kind}-"
        found[kind] = sorted(target.parent / n for n in names if n.startswith(prefix))
    return found


def tidy_store(path: str | os.PathLike) -> None:
    """Recover or remove what an interrupted build left beside the store at `path`:
    with no store left, the newest complete copy (a finished build, else the previous
    store) becomes the store; the rest is removed. Nothing is done while a build holds
    the lock (its copy is no leftover) or where the folder cannot be written."""
    target = Path(path).absolute()
    if not any(leftovers(target).values()):
        return
    lock = _lock(target, wait=False)
    if lock is None or fcntl is None:
        if lock is not None:
            os.close(lock)
        return
    try:
        _tidy(target)
    finally:
        os.close(lock)


def _tidy(target: Path) -> None:
    """tidy_store's work, the lock held."""
    found = leftovers(target)
    if not os.path.lexists(target):
        # a swap stopped between its two renames: a finished build, else the previous store
        by_age = lambda p: p.stat().st_mtime  # noqa: E731
        for candidate in sorted(found[READY], key=by_age, reverse=True) + sorted(found[OLD], key=by_age,
                                                                                  reverse=True):
            if _marker(candidate):
                try:
                    os.rename(candidate, target)
                    break
                except OSError:
                    return  # cannot write here: leave every copy as it is
    for p in found[BUILDING] + found[READY] + found[OLD]:
        if p.exists():
            shutil.rmtree(p, ignore_errors=True)


def load_files(files: Iterable[str | os.PathLike], store_path: str | os.PathLike, *,
               fmt: str | None = None, graph: str | None = None, append: bool = False) -> int:
    """Load RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) into the store at
    `store_path`, keeping named graphs. Replaces the store unless `append`; atomic either way:
    one bad file and the previous store stays as it was. Returns the number of quads."""
    files = [Path(f) for f in files]
    if not files:
        raise InputError("no input files")
    if graph:
        try:
            ox.NamedNode(graph)
        except ValueError as e:
            raise InputError(f"--graph {graph!r} is not an IRI: {e}") from None
    for f in files:  # fail before building anything
        rdf_format_for(f, fmt)
        if not f.is_file():
            raise InputError("no such file", path=str(f))
    count = 0

    def fill(store: ox.Store) -> None:
        nonlocal count
        for f in files:
            load_file(store, f, fmt=fmt, graph=graph)
        count = len(store)

    build_store_atomically(store_path, fill, keep_existing=append)
    return count


def count_quads(store: ox.Store) -> int:
    return len(store)
