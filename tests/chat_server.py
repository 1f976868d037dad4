"""A chat completions server on 127.0.0.1 for the tests, speaking the OpenAI-compatible
protocol: it answers each note with the reply its scenario names (a fixture file),
in the way the scenario asks for at each attempt: a stream, 429, 500, a stream cut
mid-way, an empty reply, a stream slower than any timeout, a whole JSON answer, 400."""

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCENARIOS = FIXTURES / "draft" / "scenarios.json"
MODEL = "test-model"
# Characters of a reply sent in one event: many events, as a model streams tokens.
CHUNK = 24
# Seconds between the events of a slow stream.
SLOW_PAUSE = 0.3


@dataclass
class ChatServer:
    url: str
    scenarios: dict[str, dict[str, Any]]
    # Requests seen, per note, and their Authorization headers.
    attempts: Counter[str] = field(default_factory=Counter)
    authorizations: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def step(self, note: str) -> str:
        """What to do for this attempt at the note (the last step repeats)."""
        with self.lock:
            self.attempts[note] += 1
            steps = self.scenarios[note].get("steps", ["ok"])
            return str(steps[min(self.attempts[note], len(steps)) - 1])

    def note_of(self, prompt: str) -> str | None:
        names = [name for name in self.scenarios if name in prompt]
        return max(names, key=len) if names else None

    def reply(self, note: str) -> str:
        return (FIXTURES / self.scenarios[note]["reply"]).read_text(encoding="utf-8")


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests assert on what the client reports."""

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with server.lock:
                server.authorizations.append(self.headers.get("Authorization", ""))
            if not self.path.endswith("/chat/completions"):
                return self._error(404, "no such route")
            prompt = body["messages"][-1]["content"]
            note = server.note_of(prompt)
            if note is None:
                return self._error(400, "the prompt names no note this server knows")
            # The client may give up on a slow stream.
            with suppress(BrokenPipeError, ConnectionResetError):
                self._answer(server.step(note), server.reply(note))

        def _answer(self, step: str, text: str) -> None:
            if step == "429":
                return self._error(429, "rate limit reached", {"Retry-After": "0"})
            if step == "500":
                return self._error(500, "the model server is overloaded")
            if step == "400":
                return self._error(400, f"The model `{MODEL}` does not exist.")
            if step == "whole":
                return self._json(200, _message(text))
            chunks = [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)]
            if step == "empty":
                chunks = []
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.end_headers()
            self._event({"role": "assistant", "content": ""}, None)
            sent = chunks[: len(chunks) // 2] if step == "cut" else chunks
            for chunk in sent:
                if step == "slow":
                    time.sleep(SLOW_PAUSE)
                self._event({"content": chunk}, None)
            if step == "cut":
                return  # the connection closes without a finish or [DONE]
            self._event({}, "stop")
            self.wfile.write(b"data: [DONE]\n\n")

        def _event(self, delta: dict[str, str], finish: str | None) -> None:
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            data = {"id": "chat-1", "object": "chat.completion.chunk", "model": MODEL}
            line = json.dumps({**data, "choices": [choice]}, ensure_ascii=False)
            self.wfile.write(f"data: {line}\n\n".encode())
            self.wfile.flush()

        def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
            self._json(status, {"error": {"message": message, "type": "test"}}, headers)

        def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
            encoded = json.dumps(data, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(encoded)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(encoded)

    return Handler


def _message(text: str) -> dict[str, Any]:
    choice = {"index": 0, "message": {"role": "assistant", "content": text}}
    return {"id": "chat-1", "object": "chat.completion", "model": MODEL, "choices": [choice]}


@contextmanager
def chat_server(scenarios: dict[str, dict[str, Any]] | None = None) -> Iterator[ChatServer]:
    """The server on a free port of 127.0.0.1, for the scenarios given (by default
    those of fixtures/draft/scenarios.json), stopped on exit."""
    if scenarios is None:
        scenarios = json.loads(SCENARIOS.read_text(encoding="utf-8"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = ChatServer(f"http://127.0.0.1:{httpd.server_address[1]}/v1", scenarios)
    httpd.RequestHandlerClass = _handler(state)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
