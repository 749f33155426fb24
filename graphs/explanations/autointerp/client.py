"""A chat-completions client for any OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp's
server, OpenAI), through the `openai` package, with our own retry policy: 429, 5xx, timeouts and
dropped connections are retried with exponential backoff (a Retry-After header is honoured up to
a minute); other refusals and malformed replies are not."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import openai

from graphs.explanations import conf

log = logging.getLogger(__name__)


class NotConfigured(RuntimeError):
    """AUTOINTERP_BASE_URL or AUTOINTERP_MODEL is unset: nothing is ever called."""


class EndpointFailed(RuntimeError):
    """The endpoint refused or kept failing; the message says how."""


class MalformedReply(RuntimeError):
    """The endpoint answered, but not with a chat completion holding text."""


@dataclass(frozen=True)
class EndpointSettings:
    base_url: str
    model: str
    api_key: str
    timeout_s: float
    max_retries: int
    backoff_s: float
    max_tokens: int

    @classmethod
    def from_conf(cls) -> EndpointSettings:
        base_url, model = conf.get("AUTOINTERP_BASE_URL"), conf.get("AUTOINTERP_MODEL")
        if not base_url or not model:
            raise NotConfigured(
                "auto-interp is not configured: set AUTOINTERP_BASE_URL (an OpenAI-compatible "
                "endpoint, e.g. http://127.0.0.1:8001/v1) and AUTOINTERP_MODEL"
            )
        return cls(
            base_url=base_url,
            model=model,
            api_key=conf.get("AUTOINTERP_API_KEY") or "unused",
            timeout_s=float(conf.get("AUTOINTERP_TIMEOUT_S")),
            max_retries=int(conf.get("AUTOINTERP_MAX_RETRIES")),
            backoff_s=int(conf.get("AUTOINTERP_BACKOFF_MS")) / 1000,
            max_tokens=int(conf.get("AUTOINTERP_MAX_TOKENS")),
        )


def _retry_after(exc: openai.APIStatusError) -> float | None:
    try:
        value = float(exc.response.headers.get("retry-after", ""))
    except (TypeError, ValueError):
        return None
    return min(max(value, 0.0), 60.0)


class ChatClient:
    def __init__(
        self,
        settings: EndpointSettings | None = None,
        *,
        on_call: Callable[[], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or EndpointSettings.from_conf()
        self._client = openai.OpenAI(
            base_url=self.settings.base_url,
            api_key=self.settings.api_key,
            timeout=self.settings.timeout_s,
            max_retries=0,  # ours below, so every attempt is counted against the budget
        )
        self._on_call = on_call
        self._sleep = sleep

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The reply's text. EndpointFailed once retries are spent or on a refusal;
        MalformedReply when the answer is not a chat completion with text."""
        attempt = 0
        while True:
            if self._on_call is not None:
                self._on_call()
            try:
                response = self._client.chat.completions.create(
                    model=self.settings.model,
                    messages=messages,  # type: ignore[arg-type]
                    max_tokens=self.settings.max_tokens,
                    temperature=0,
                )
                return _text_of(response)
            except (openai.RateLimitError, openai.InternalServerError) as exc:
                reason, wait = f"HTTP {exc.status_code}", _retry_after(exc)
            except openai.APITimeoutError:
                reason, wait = f"no answer within {self.settings.timeout_s:g} s", None
            except openai.APIConnectionError as exc:
                reason, wait = f"cannot connect ({exc.__cause__ or exc})", None
            except openai.APIStatusError as exc:
                raise EndpointFailed(
                    f"the endpoint refused the request: HTTP {exc.status_code} {_body(exc)}"
                ) from None
            except openai.APIResponseValidationError as exc:
                raise MalformedReply(f"the reply is not a chat completion: {exc}") from None
            except ValueError as exc:  # a body that is not JSON at all
                raise MalformedReply(f"the reply is not JSON: {exc}") from None
            if attempt >= self.settings.max_retries:
                raise EndpointFailed(
                    f"the endpoint at {self.settings.base_url} failed {attempt + 1} time(s), "
                    f"last: {reason}"
                )
            delay = wait if wait is not None else self.settings.backoff_s * (2**attempt)
            log.info("auto-interp: %s; retrying in %.2f s", reason, delay)
            self._sleep(delay)
            attempt += 1


def _body(exc: openai.APIStatusError) -> str:
    try:
        return exc.response.text[:200]
    except Exception:
        return ""


def _text_of(response: object) -> str:
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise MalformedReply("the reply has no choices")
    message = getattr(choices[0], "message", None)
    content = getattr(message, "content", None)
    if not isinstance(content, str) or not content.strip():
        raise MalformedReply("the reply's first choice has no text")
    return content
