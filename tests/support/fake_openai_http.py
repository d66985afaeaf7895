"""The HTTP side of the fake OpenAI server (:mod:`tests.support.fake_openai`): one
request handler that asks the server object for each reply and sends it the way the
reply says (whole, reset midway, trickled, hung up)."""

from __future__ import annotations

import json
import socket
import struct
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from tests.support.openai_shapes import _count_tracks, _error, _invalid_key_reply, _Reply

if TYPE_CHECKING:
    from tests.support.fake_openai import FakeOpenAIServer


class _QuietHTTPServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a client hung up (a cancelled job, a closed keep-alive): not a server fault
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAIServer
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

    def log_message(self, format: str, *args: Any) -> None:  # silence per-request stderr lines
        pass

    def _read_body(self) -> bytes:
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.rstrip("/").endswith("/models"):
            sent = self.headers.get("authorization", "")
            if self.fake.api_key is not None and sent != f"Bearer {self.fake.api_key}":
                self._send(_invalid_key_reply(sent))
            else:
                self._send(self.fake.models_reply())
        else:
            self._send(_error(404, f"Invalid URL (GET {self.path})", "invalid_request_error"))

    def do_POST(self) -> None:  # noqa: N802
        body = self._read_body()
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(_error(404, f"Invalid URL (POST {self.path})", "invalid_request_error"))
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake = self.fake
        with fake._lock:
            fake.in_flight += 1
            fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
        try:
            reply = fake.handle_chat(headers, body)
            with fake._lock:
                fake.status_counts[reply.status] += 1
                if reply.status != 200:
                    fake.error_track_requests += _count_tracks(body)
            if reply.delay > 0:
                time.sleep(reply.delay)
            self._send(reply)
        finally:
            with fake._lock:
                fake.in_flight -= 1

    def _send(self, reply: _Reply) -> None:
        payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
        try:
            if reply.transport == "hangup":
                self._reset_connection()
                return
            self.send_response(reply.status)
            self.send_header("content-type", reply.content_type)
            self.send_header("content-length", str(len(payload)))
            self.send_header("x-request-id", f"req_{uuid.uuid4().hex[:16]}")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if reply.transport == "reset":
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self._reset_connection()
                return
            if reply.transport == "trickle":
                for index in range(len(payload)):
                    self.wfile.write(payload[index:index + 1])
                    self.wfile.flush()
                    time.sleep(self.fake.trickle_interval)
                return
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the client gave up (a cancelled job): nothing to tell it


    def _reset_connection(self) -> None:
        # SO_LINGER 0: close() sends a TCP RST, as a crashing server or a proxy does.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True
