"""The feedback store: schema and migrations, WAL, concurrent writers, masking before anything
reaches the disk, retention, comments, and the summary."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta

from assistant.feedback import SCHEMA_VERSION, FeedbackStore

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
WRITERS = 16
ROWS_PER_WRITER = 25


def _add(store: FeedbackStore, question="Hva er målet?", useful=True, **kw) -> str:
    return store.add(question, useful, kw.pop("citations", ["p-1"]), "v-1", "nb", **kw)


def test_schema_is_created_and_versioned_in_wal_mode(tmp_path):
    store = FeedbackStore(tmp_path / "sub" / "feedback.sqlite3")
    _add(store)
    assert store.schema_version() == SCHEMA_VERSION >= 1
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = [r[1] for r in conn.execute("PRAGMA table_info(feedback)")]
    assert columns == [
        "id",
        "created",
        "question",
        "useful",
        "comment",
        "citations",
        "index_version",
        "lang",
    ]
    # No column could hold an IP address, a cookie or a user id.
    assert not {"ip", "client", "cookie", "user_id", "session"} & set(columns)


def test_reopening_keeps_rows_and_does_not_migrate_again(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    first = _add(FeedbackStore(path))
    again = FeedbackStore(path)
    assert again.schema_version() == SCHEMA_VERSION
    assert [r.id for r in again.rows()] == [first]


def test_an_older_schema_is_migrated_up(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    sqlite3.connect(path).close()  # an empty database at user_version 0
    store = FeedbackStore(path)
    _add(store)
    assert store.schema_version() == SCHEMA_VERSION


def _write_rows(path: str, writer: int, start_at: float) -> list[str]:
    store = FeedbackStore(path)
    time.sleep(max(0.0, start_at - time.time()))  # all writers start at the same moment
    return [
        store.add(f"spørsmål {writer}-{i}", i % 2 == 0, [f"p-{writer}"], "v-1", "nn")
        for i in range(ROWS_PER_WRITER)
    ]


def test_sixteen_concurrent_writers_lose_no_rows(tmp_path):
    path = str(tmp_path / "feedback.sqlite3")
    context = multiprocessing.get_context("spawn")  # separate processes, separate connections
    start_at = [time.time() + 3.0] * WRITERS
    with ProcessPoolExecutor(max_workers=WRITERS, mp_context=context) as pool:
        written = list(pool.map(_write_rows, [path] * WRITERS, range(WRITERS), start_at))
    expected = {row_id for ids in written for row_id in ids}
    assert len(expected) == WRITERS * ROWS_PER_WRITER
    rows = FeedbackStore(path).rows()
    assert {r.id for r in rows} == expected
    assert len(rows) == WRITERS * ROWS_PER_WRITER
    assert {r.question for r in rows} == {
        f"spørsmål {w}-{i}" for w in range(WRITERS) for i in range(ROWS_PER_WRITER)
    }


SECRETS = ("01019012345", "91234567", "ola.nordmann@example.com", "+47 912 34 567")


def test_personal_data_never_reaches_the_database_files(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    row = _add(
        store,
        question="Jeg er 01019012345 og har tlf 91234567. Hva gjør kommunen?",
        useful=False,
        comment="Svar meg på ola.nordmann@example.com",
    )
    assert store.add_comment(_add(store, useful=False), "Ring +47 912 34 567") is True
    found = {r.id: r for r in store.rows()}[row]
    assert found.question == "Jeg er [fødselsnummer] og har tlf [telefon]. Hva gjør kommunen?"
    assert found.comment == "Svar meg på [e-post]"
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())  # database, -wal and -shm files
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
    assert b"[telefon]" in raw


def test_rows_older_than_the_retention_are_deleted(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    old = _add(store, now=NOW - timedelta(days=91))
    edge = _add(store, now=NOW - timedelta(days=89))
    new = _add(store, now=NOW)
    assert store.purge(90, now=NOW) == 1
    assert [r.id for r in store.rows()] == [edge, new]
    assert old not in {r.id for r in store.rows()}
    assert store.purge(90, now=NOW) == 0


def test_purge_and_reading_do_not_create_a_database(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    assert store.purge(90) == 0 and store.rows() == []
    assert not store.path.exists()


def test_a_comment_is_added_once_to_a_recent_row_only(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    row = _add(store, useful=False, now=NOW)
    assert store.add_comment("finnes-ikke", "hei", now=NOW) is False
    assert store.add_comment(row, "Svaret manglet tall.", now=NOW + timedelta(hours=1)) is True
    assert store.add_comment(row, "Overskrevet?", now=NOW + timedelta(hours=2)) is False
    stale = _add(store, useful=False, now=NOW - timedelta(days=2))
    assert store.add_comment(stale, "For sent", now=NOW) is False
    comments = {r.id: r.comment for r in store.rows()}
    assert comments == {row: "Svaret manglet tall.", stale: None}


def test_summary_counts_days_and_ranks_the_questions_with_most_no(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    day1, day2 = NOW - timedelta(days=1), NOW
    _add(store, "Hva er målet?", True, now=day1)
    _add(store, "Hvor er svømmehallen?", False, citations=["a", "b"], now=day1)
    _add(store, "hvor er  SVØMMEHALLEN?", False, citations=["b", "c"], comment="Feil", now=day2)
    _add(store, "Hva koster det?", False, now=day2)
    _add(store, "Hva koster det?", True, now=day2)
    summary = store.summary()
    assert (summary.useful, summary.not_useful) == (2, 3)
    assert summary.by_day == [
        {"day": "2026-11-29", "useful": 1, "not_useful": 1},
        {"day": "2026-11-30", "useful": 1, "not_useful": 2},
    ]
    first, second = summary.worst
    assert (first.question, first.not_useful, first.useful) == ("Hvor er svømmehallen?", 2, 0)
    assert first.citations == ["a", "b", "c"] and first.comments == ["Feil"]
    assert (second.question, second.not_useful, second.useful) == ("Hva koster det?", 1, 1)
    assert "Hva er målet?" not in [q.question for q in summary.worst]
