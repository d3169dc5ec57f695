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
    """The academic year and term of the latest session with results."""
    return query(home, "select academic_year, term from main.fct_attestation_results "
                       "order by academic_year_start * 10 + term_order desc limit 1")[0]
