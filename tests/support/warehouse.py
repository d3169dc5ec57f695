"""Reading a published warehouse in tests, read-only, as independent SQL on its marts."""

from __future__ import annotations

from typing import Any

import duckdb

from registrar.common.paths import Home


def query(home: Home, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """The rows of `sql` on the warehouse published in `home`."""
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def latest_session(home: Home) -> tuple[str, str]:
    """The academic year and term of the latest main-term session with results (a summer term's
    retakes are not what a dean opens the page for: issue 23, point 1)."""
    return query(home, "select r.academic_year, r.term from main.fct_attestation_results r "
                       "join main.dim_terms t on t.academic_year = r.academic_year and t.term = r.term "
                       "where t.is_regular_semester "
                       "order by r.academic_year_start * 10 + r.term_order desc limit 1")[0]
