"""Generation backends behind one interface: any OpenAI-compatible HTTP server, or
the vLLM offline engine (GPU only, optional, imported lazily)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

log = logging.getLogger(__name__)


class GenerationError(RuntimeError):
    """A request failed for good (after retries): names the request."""


class _Retryable(Exception):
    pass


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 0.6
    top_p: float = 0.95
    max_tokens: int = 4096
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_yaml(cls, path: Path) -> SamplingParams:
        try:
            data = yaml.safe_load(Path(path).read_text()) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path}: sampling parameters must be a mapping (temperature: 0.6, ...)")
        known = {k: data.pop(k) for k in ("temperature", "top_p", "max_tokens") if k in data}
        return cls(**known, extra=data)


@dataclass
class Generation:
    text: str
    finish_reason: str
    usage: dict  # completion_tokens, prompt_tokens, total_tokens


class OpenAIBackend:
    """Chat completions over HTTP with a concurrency cap, retries with backoff, timeouts."""

    def __init__(self, endpoint: str, model: str, *, api_key: str = "none", concurrency: int = 8,
                 timeout: float = 600.0, attempts: int = 5, backoff: float = 2.0) -> None:  # fmt: skip
        self.url = endpoint.rstrip("/") + ("" if endpoint.rstrip("/").endswith("/v1") else "/v1") + "/chat/completions"
        self.model = model
        self.client = httpx.Client(timeout=timeout, headers={"Authorization": f"Bearer {api_key}"})
        self.slots = threading.BoundedSemaphore(concurrency)
        self.attempts, self.backoff = attempts, backoff

    def _post(self, payload: dict) -> dict:
        try:
            response = self.client.post(self.url, json=payload)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise GenerationError(f"{self.url}: HTTP {response.status_code}: {response.text[:300]}")
        try:
            return response.json()
        except ValueError:
            raise _Retryable("the answer is not complete JSON") from None

    def generate(self, messages: list[dict], params: SamplingParams, seed: int | None = None) -> Generation:
        payload = {"model": self.model, "messages": messages, "temperature": params.temperature,
                   "top_p": params.top_p, "max_tokens": params.max_tokens, **params.extra}  # fmt: skip
        if seed is not None:
            payload["seed"] = seed
        if messages and messages[-1]["role"] == "assistant":  # a prefill: continue it (vLLM, SGLang)
            payload |= {"continue_final_message": True, "add_generation_prompt": False}
        retrying = Retrying(stop=stop_after_attempt(self.attempts), retry=retry_if_exception_type(_Retryable),
                            wait=wait_random_exponential(multiplier=self.backoff, max=60), reraise=True)  # fmt: skip
        with self.slots:
            try:
                data = retrying(self._post, payload)
            except _Retryable as exc:
                raise GenerationError(f"{self.url}: gave up after {self.attempts} attempts: {exc}") from None
        choice = data["choices"][0]
        usage = data.get("usage") or {}
        kept = {k: usage.get(k) for k in ("completion_tokens", "prompt_tokens", "total_tokens")}
        return Generation(choice["message"].get("content") or "", choice.get("finish_reason") or "", kept)

    def close(self) -> None:
        self.client.close()


class VLLMBackend:
    """The vLLM offline engine with prefix caching (GPU machines; `pip install vllm`)."""

    def __init__(self, model: str, **engine_args) -> None:
        try:
            from vllm import LLM  # noqa: PLC0415 - optional, GPU only
        except ImportError as exc:
            raise GenerationError("the vLLM backend needs `pip install vllm` on a GPU machine") from exc
        self.llm = LLM(model=model, enable_prefix_caching=True, **engine_args)

    def generate(self, messages: list[dict], params: SamplingParams, seed: int | None = None) -> Generation:
        return self.generate_batch([messages], params, [seed])[0]

    def generate_batch(self, conversations: list[list[dict]], params: SamplingParams,
                       seeds: list[int | None]) -> list[Generation]:  # fmt: skip
        """One engine call for many prompts (samples of one prompt share its cached prefix), a seed each."""
        from vllm import SamplingParams as VllmParams  # noqa: PLC0415

        prefilled = {c[-1]["role"] == "assistant" for c in conversations}
        if len(prefilled) > 1:
            raise GenerationError("a batch mixes prefilled and plain prompts")
        continued = prefilled.pop()
        sampling = [VllmParams(temperature=params.temperature, top_p=params.top_p, max_tokens=params.max_tokens,
                               seed=seed, **params.extra) for seed in seeds]  # fmt: skip
        try:
            outputs = self.llm.chat(conversations, sampling, use_tqdm=False, continue_final_message=continued,
                                    add_generation_prompt=not continued)  # fmt: skip
        except (RuntimeError, ValueError) as exc:
            raise GenerationError(f"vLLM: {exc}") from exc
        generations = []
        for output in outputs:
            completion = output.outputs[0]
            prompt_tokens, completion_tokens = len(output.prompt_token_ids), len(completion.token_ids)
            generations.append(Generation(completion.text, completion.finish_reason or "",
                                          {"completion_tokens": completion_tokens, "prompt_tokens": prompt_tokens,
                                           "total_tokens": prompt_tokens + completion_tokens}))  # fmt: skip
        return generations

    def close(self) -> None:
        pass
