"""The scale-out shape of the README's deployment section: two `kg serve` over copies of one
read-only store behind nginx (deploy/nginx/kg.conf, Debian's nginx, which .ci/run installs),
all on 127.0.0.1 with free ports and temporary paths. Requests through nginx reach both
instances, answer as one does alone, and keep answering when one instance stops."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from kgserver import fixture_store, kg_serve, stop
from virtuoso import free_port

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
CONF = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "kg.conf"
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx not installed (.ci/run installs nginx-light)")

MAIN = """daemon off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    include {d}/kg.conf;
}}
"""


def port_of(url: str) -> int:
    return int(url.split(":")[2].split("/")[0])


@contextlib.contextmanager
def running_nginx(folder: Path, a: int, b: int):
    folder.mkdir(exist_ok=True)
    (folder / "tmp").mkdir(exist_ok=True)
    os.chmod(folder / "tmp", 0o777)  # run as root, nginx's workers are another user
    listen = free_port()
    conf = CONF.read_text().replace("127.0.0.1:5001", f"127.0.0.1:{a}").replace(
        "127.0.0.1:5002", f"127.0.0.1:{b}").replace("127.0.0.1:8080", f"127.0.0.1:{listen}")
    (folder / "kg.conf").write_text(conf)
    (folder / "nginx.conf").write_text(MAIN.format(d=folder))
    proc = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{listen}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode()) from None
                time.sleep(0.1)
        yield url
    finally:
        stop(proc, 10)


def test_two_instances_behind_nginx(tmp_path):
    (tmp_path / "a").mkdir()
    first = fixture_store(tmp_path / "a")
    second = tmp_path / "b-store"
    shutil.copytree(first, second)   # a copy of the same read-only store
    out_a, out_b = [], []
    query = "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
    with kg_serve(first, "--trust-proxy", "--cache-mb", "0", output=out_a) as a, \
            kg_serve(second, "--trust-proxy", "--cache-mb", "0", output=out_b) as b:
        alone = urllib.request.urlopen(a.rsplit("/", 1)[0] + query, timeout=30).read()
        with running_nginx(tmp_path / "nginx", port_of(a), port_of(b)) as proxy:
            for _ in range(20):
                with urllib.request.urlopen(proxy + query, timeout=30) as r:
                    assert r.status == 200 and r.read() == alone
            hits_a = sum('"path": "/sparql"' in line for line in out_a)
            hits_b = sum('"path": "/sparql"' in line for line in out_b)
            assert hits_a >= 3 and hits_b >= 3, (hits_a, hits_b)   # both took a share
            # the client's address reaches kg through X-Forwarded-For (--trust-proxy)
            assert any('"client": "127.0.0.1"' in line for line in out_b)
    # (the instances stop with the block above; nginx stopped first)


def test_one_instance_down_the_other_answers(tmp_path):
    (tmp_path / "a").mkdir()
    first = fixture_store(tmp_path / "a")
    down = free_port()  # nothing listens there
    with kg_serve(first, "--trust-proxy") as a:
        with running_nginx(tmp_path / "nginx", port_of(a), down) as proxy:
            for _ in range(6):
                with urllib.request.urlopen(proxy + "/api/releases", timeout=30) as r:
                    assert r.status == 200
