"""The feedback store: whether an answer was useful, in SQLite.

One row per "Var svaret nyttig?": time (UTC), question, useful, optional comment, the cited
passage ids, the index version and the interface language. Never an IP address, a cookie or a
user id. Personal data in the question and comment is masked before anything is written.

The schema is created and migrated here (``PRAGMA user_version``); the database runs in WAL mode
with a busy timeout, so several workers (threads or processes) can write at once. Rows older than
the retention period are deleted by :meth:`FeedbackStore.purge`, which the web app runs at start
and daily.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.redaction import mask_personal_data

BUSY_TIMEOUT_S = 10.0
COMMENT_MAX = 1000  # characters in a comment, at most
COMMENT_WINDOW = timedelta(days=1)  # how long after "Nei" a comment may still be added

# Each entry moves the schema one version up; never edit one that has shipped, add a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE feedback (
            id TEXT PRIMARY KEY,
            created TEXT NOT NULL,
            question TEXT NOT NULL,
            useful INTEGER NOT NULL CHECK (useful IN (0, 1)),
            comment TEXT,
            citations TEXT NOT NULL,
            index_version TEXT NOT NULL,
            lang TEXT NOT NULL
        )""",
        "CREATE INDEX feedback_created ON feedback (created)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class FeedbackRow:
    id: str
    created: str
    question: str
    useful: bool
    comment: str | None
    citations: list[str]
    index_version: str
    lang: str


@dataclass
class QuestionSummary:
    question: str
    not_useful: int = 0
    useful: int = 0
    last: str = ""
    citations: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


@dataclass
class Summary:
    useful: int
    not_useful: int
    by_day: list[dict]
    worst: list[QuestionSummary]


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FeedbackStore:
    """Opens a short-lived connection per operation; safe to share between threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._ready = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        with closing(conn):
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            if not self._ready:
                self._migrate(conn)
                self._ready = True
            yield conn

    @staticmethod
    def _use_wal(conn: sqlite3.Connection) -> None:
        """Switch the database to WAL mode (once per database). Switching needs the database to
        itself, and SQLite may then answer "locked" at once instead of waiting (to avoid a
        deadlock, without calling the busy handler), e.g. when several workers open a new
        database together: try again until the busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                    return
                conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01 + random.random() * 0.04)

    @classmethod
    def _migrate(cls, conn: sqlite3.Connection) -> None:
        cls._use_wal(conn)
        if conn.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then skip
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        with self._connect() as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    # -- writing ------------------------------------------------------------------------------
    def add(
        self,
        question: str,
        useful: bool,
        citations: list[str],
        index_version: str,
        lang: str,
        comment: str | None = None,
        now: datetime | None = None,
    ) -> str:
        """Store one answer's feedback (masked) and return its id (random, not guessable)."""
        row_id = uuid.uuid4().hex
        comment = mask_personal_data(comment.strip()) if comment and comment.strip() else None
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO feedback (id, created, question, useful, comment, citations,"
                " index_version, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row_id,
                    _stamp(now or _now()),
                    mask_personal_data(question.strip()),
                    int(useful),
                    comment,
                    json.dumps(list(citations)),
                    index_version,
                    lang,
                ),
            )
        return row_id

    def add_comment(self, row_id: str, comment: str, now: datetime | None = None) -> bool:
        """Attach a comment to a recent row that has none yet; False when there is no such row."""
        since = _stamp((now or _now()) - COMMENT_WINDOW)
        with self._connect() as conn:
            cursor = conn.execute(
                "UPDATE feedback SET comment = ? WHERE id = ? AND comment IS NULL AND created >= ?",
                (mask_personal_data(comment.strip()), row_id, since),
            )
            return cursor.rowcount == 1

    def purge(self, days: int, now: datetime | None = None) -> int:
        """Delete rows older than ``days``; returns how many. A missing database is left alone."""
        if not self.path.exists():
            return 0
        cutoff = _stamp((now or _now()) - timedelta(days=days))
        with self._connect() as conn:
            return conn.execute("DELETE FROM feedback WHERE created < ?", (cutoff,)).rowcount

    # -- reading ------------------------------------------------------------------------------
    def rows(self) -> list[FeedbackRow]:
        """Every row, oldest first."""
        if not self.path.exists():
            return []
        with self._connect() as conn:
            found = conn.execute(
                "SELECT id, created, question, useful, comment, citations, index_version, lang"
                " FROM feedback ORDER BY created, rowid"
            ).fetchall()
        return [
            FeedbackRow(r[0], r[1], r[2], bool(r[3]), r[4], json.loads(r[5]), r[6], r[7])
            for r in found
        ]

    def summary(self, worst: int = 10) -> Summary:
        """Counts, counts per day (UTC), and the questions with most "Nei"."""
        rows = self.rows()
        by_day: dict[str, dict] = {}
        questions: dict[str, QuestionSummary] = {}
        for row in rows:
            day = by_day.setdefault(row.created[:10], {"useful": 0, "not_useful": 0})
            day["useful" if row.useful else "not_useful"] += 1
            key = " ".join(row.question.casefold().split())
            entry = questions.setdefault(key, QuestionSummary(question=row.question))
            entry.last = row.created
            if row.useful:
                entry.useful += 1
                continue
            entry.not_useful += 1
            entry.citations.extend(c for c in row.citations if c not in entry.citations)
            if row.comment:
                entry.comments.append(row.comment)
        ranked = sorted(
            (q for q in questions.values() if q.not_useful),
            key=lambda q: (q.not_useful, q.last),
            reverse=True,
        )
        useful = sum(1 for r in rows if r.useful)
        return Summary(
            useful=useful,
            not_useful=len(rows) - useful,
            by_day=[{"day": day, **counts} for day, counts in sorted(by_day.items())],
            worst=ranked[:worst],
        )
