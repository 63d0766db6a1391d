"""Our launcher of a real Virtuoso (Debian's virtuoso-opensource-7-bin, installed by .ci/run) for
the remote-store tests and `make bench`: deploy/virtuoso/virtuoso.ini filled in with a fresh
data folder and two free ports on 127.0.0.1, `virtuoso-t +foreground`, ready once /sparql
answers; the dba password set to a random one. `python tests/virtuoso.py DIR` runs one in
the foreground (its URLs printed) for trying kg publish / kg serve --backend by hand."""
from __future__ import annotations

import contextlib
import secrets
import shutil
import socket
import string
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kgserver import stop

PROJECT = Path(__file__).resolve().parent.parent
INI = PROJECT / "deploy" / "virtuoso" / "virtuoso.ini"
BINARY = "virtuoso-t"
ISQL = "isql-vt"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def available() -> bool:
    return shutil.which(BINARY) is not None and shutil.which(ISQL) is not None


@dataclass
class Virtuoso:
    base: str          # http://127.0.0.1:PORT
    sql_port: int
    password: str
    proc: subprocess.Popen
    data: Path

    @property
    def sparql(self) -> str:        # the public query endpoint (kg serve --backend)
        return self.base + "/sparql"

    @property
    def sparql_auth(self) -> str:   # query + update, digest authentication (kg publish --to)
        return self.base + "/sparql-auth"

    @property
    def gsp(self) -> str:           # the Graph Store Protocol, digest authentication (kg publish --gsp)
        return self.base + "/sparql-graph-crud-auth"

    def isql(self, statement: str) -> str:
        out = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", self.password,
                              f"exec={statement}"], capture_output=True, text=True, timeout=120)
        if out.returncode != 0 or "*** Error" in out.stdout + out.stderr:
            raise RuntimeError(f"isql {statement!r}: {out.stdout}{out.stderr}")
        return out.stdout


def _ready(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    """Our server answers: its log says its HTTP port is online (another test run's server may have
    taken the same free port first and answer there) and /sparql answers."""
    deadline = time.monotonic() + timeout
    online = f"HTTP server online at 127.0.0.1:{url.rsplit(':', 1)[1]}"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited ({proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        if online not in log.read_text(errors="replace"):
            time.sleep(0.2)
            continue
        try:
            urllib.request.urlopen(url + "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"virtuoso-t did not answer within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


@contextlib.contextmanager
def running_virtuoso(data: Path, *, startup: float = 120.0):
    """Start Virtuoso over a new database in `data` (a fresh folder); yield a Virtuoso; stop it."""
    data = Path(data)
    data.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = data / "virtuoso.ini"
    ini.write_text(string.Template(INI.read_text(encoding="utf-8")).substitute(
        data=str(data), sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = data / "stdout.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([BINARY, "+foreground", "+configfile", str(ini)], cwd=data,
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    v = Virtuoso(f"http://127.0.0.1:{http_port}", sql_port, "dba", proc, data)
    try:
        _ready(v.base, proc, log, startup)
        password = secrets.token_hex(12)
        v.isql(f"USER_CHANGE_PASSWORD ('dba', 'dba', '{password}');")
        v.password = password
        yield v
    finally:
        stop(proc, 30)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/virtuoso.py DATA_DIR")
    with running_virtuoso(Path(sys.argv[1])) as v:
        print(f"query endpoint {v.sparql}\nupdate (digest, dba) {v.sparql_auth}\n"
              f"graph store (digest, dba) {v.gsp}\ndba password {v.password}", flush=True)
        try:
            v.proc.wait()
        except KeyboardInterrupt:
            pass
