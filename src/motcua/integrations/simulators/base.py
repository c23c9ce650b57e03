"""A small HTTP server for simulators: standard library only, JSON in and out, one thread per request.

Usage::

    from motcua.integrations.simulators import base

    def hello(request: base.Request) -> base.Response:
        return base.json_response({"hello": request.query.get("name", "world")})

    server = base.make_server("127.0.0.1", 8799, {("GET", "/hello"): hello}, name="hello")
    base.serve_forever(server)                 # blocks until Ctrl+C (what serve(host, port) does)
    # or, in a test: thread = base.start_in_thread(server); ...; server.shutdown(); server.server_close()

A route is ``(method, path)`` -> function(Request) -> Response, matched exactly (query strings are parsed
into ``Request.query``). An unknown route answers 404 and an exception inside a route answers 500, both as
JSON ``{"error": ...}``. ``HttpError`` raised by a route becomes its status and JSON body.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON; ``HttpError(400)`` when it is not."""
        try:
            return json.loads(self.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise HttpError(400, {"error": "body is not JSON"}) from None


@dataclass(frozen=True)
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class HttpError(Exception):
    def __init__(self, status: int, data: Any) -> None:
        super().__init__(status, data)
        self.status = status
        self.data = data


def json_response(data: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def html_response(text: str, status: int = 200) -> Response:
    return Response(status, text.encode("utf-8"), "text/html; charset=utf-8")


Route = Callable[[Request], Response]


def make_server(
    host: str, port: int, routes: Mapping[tuple[str, str], Route], *, name: str
) -> ThreadingHTTPServer:
    """A threading HTTP server answering ``routes``; port 0 picks a free port (``server.server_port``)."""

    class Handler(BaseHTTPRequestHandler):
        server_version = f"MotCua-{name}-simulator"
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                method=self.command,
                path=parts.path.rstrip("/") or "/",
                query=dict(parse_qsl(parts.query)),
                headers=dict(self.headers.items()),
                body=self.rfile.read(length) if length else b"",
            )
            route = routes.get((request.method, request.path))
            try:
                if route is None:
                    raise HttpError(404, {"error": f"no route {request.method} {request.path}"})
                response = route(request)
            except HttpError as error:
                response = json_response(error.data, error.status)
            except Exception as error:  # a simulator bug: answer it, keep serving
                logger.exception("%s simulator: %s %s failed", name, request.method, request.path)
                response = json_response({"error": f"{type(error).__name__}: {error}"}, 500)
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for header, value in response.headers.items():
                self.send_header(header, value)
            self.end_headers()
            self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("%s simulator: " + format, name, *args)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def serve_forever(server: ThreadingHTTPServer) -> None:
    """Serve until interrupted (Ctrl+C), then close the socket."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def start_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    """Serve in a daemon thread (tests); stop with ``server.shutdown(); server.server_close()``."""
    thread = threading.Thread(
        target=server.serve_forever, name=f"simulator-{server.server_port}", daemon=True
    )
    thread.start()
    return thread


def command_line(
    doc: str | None, *, name: str, port: int, serve: Callable[..., None], data_env: str = ""
) -> None:
    """``python -m motcua.integrations.simulators.<name>``: --host, --port and, with ``data_env``, --data."""
    parser = argparse.ArgumentParser(description=(doc or name).splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port)
    if data_env:
        parser.add_argument("--data", default="", help=f"SQLite file (default: env {data_env} or var/)")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    print(f"{name} simulator on http://{arguments.host}:{arguments.port}/", flush=True)
    serve(arguments.host, arguments.port, *([arguments.data] if data_env else []))
