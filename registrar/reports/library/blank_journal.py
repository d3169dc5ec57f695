"""The journal of strict-accountability blanks for a period (statute 4.4.4, rules B32), as the accounting
form keeps it: per kind and series, the blanks on hand at the start, each movement of the period
(received, issued, spoiled, returned: one column per row of seed blank_movement_types) and on hand at the
end; then every movement of the period with its numbers and its invoice or act."""

from __future__ import annotations

import duckdb

from registrar.common.i18n import t
from registrar.reports._lists import check_span, label, period, section, show_date, tidy
from registrar.reports.base import Report, ReportDocument, ReportError, ReportParams, Section

NAME = "blank_journal"


def build(con: duckdb.DuckDBPyConnection, params: ReportParams) -> ReportDocument:
    lang = params.lang
    start, end = period(params, required=True)
    check_span(con, start, end, lang)
    if not con.execute("select count(*) from main.fct_blank_movements").fetchone()[0]:
        raise ReportError(t("diplomas_err_no_journal", lang))
    movements = con.execute(f"select movement, {label('label', lang)} from main.dim_blank_movement_types "
                            "order by sort_order, movement").fetchall()
    # one column per movement of the seed, in its order; a code the seed lacks still counts in the balance
    per_movement = ", ".join(
        f"cast(coalesce(sum(m.n_blanks) filter (where m.moved_on between $start and $end "
        f"and m.movement = $mv{i}), 0) as bigint) as m{i}" for i in range(len(movements)))
    frame = con.execute(f"""
        select any_value(m.{label('kind_label', lang)}) as kind, m.series,
               cast(coalesce(sum(m.on_hand_change) filter (where m.moved_on < $start), 0) as bigint) as opening,
               {per_movement},
               cast(coalesce(sum(m.on_hand_change), 0) as bigint) as closing
        from main.fct_blank_movements as m
        where m.moved_on <= $end
        group by m.kind_sort_order, m.kind, m.series
        order by m.kind_sort_order, m.kind, m.series
    """, {"start": start, "end": end, **{f"mv{i}": code for i, (code, _) in enumerate(movements)}}).df()
    frame.columns = [t("diplomas_col_kind", lang), t("diplomas_col_series", lang), t("blanks_col_opening", lang),
                     *(name for _, name in movements), t("blanks_col_closing", lang)]
    balance = Section(t("blanks_section_balance", lang), tidy(frame))
    lines = section(con, t("blanks_section_movements", lang), f"""
        select m.moved_on, m.{label('kind_label', lang)} as kind, m.series,
               m.{label('movement_label', lang)} as movement, m.number_from, m.number_to, m.n_blanks, m.document
        from main.fct_blank_movements as m
        where m.moved_on between $start and $end
        order by m.moved_on, m.kind_sort_order, m.series, m.movement_sort_order, m.number_from_value
    """, {"start": start, "end": end}, {
        "moved_on": "blanks_col_moved_on", "kind": "diplomas_col_kind", "series": "diplomas_col_series",
        "movement": "blanks_col_movement", "number_from": "blanks_col_number_from",
        "number_to": "blanks_col_number_to", "n_blanks": "blanks_col_n_blanks", "document": "blanks_col_document",
    }, lang)
    return ReportDocument(
        title=t("blanks_journal_title", lang),
        parameters=[(t("lists_period", lang), f"{show_date(start)} – {show_date(end)}")],
        sections=[balance, lines], file_stem=f"{NAME}_{start:%Y%m%d}-{end:%Y%m%d}_{lang}")


REPORT = Report(
    name=NAME,
    title_key="blanks_journal_name",
    description_key="blanks_journal_description",
    required=("period",),
    optional=(),
    formats=("xlsx", "csv", "pdf"),
    build=build,
)
