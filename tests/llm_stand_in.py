"""A stand-in for a local model server: ``POST /v1/chat/completions`` on loopback, answering
from a script (never a model). It speaks the OpenAI-compatible shape that llama.cpp's server,
vLLM and Ollama speak, and records every request, so tests can check what Redline sent.

``answers``: the replies in order, each a string or a function of the request's JSON body
(cycled when they run out); a reply of ``None`` answers HTTP 500.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = str | Callable[[dict], str] | None


class StandIn:
    """The server, started on a free loopback port; use as a context manager."""

    def __init__(self, answers: Iterable[Answer]):
        self.answers = itertools.cycle(list(answers))
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path != "/v1/chat/completions":
                    self.send_error(404)
                    return
                with stand_in.lock:
                    stand_in.requests.append(body)
                    answer = next(stand_in.answers)
                if answer is None:
                    self.send_error(500, "scripted failure")
                    return
                text = answer(body) if callable(answer) else answer
                reply = {
                    "id": f"chatcmpl-{len(stand_in.requests)}",
                    "object": "chat.completion",
                    "model": body.get("model", ""),
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                    ],
                }
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args) -> None:  # quiet in tests
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def last_option(body: dict) -> str:
    """An answer naming the highest-numbered option of the prompt (the most escalatory listed)."""
    prompt = next(m["content"] for m in body["messages"] if m["role"] == "user")
    numbers = [line.split(".", 1)[0] for line in prompt.splitlines() if line[:1].isdigit() and ". " in line]
    return f"{numbers[-1]}. That one."
