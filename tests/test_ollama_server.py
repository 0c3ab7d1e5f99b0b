"""The loopback Ollama server itself: it must behave like Ollama and always shut down."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import httpx
import ollama
import pytest
from ollama_server import OllamaServer, closed_port_url


def test_stop_ends_a_stalled_reply_and_frees_the_port():
    server = OllamaServer().start()
    url = server.url
    server.script(text="[]", fault="stall", stall=60)
    errors: list[BaseException] = []

    def stalled_request() -> None:
        try:
            with httpx.Client(base_url=url, timeout=10) as client:
                client.post("/api/chat", json={"model": "llama3.1:8b", "messages": [], "stream": False})
        except BaseException as exc:  # noqa: BLE001 - the server going away is expected
            errors.append(exc)

    worker = threading.Thread(target=stalled_request)
    worker.start()
    time.sleep(0.2)
    started = time.monotonic()
    server.stop()
    worker.join(timeout=5)
    assert time.monotonic() - started < 3 and not worker.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/api/version", timeout=1)


def test_records_requests_and_answers_like_ollama():
    with OllamaServer(models=("llama3.1:8b", "qwen2.5")) as server:
        client = ollama.Client(host=server.url)
        assert sorted(m.model for m in client.list().models) == ["llama3.1:8b", "qwen2.5"]
        server.script(chunks=['{"a"', ": 1}"])
        parts = [c.message.content for c in client.chat(model="qwen2.5", messages=[{"role": "user", "content": "x"}],
                                                           stream=True, format="json",
                                                           options={"temperature": 0})]
        assert "".join(parts) == '{"a": 1}'
        body = server.last_chat.body
        assert body["format"] == "json" and body["options"] == {"temperature": 0}
        assert server.last_chat.prompt_text == "x"
        with pytest.raises(ollama.ResponseError) as exc:
            client.chat(model="absent", messages=[])
        assert exc.value.status_code == 404 and "not found" in exc.value.error
        server.script(fault="http500")
        with pytest.raises(ollama.ResponseError) as exc:
            client.generate(model="qwen2.5", prompt="p")
        assert exc.value.status_code == 500
        client.close()


def test_script_rejects_unknown_faults():
    with OllamaServer() as server, pytest.raises(ValueError, match="unknown fault"):
        server.script(fault="meteor")


def test_closed_port_refuses():
    with pytest.raises(httpx.ConnectError):
        httpx.get(closed_port_url() + "/api/version", timeout=1)


def test_engine_modules_never_import_textual():
    code = ("import sys\n"
            "import medcoder_tui.engines.llm.ollama_engine, medcoder_tui.engines.select, medcoder_tui.engines.llm.prompts\n"
            "import medcoder_tui.engines.llm.parsing, medcoder_tui.cli.suggest_cmd\n"
            "assert 'textual' not in sys.modules, 'textual imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
