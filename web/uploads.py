"""Uploading a plan: size limit on the request body, storage under a generated name, ingestion
into a new index version, and Norwegian reasons with fitting status codes when it fails."""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.pipeline import build_index
from assistant.service import Assistant
from assistant.settings import Settings
from index.checksum import file_sha256
from index.store import IndexStore, WriterBusy
from ingest.errors import IngestError, Reason
from ingest.file_checks import SUPPORTED_SUFFIXES, sniff
from web import ratelimit

log = logging.getLogger(__name__)

UPLOAD_PATHS = ("/api/documents", "/admin")
MULTIPART_OVERHEAD = 64 * 1024  # form fields and part headers around the file
STATUS_FOR = {
    Reason.UNSUPPORTED: 415,
    Reason.NOT_PDF: 415,
    Reason.TOO_LARGE: 413,
}


class UploadRejected(Exception):
    def __init__(
        self, status: int, message: str, reason: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.headers = headers or {}


def too_large(settings: Settings) -> UploadRejected:
    return UploadRejected(
        413,
        f"Filen er for stor. Største tillatte størrelse er {settings.max_upload_mb:g} MB. "
        "Del opp dokumentet eller komprimer det.",
        "too_large",
    )


def body_limits(settings: Settings) -> Callable[[str], int]:
    """The largest request body by path: an upload's file, or a JSON request."""
    upload = int(settings.max_upload_mb * 1024 * 1024) + MULTIPART_OVERHEAD
    json_body = settings.max_body_kb * 1024
    return lambda path: upload if path in UPLOAD_PATHS else json_body


def check_token(settings: Settings, given: str | None, what: str = "Opplasting") -> None:
    """Refuse (403) while PLAN_ADMIN_TOKEN is empty, and (401) a missing or wrong token.
    ``what`` names what the token switches on, for the message."""
    if not settings.admin_token:
        raise UploadRejected(
            403,
            f"{what} er slått av. Sett PLAN_ADMIN_TOKEN på serveren for å slå den på.",
            "upload_disabled",
        )
    if not given or not hmac.compare_digest(given.encode(), settings.admin_token.encode()):
        raise UploadRejected(
            401, "Feil eller manglende tilgangsnøkkel. Sjekk nøkkelen og prøv igjen.", "bad_token"
        )


def refuse_if_blocked(request) -> None:
    """429 while the client has failed too many token attempts (before anything is read)."""
    wait = ratelimit.blocked(request, ratelimit.TOKEN_FAILURES)
    if wait:
        minutes = -(-wait // 60)
        raise UploadRejected(
            429,
            "For mange forsøk med feil tilgangsnøkkel. Vent "
            + ("ett minutt" if minutes == 1 else f"{minutes} minutter")
            + " og prøv igjen.",
            "too_many_attempts",
            {"Retry-After": str(wait)},
        )


def check_token_attempt(request, given: str | None, what: str = "Opplasting") -> None:
    """``check_token`` for this client: refused while it is blocked, and a failure counts."""
    refuse_if_blocked(request)
    try:
        check_token(request.app.state.settings, given, what)
    except UploadRejected as exc:
        if exc.status == 401:
            ratelimit.hit(request, ratelimit.TOKEN_FAILURES)
        raise


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(cookie: str | None, field: str | None) -> bool:
    return bool(cookie and field) and hmac.compare_digest(cookie.encode(), field.encode())


def display_name(client_name: str | None, suffix: str) -> str:
    """A safe name to show (and to derive the document id from); never used as a path."""
    name = unicodedata.normalize("NFKC", (client_name or "").replace("\\", "/").split("/")[-1])
    stem = Path(name).stem if Path(name).suffix.lower() == suffix else name
    stem = re.sub(r"[^\w .,()–-]+", "", stem).strip(" .")[:120] or "opplastet-plan"
    return f"{stem}{suffix}"


@dataclass
class UploadResult:
    document_id: str
    title: str
    file_name: str
    index_version: str
    documents: int
    passages: int
    initiatives: int


def ingest_upload(
    settings: Settings, assistant: Assistant, data_path: Path, client_name: str | None
) -> UploadResult:
    """Ingest a received file (``data_path``, already size-checked) into a new index version.

    The file is moved to the upload directory under a generated name; on any refusal it is
    removed again and the index is left as it was.
    """
    upload_dir = Path(settings.upload_dir)
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored: Path | None = None
    try:
        suffix = _suffix(client_name)
        stored = upload_dir / f"{uuid.uuid4().hex}{suffix}"
        data_path.replace(stored)
        try:
            sniff(stored, int(settings.max_upload_mb * 1024 * 1024))
        except IngestError as exc:
            status = STATUS_FOR.get(exc.reason, 422)
            raise UploadRejected(status, exc.message, str(exc.reason)) from exc
        _refuse_duplicate(settings, stored)
        name = display_name(client_name, suffix)
        try:
            report = build_index(
                settings,
                [stored],
                embedder=assistant.embedder,
                sources={stored: name},
                time_limit_s=settings.upload_timeout_s,
            )
        except WriterBusy as exc:
            raise UploadRejected(409, exc.message, "writer_busy") from exc
        except IngestError as exc:  # the time limit ran out while embedding or indexing
            raise UploadRejected(STATUS_FOR.get(exc.reason, 422), exc.message, exc.reason) from exc
        if report.skipped:
            skip = report.skipped[0]
            raise UploadRejected(STATUS_FOR.get(skip.reason, 422), skip.message, str(skip.reason))
        if not report.version or not report.new_documents:
            raise UploadRejected(
                422, IngestError(Reason.UNREADABLE).message, str(Reason.UNREADABLE)
            )
    except BaseException:
        for leftover in (stored, data_path):
            if leftover is not None:
                leftover.unlink(missing_ok=True)
        raise
    assistant.reload_if_changed(force=True)
    document_id = report.new_documents[0]
    meta = next(d for d in assistant.documents() if d.document_id == document_id)
    log.info("uploaded document %s as %s (version %s)", document_id, stored.name, report.version)
    return UploadResult(
        document_id,
        meta.title,
        name,
        report.version,
        report.documents,
        report.passages,
        report.initiatives,
    )


def _suffix(client_name: str | None) -> str:
    """The suffix to store the file under: the client's name must say PDF, TXT or Markdown,
    and ``sniff`` then checks that the bytes are what the name says."""
    suffix = Path((client_name or "").replace("\\", "/")).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadRejected(415, IngestError(Reason.UNSUPPORTED).message, str(Reason.UNSUPPORTED))
    return suffix


def _refuse_duplicate(settings: Settings, stored: Path) -> None:
    store = IndexStore(settings.index_dir)
    version = store.current_version()
    if version is None:
        return
    try:
        manifest = store.verify(version)
    except Exception:  # a damaged current version does not make this file a duplicate
        return
    sha = file_sha256(stored)
    for doc in manifest.get("documents", []):
        if doc.get("sha256") == sha:
            raise UploadRejected(
                409,
                f"Dokumentet er allerede lastet inn som «{doc.get('title')}». "
                "Du trenger ikke laste det opp på nytt.",
                "duplicate",
            )
