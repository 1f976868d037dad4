"""A client of the OpenAI-compatible chat completions protocol, which hosted Chinese
models and local servers (vLLM, llama.cpp, Ollama) all speak: one streamed reply,
retried with backoff on the errors a busy server gives."""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from newsdesk.errors import NewsdeskError

# A server's Retry-After is obeyed up to this many seconds; a longer wait is a
# server that is down, better reported than waited for.
MAX_RETRY_AFTER = 60.0


class ChatError(NewsdeskError):
    """A reply that could not be had; the message is one line for the terminal."""


class _Retryable(ChatError):
    """A failure that a later attempt may not meet: 429, 5xx, a timeout, a cut stream."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class ChatSettings:
    endpoint: str
    model: str
    api_key: str | None = None
    timeout: float = 120.0
    retries: int = 3
    # Seconds before the first retry when the server names no Retry-After; doubled
    # after each retry.
    backoff: float = 1.0


@dataclass(frozen=True)
class Reply:
    text: str
    # The model that answered, as the server names it (else the one asked for).
    model: str
    attempts: int


def completions_url(endpoint: str) -> str:
    """The chat completions URL of an API base (`http://host/v1`) or of itself."""
    base = endpoint.rstrip("/")
    return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


def complete(
    client: httpx.Client,
    settings: ChatSettings,
    prompt: str,
    sleep: Callable[[float], None] = time.sleep,
) -> Reply:
    """The model's whole reply to one user message; ChatError when there is none."""
    attempt = 1
    while True:
        try:
            text, model = _stream(client, settings, prompt)
            return Reply(text, model or settings.model, attempt)
        except _Retryable as error:
            if attempt > settings.retries:
                tries = f"{attempt} attempts" if attempt > 1 else "1 attempt"
                raise ChatError(f"{error} ({tries})") from None
            delay = error.retry_after
            if delay is None:
                delay = settings.backoff * 2 ** (attempt - 1)
            sleep(min(delay, MAX_RETRY_AFTER))
            attempt += 1


def _stream(client: httpx.Client, settings: ChatSettings, prompt: str) -> tuple[str, str | None]:
    url = completions_url(settings.endpoint)
    payload = {
        "model": settings.model,
        "messages": [{"role": "user", "content": prompt}],
        "stream": True,
    }
    headers = {"Accept": "text/event-stream"}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    deadline = time.monotonic() + settings.timeout
    try:
        with client.stream(
            "POST", url, json=payload, headers=headers, timeout=settings.timeout
        ) as response:
            _check_status(response)
            if "text/event-stream" not in response.headers.get("content-type", ""):
                return _whole(response)  # a server that does not stream answers at once
            return _events(response, deadline, settings.timeout)
    except httpx.TimeoutException:
        raise _Retryable(f"no reply within {settings.timeout:g} s") from None
    except httpx.TransportError as error:
        raise _Retryable(f"cannot reach {url}: {error or type(error).__name__}") from None


def _check_status(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    response.read()
    message = f"the server answered {status} {response.reason_phrase}".rstrip()
    detail = _error_detail(response.content)
    if detail:
        message += f": {detail}"
    if status == 429 or status >= 500:
        raise _Retryable(message, _retry_after(response.headers.get("retry-after")))
    raise ChatError(message)


def _error_detail(content: bytes) -> str:
    """The message of an OpenAI-style error body, else its text, on one line."""
    text = content.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:200]
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return " ".join(error["message"].split())[:200]
    if isinstance(error, str):
        return error[:200]
    return " ".join(text.split())[:200]


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _whole(response: httpx.Response) -> tuple[str, str | None]:
    data = _json(response.read().decode("utf-8", "replace"))
    choices = data.get("choices") or [{}]
    message = choices[0].get("message") or {}
    text = message.get("content")
    if not isinstance(text, str) or not text.strip():
        raise ChatError("the reply was empty")
    if choices[0].get("finish_reason") == "length":
        raise ChatError(_cut_at_limit(len(text)))
    model = data.get("model")
    return text, model if isinstance(model, str) else None


def _events(response: httpx.Response, deadline: float, timeout: float) -> tuple[str, str | None]:
    """The text of a stream of server-sent events (`data: {…}` lines, then
    `data: [DONE]`)."""
    parts: list[str] = []
    model: str | None = None
    finish: str | None = None
    received = 0
    for line in response.iter_lines():
        if time.monotonic() > deadline:
            raise _Retryable(f"the reply took longer than {timeout:g} s")
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            break
        chunk = _json(data)
        if "error" in chunk:
            detail = _error_detail(data.encode())
            raise ChatError(f"the server reported an error mid-stream: {detail}")
        model = chunk.get("model") if isinstance(chunk.get("model"), str) else model
        for choice in chunk.get("choices") or []:
            content = (choice.get("delta") or {}).get("content")
            if isinstance(content, str):
                parts.append(content)
                received += len(content)
            finish = choice.get("finish_reason") or finish
    else:
        raise _Retryable(f"the reply stream ended before [DONE] after {received:,} characters")
    text = "".join(parts)
    if finish == "length":
        raise ChatError(_cut_at_limit(received))
    if not text.strip():
        raise ChatError("the reply was empty")
    return text, model


def _cut_at_limit(received: int) -> str:
    return (
        f"the reply was cut at the model's length limit after {received:,} characters "
        "(finish_reason: length); raise the limit on the server or shorten the note"
    )


def _json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        raise ChatError(f"the server sent something that is not JSON: {text[:80]!r}") from None
    if not isinstance(data, dict):
        raise ChatError(f"the server sent JSON that is not an object: {text[:80]!r}")
    return data
