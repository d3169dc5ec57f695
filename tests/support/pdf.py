"""Reading what a PDF report says, in tests."""

from __future__ import annotations

import io

from pypdf import PdfReader

KAZAKH_LOWER = "әғқңөұүһі"  # the letters of Kazakh that Russian has not


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
