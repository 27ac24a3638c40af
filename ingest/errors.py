"""Why a file could not be ingested, said in Norwegian with what to do about it."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    NOT_PDF = "not_pdf"
    EMPTY = "empty"
    ENCRYPTED = "encrypted"
    DAMAGED = "damaged"
    BAD_PAGE_TREE = "bad_page_tree"
    NO_TEXT = "no_text"
    ONLY_HEADINGS = "only_headings"
    TOO_MANY_PAGES = "too_many_pages"
    TOO_LARGE = "too_large"
    BOMB = "bomb"
    TIMEOUT = "timeout"
    UNSUPPORTED = "unsupported"
    UNREADABLE = "unreadable"
    NOT_FOUND = "not_found"
    HIDDEN = "hidden"


MESSAGES_NB: dict[Reason, str] = {
    Reason.NOT_PDF: "Filen er ikke en PDF, selv om navnet sier det. Lagre dokumentet som PDF og prøv igjen.",
    Reason.EMPTY: "Filen er tom. Sjekk at du har valgt riktig fil.",
    Reason.ENCRYPTED: "Filen er passordbeskyttet. Lagre en kopi uten passord og prøv igjen.",
    Reason.DAMAGED: "Filen er skadet eller ufullstendig og kan ikke leses. Last ned eller eksporter den på nytt.",
    Reason.BAD_PAGE_TREE: "Filen har en ugyldig sidestruktur og kan ikke leses. Eksporter den på nytt som PDF.",
    Reason.NO_TEXT: "Filen har ingen lesbar tekst (trolig skannet). Kjør tekstgjenkjenning (OCR) på den først.",
    Reason.ONLY_HEADINGS: "Filen har bare overskrifter og ingen tekst under dem å søke i. Legg til teksten og prøv igjen.",
    Reason.TOO_MANY_PAGES: "Filen har for mange sider. Del den opp i mindre dokumenter.",
    Reason.TOO_LARGE: "Filen er for stor. Del den opp eller komprimer den.",
    Reason.BOMB: "Filen pakker ut til urimelig mye data og ble stoppet av sikkerhetshensyn.",
    Reason.TIMEOUT: "Det tok for lang tid å lese inn filen, og innlesingen ble stoppet. Del dokumentet opp i mindre filer og prøv igjen.",
    Reason.UNSUPPORTED: "Filtypen støttes ikke. Bruk PDF, TXT eller Markdown (.md).",
    Reason.UNREADABLE: "Filen kunne ikke leses. Sjekk at den ikke er skadet, og prøv igjen.",
    Reason.NOT_FOUND: "Filen eller mappen finnes ikke. Sjekk navnet og stien.",
    Reason.HIDDEN: "Skjulte filer (navn som begynner med punktum) leses ikke inn.",
}


class IngestError(Exception):
    """A file we refuse, with a reason code and a Norwegian message that says what to do."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return MESSAGES_NB[self.reason]
