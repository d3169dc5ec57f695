"""A student's documents on the Student card: the transcript, the certificate of enrolment and a
graduate's diploma supplement as
PDF, made by the reports' one runner (registrar/reports/run.py) exactly as the Reports page and
`registrar report` make them, and downloaded through `ui.download` (built on the click, recorded
in the audit log). Only the roles that may open the Reports page get the buttons (rules B30:
documents about a named student are the registrar's)."""

from __future__ import annotations

import streamlit as st

from dashboards import auth
from dashboards.data import warehouse
from dashboards.ui import download
from registrar.access.roles import may_open
from registrar.common.i18n import md, t
from registrar.reports import catalog, export, params, run
from registrar.reports.base import Report, ReportError, ReportParams

# (report, label of its button, whether a refusal is said), in the order of the buttons: the diploma
# supplement is a graduate's, so for anyone else its button is simply not there
DOCUMENTS = (("transcript", "stu_doc_transcript", True), ("enrolment_certificate", "stu_doc_certificate", True),
             ("diploma_supplement", "stu_doc_supplement", False))
PDF_MIME = "application/pdf"


def allowed() -> bool:
    """Whether this session's role may make the documents: the roles of the Reports page."""
    account = auth.current_account()
    return account is not None and may_open(account.role, "reports")


def _pdf(report: Report, parsed: ReportParams) -> bytes:
    """The document as PDF, by the one runner (on the click, on Streamlit's download thread)."""
    with warehouse().cursor() as con:
        return run.produce(report, parsed, ("pdf",), con)["pdf"].data


def buttons(student_id: str, language: str) -> None:
    """One download button per document for `student_id`, in the page's language; a document the
    reports refuse (a certificate for an expelled student) shows why instead of its button."""
    if not allowed():
        return
    row = st.container(horizontal=True)
    for name, label_key, say_refusal in DOCUMENTS:
        report = catalog.get(name)
        try:
            with warehouse().cursor() as con:
                parsed = params.parse(report, con, lang=language, student=student_id)
                doc = report.build(con, parsed)  # so a refusal is said before any click, and the file name
        except ReportError as refused:
            if not say_refusal:
                continue
            st.caption(t("stu_doc_refused", language, document=t(label_key, language), reason=md(refused)))
            continue
        download(row, t(label_key, language), lambda r=report, p=parsed: _pdf(r, p),
                 file_name=export.default_file_name(doc, "pdf"), mime=PDF_MIME, key=f"stu_doc_{name}",
                 what=f"report:{name}", format="pdf", student=student_id, lang=language)
