"""Run the app under waitress (a production WSGI server; never Flask's dev server)."""
from __future__ import annotations

import logging
import sys

import waitress

from kg.errors import InputError
from kg.web.app import create_app


def serve(store: str | None, *, host: str = "127.0.0.1", port: int = 5000, workers: int | None = None,
          query_timeout: float | None = None, threads: int | None = None, config: dict | None = None,
          announce=print) -> None:
    """Serve the store at http://host:port/ until interrupted."""
    if not 0 <= port <= 65535:
        raise InputError(f"port {port} is not a TCP port (0-65535; 0: any free port)")
    cfg = dict(config or {})
    cfg["store"] = store
    if workers is not None:
        cfg["workers"] = workers
    if query_timeout is not None:
        cfg["query_timeout"] = query_timeout
    app = create_app(cfg)
    state = app.extensions["kg"]
    runner = state.runner
    # a thread per running and per queued query (kg.query.pool), and 4 more for the rest
    n_threads = threads or runner.size + int(state.config["max_queue"]) + 4
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    try:
        server = waitress.create_server(app, host=host, port=port, threads=n_threads,
                                        ident="kg",  # X-Forwarded-*: dropped unless trusted (then ProxyFix reads them)
                                        clear_untrusted_proxy_headers=not state.config["trust_proxy"],
                                        connection_limit=int(state.config["connection_limit"]),
                                        channel_timeout=int(state.config["channel_timeout"]),
                                        cleanup_interval=max(1, min(30, int(state.config["channel_timeout"]) // 2)))
    except OSError as e:  # port taken, address not on this machine, ...
        runner.close()
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    shown_host = f"[{host}]" if ":" in host else host
    root = f"http://{shown_host}:{server.effective_port}/"
    what = f"{store}" if not state.config.get("backend") else f"backend {state.config['backend']}"
    announce(f"kg: serving {what} at {root} (SPARQL endpoint {root}sparql, API {root}api/features; "
             f"{runner.size} query workers, {runner.timeout:g} s timeout, "
             f"{_cache_note(runner.cache)}"
             f"{', network-isolated' if runner.isolated else ''}); Ctrl-C stops")
    sys.stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        runner.close()


def _cache_note(cache) -> str:
    if not cache.enabled:
        return "answer cache off"
    return f"{cache.max_bytes / 1024 / 1024:g} MB answer cache"
