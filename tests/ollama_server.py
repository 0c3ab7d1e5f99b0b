"""A real HTTP server on loopback that speaks enough of Ollama's API for tests.

Replies are scripted per test (``server.script(chunks=[...], delay=...)``) and
faults are injected on demand: HTTP 500, model not found, a stall or a
disconnect mid-stream, non-JSON text, an error line, and huge replies. Every
request is recorded so tests can assert on the format schema, the options and
the prompt text. ``closed_port_url()`` gives a URL nobody listens on.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = ("http500", "not_found", "stall", "disconnect", "non_json", "error_line")


@dataclass
class Reply:
    """One scripted answer to a /api/chat or /api/generate request."""

    chunks: list[str] = field(default_factory=list)   # content pieces, one NDJSON line each
    delay: float = 0.0                                # seconds between pieces
    fault: str | None = None                          # one of FAULTS
    after: int = 0                                    # pieces sent before a mid-stream fault
    stall: float = 30.0                               # how long a stall lasts (ends at server stop)
    done_reason: str = "stop"
    thinking: list[str] = field(default_factory=list)  # sent before the content, as reasoning models do

    @property
    def text(self) -> str:
        return "".join(self.chunks)


@dataclass
class Recorded:
    """A request the server received."""

    method: str
    path: str
    body: Any

    @property
    def prompt_text(self) -> str:
        """Every message's content (chat) or the prompt (generate), joined."""
        if not isinstance(self.body, dict):
            return ""
        if "messages" in self.body:
            return "\n".join(str(m.get("content", "")) for m in self.body["messages"])
        return str(self.body.get("prompt", ""))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def _model_key(name: str) -> str:
    return name if ":" in name else f"{name}:latest"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet test output
        pass

    # -- plumbing ---------------------------------------------------------------------------
    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return raw.decode("utf-8", "replace")

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _start_chunked(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _line(self, payload: Any) -> None:
        self._chunk(json.dumps(payload).encode() + b"\n")

    # -- routes -----------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self.server.owner.record(Recorded("GET", self.path, None))
        owner = self.server.owner
        if self.path == "/api/version":
            self._send_json(200, {"version": owner.version})
        elif self.path == "/api/tags":
            if owner.tags_status != 200:
                self._send_json(owner.tags_status, {"error": "tags unavailable"})
                return
            self._send_json(200, {"models": [owner.model_entry(m) for m in owner.models]})
        elif self.path == "/":
            self._send_json(200, "Ollama is running")
        else:
            self._send_json(404, {"error": "404 page not found"})

    def do_HEAD(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        owner = self.server.owner
        owner.record(Recorded("POST", self.path, body))
        if self.path == "/api/show":
            name = (body or {}).get("model") or (body or {}).get("name") or ""
            if _model_key(name) in owner.model_keys:
                self._send_json(200, {"modelfile": "", "parameters": "", "template": "{{ .Prompt }}",
                                      "details": owner.model_entry(name)["details"],
                                      "model_info": {"general.architecture": "llama",
                                                     "llama.context_length": 131072},
                                      "capabilities": ["completion"], "modified_at": "2026-01-01T00:00:00Z"})
            else:
                self._send_json(404, {"error": f"model '{name}' not found"})
        elif self.path in ("/api/chat", "/api/generate"):
            self._answer(body if isinstance(body, dict) else {}, chat=self.path == "/api/chat")
        else:
            self._send_json(404, {"error": "404 page not found"})

    def _answer(self, body: dict, *, chat: bool) -> None:
        owner = self.server.owner
        if owner.slots is None:
            self._answer_now(body, chat=chat)
            return
        with owner.slots:   # a GPU serves ``parallel`` requests at once; the rest wait their turn
            self._answer_now(body, chat=chat)

    def _answer_now(self, body: dict, *, chat: bool) -> None:
        owner = self.server.owner
        if owner.request_delay and owner.stopping.wait(owner.request_delay):
            self._hang_up()
            return
        reply = owner.next_reply()
        model = str(body.get("model", ""))
        if reply.fault == "http500":
            self._send_json(500, {"error": "llama runner process has terminated: exit status 2"})
            return
        if reply.fault == "not_found" or _model_key(model) not in owner.model_keys:
            self._send_json(404, {"error": f'model "{model}" not found, try pulling it first'})
            return
        if not body.get("stream", True):
            self._answer_whole(reply, model, chat)
            return
        try:
            self._stream(reply, model, chat)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            owner.aborted += 1   # the client went away (a cancelled or timed-out request)
            self.close_connection = True

    def _piece(self, model: str, chat: bool, text: str, *, thinking: str | None = None) -> dict:
        if chat:
            message: dict[str, Any] = {"role": "assistant", "content": text}
            if thinking is not None:
                message["thinking"] = thinking
            return {"model": model, "created_at": _now(), "message": message, "done": False}
        return {"model": model, "created_at": _now(), "response": text, "done": False}

    def _final(self, model: str, chat: bool, reply: Reply, count: int) -> dict:
        out = self._piece(model, chat, "")
        out.update(done=True, done_reason=reply.done_reason, total_duration=1_000_000, load_duration=1000,
                   prompt_eval_count=100, eval_count=count, eval_duration=1_000_000)
        if not chat:
            out["context"] = [1, 2, 3]
        return out

    def _stream(self, reply: Reply, model: str, chat: bool) -> None:
        owner = self.server.owner
        self._start_chunked()
        for thought in reply.thinking:
            self._line(self._piece(model, chat, "", thinking=thought))
        for index, piece in enumerate(reply.chunks):
            if reply.fault and index == reply.after and self._fault(reply):
                return
            if reply.delay and index:
                if owner.stopping.wait(reply.delay):
                    self._hang_up()   # a server going away mid-reply drops the connection
                    return
            self._line(self._piece(model, chat, piece))
        if reply.fault and reply.after >= len(reply.chunks) and self._fault(reply):
            return
        self._line(self._final(model, chat, reply, len(reply.chunks)))
        self._chunk(b"")

    def _hang_up(self) -> None:
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True

    def _fault(self, reply: Reply) -> bool:
        """Inject a mid-stream fault; True when the response must end here."""
        owner = self.server.owner
        if reply.fault == "stall":
            owner.stopping.wait(reply.stall)
            return False   # if the client is still there, carry on
        if reply.fault == "disconnect":
            # No terminating chunk: the client sees the body end early.
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return True
        if reply.fault == "non_json":
            self._chunk(b"<html>502 Bad Gateway</html>\n")
            self._chunk(b"")
            return True
        if reply.fault == "error_line":
            self._line({"error": "an error was encountered while running the model: out of memory"})
            self._chunk(b"")
            return True
        return False

    def _answer_whole(self, reply: Reply, model: str, chat: bool) -> None:
        if reply.fault == "stall":
            self.server.owner.stopping.wait(reply.stall)
        if reply.fault == "disconnect":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if reply.fault == "non_json":
            data = b"<html>502 Bad Gateway</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        out = self._final(model, chat, reply, len(reply.chunks))
        if chat:
            out["message"]["content"] = reply.text
        else:
            out["response"] = reply.text
        self._send_json(200, out)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: "OllamaServer"

    def handle_error(self, request, client_address) -> None:
        """A client hanging up mid-reply is what cancellation tests do; anything else is printed."""
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class OllamaServer:
    """A loopback Ollama. Use as a context manager, or ``start()`` / ``stop()``."""

    DEFAULT_REPLY = '{"diagnoses": [], "procedures": []}'

    def __init__(self, models: tuple[str, ...] = ("llama3.1:8b",), version: str = "0.12.3", *,
                 request_delay: float = 0.0, parallel: int = 0) -> None:
        """``request_delay``: seconds every chat/generate request waits before its reply starts (a
        model's fixed cost); ``parallel``: requests answered at once (0: any number), the rest queue."""
        self.models = list(models)
        self.request_delay = request_delay
        self.slots = threading.Semaphore(parallel) if parallel > 0 else None
        self.version = version
        self.requests: list[Recorded] = []
        self.aborted = 0
        self.tags_status = 200
        self.stopping = threading.Event()
        self._replies: list[Reply] = []
        self._default = Reply(chunks=[self.DEFAULT_REPLY])
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> "OllamaServer":
        """Listen on 127.0.0.1, on a free port."""
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="ollama-loopback", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; stalled replies end at once."""
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None

    def __enter__(self) -> "OllamaServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- scripting --------------------------------------------------------------------------
    def script(self, chunks: list[str] | None = None, *, text: str | None = None, chunk_size: int = 0,
               delay: float = 0.0, fault: str | None = None, after: int = 0, stall: float = 30.0,
               done_reason: str = "stop", thinking: list[str] | None = None, default: bool = False) -> Reply:
        """Queue the reply to the next chat/generate request (``default=True``: every later one).

        Give ``chunks`` (pieces as streamed) or ``text`` cut into ``chunk_size``
        pieces (whole when 0). ``fault`` with ``after`` injects a fault after
        that many pieces; ``delay`` paces the pieces.
        """
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; use one of {FAULTS}")
        if chunks is None:
            body = text if text is not None else self.DEFAULT_REPLY
            size = chunk_size or max(len(body), 1)
            chunks = [body[i:i + size] for i in range(0, len(body), size)]
        reply = Reply(chunks=list(chunks), delay=delay, fault=fault, after=after, stall=stall,
                      done_reason=done_reason, thinking=list(thinking or []))
        with self._lock:
            if default:
                self._default = reply
            else:
                self._replies.append(reply)
        return reply

    def next_reply(self) -> Reply:
        with self._lock:
            return self._replies.pop(0) if self._replies else self._default

    def record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    # -- inspection -------------------------------------------------------------------------
    @property
    def model_keys(self) -> set[str]:
        return {_model_key(m) for m in self.models}

    def model_entry(self, name: str) -> dict:
        return {"name": name, "model": name, "modified_at": "2026-01-01T00:00:00Z", "size": 4_920_000_000,
                "digest": "0" * 64, "details": {"parent_model": "", "format": "gguf", "family": "llama",
                                                 "families": ["llama"], "parameter_size": "8.0B",
                                                 "quantization_level": "Q4_K_M"}}

    def calls(self, path: str = "/api/chat") -> list[Recorded]:
        """The recorded requests to ``path``."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    @property
    def last_chat(self) -> Recorded:
        chats = self.calls("/api/chat")
        assert chats, "no /api/chat request was received"
        return chats[-1]


def closed_port_url() -> str:
    """A loopback URL whose port was free a moment ago: connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
