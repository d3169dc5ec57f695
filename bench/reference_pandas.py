"""The pandas reference: the core numbers as a good analyst's vectorised pandas script computes them
straight from the extract CSVs, with no warehouse, no contract checks and no tests.

    python bench/reference_pandas.py EXTRACT_DIR OUT_DIR

Writes three Parquet files to OUT_DIR, which `registrar-bench` compares with the marts:
- student_terms: per student x academic year x term, the term's credits attempted and earned and
  term GPA, and the cumulative credits and GPA at the end of the term (rules B2-B8);
- attestation: per academic year x term x discipline x group, the students graded at their first
  attempt and those who passed it (rules B9);
- headcount: per 1 October (census_month_day) x programme, the students counted in the headcount
  from the replay of the orders (rules B10, B12).

The rules are read from the same seeds and vars the models use (through `policy`), so a changed
policy changes both sides. The recognition commission's checks are those that decide whether a
line counts (credits, score range, same term as a session result, already passed, recognised twice
in a term, one bad line voiding the protocol); the curriculum check is left out, as an analyst
would, and the comparison would show it if the extracts ever needed it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

import policy


def _seed(name: str) -> pd.DataFrame:
    return pd.read_csv(policy.seed_path(name), dtype=str, keep_default_na=False)


def _hundredths(series: pd.Series) -> pd.Series:
    """An extract decimal as whole hundredths (int64; NaN stays NaN as float): exact arithmetic."""
    return (pd.to_numeric(series) * 100).round()


def _letters(final: pd.Series, pass_fail: pd.Series, basis: pd.Series, scale: pd.DataFrame,
             v: dict[str, object]) -> pd.Series:
    """The letter of each result (rules B1, B4, B5)."""
    bins = scale.sort_values("min_percent")
    edges = bins["min_percent"].astype(int).to_numpy()
    idx = np.searchsorted(edges, final.fillna(-1).to_numpy(), side="right") - 1
    top = bins["max_percent"].astype(int).to_numpy()
    ok = (idx >= 0) & (final.fillna(-1).to_numpy() <= top[np.clip(idx, 0, None)])
    by_scale = np.where(ok, bins["letter_grade"].to_numpy()[np.clip(idx, 0, None)], None)
    letter = pd.Series(by_scale, index=final.index, dtype=object)
    letter = letter.mask(basis == "not_admitted", v["letter_not_admitted"])
    letter = letter.mask(basis == "no_show", v["letter_no_show"])
    letter = letter.mask(basis == "exam_below_min", v["letter_exam_below_min"])
    pf_pass = pass_fail & (basis.isin(["pass_fail", "recognised"])) & (final >= float(v["pass_fail_min_score"]))
    letter = letter.mask(pass_fail, np.where(pf_pass, v["letter_pass"], v["letter_pass_fail_failed"]))
    return letter


def _grade(frame: pd.DataFrame, scale: pd.DataFrame, v: dict[str, object]) -> pd.DataFrame:
    """Points, traditional grade and pass of each letter."""
    by_letter = scale.set_index("letter_grade")
    frame["points100"] = frame["letter_grade"].map((by_letter["grade_points"].astype(float) * 100).round())
    frame["traditional_grade"] = frame["letter_grade"].map(by_letter["traditional_grade"])
    frame.loc[frame["letter_grade"] == v["letter_pass"], "traditional_grade"] = "pass"
    frame["is_passed"] = (frame["letter_grade"] == v["letter_pass"]) | frame["letter_grade"].map(
        by_letter["is_passing"] == "true").fillna(False).astype(bool)
    return frame


def results(src: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every scored session attempt, and every result in the record (sessions + counted recognitions)."""
    v = policy.dbt_vars()
    scale = _seed("grade_scale")
    scale = scale[scale["scale_version"] == str(v["grade_scale_version"])]
    terms = _seed("terms").set_index("term")["term_order"].astype(int)
    disc = pd.read_csv(src / "disciplines.csv", dtype=str, keep_default_na=False,
                       usecols=["discipline_code", "credits", "assessment", "counts_in_gpa"])
    disc["credits"] = disc["credits"].astype(int)
    disc["pass_fail"] = disc["assessment"] == "pass_fail"
    disc["counts_in_gpa"] = (disc["counts_in_gpa"].str.lower() != "false") & ~disc["pass_fail"]

    g = pd.read_csv(src / "grades.csv", dtype={"student_id": str, "discipline_code": str, "academic_year": str,
                                                "term": str, "attempt": "int64"},
                    usecols=["student_id", "discipline_code", "academic_year", "term", "attempt",
                             "rk1", "rk2", "exam"])
    g = g.merge(disc, on="discipline_code")
    rk = _hundredths(g["rk1"]) + _hundredths(g["rk2"])  # admission rating = rk / 200 (B2)
    exam = _hundredths(g["exam"])
    w_rating = round(float(v["final_score_rating_weight"]) * 10000)
    w_exam = round(float(v["final_score_exam_weight"]) * 10000)
    # B3 in exact integers: final x 1,000,000 = w_rating x rk / 2 + w_exam x exam, then half up
    scaled = (w_rating * rk) // 2 + w_exam * exam.fillna(0)
    g["final_score"] = (scaled + 500_000) // 1_000_000
    basis = pd.Series("scale", index=g.index, dtype=object)
    basis = basis.mask(g["pass_fail"], "pass_fail")
    basis = basis.mask(exam < float(v["exam_pass_min"]) * 100, "exam_below_min")
    basis = basis.mask(exam.isna(), "no_show")
    basis = basis.mask(rk < float(v["admission_rating_min"]) * 200, "not_admitted")
    g["letter_grade"] = _letters(g["final_score"], g["pass_fail"], basis, scale, v)
    g = _grade(g, scale, v)
    g["term_seq"] = g["academic_year"].str[:4].astype(int) * 10 + g["term"].map(terms)
    g["source"] = "session"

    r = pd.read_csv(src / "recognitions.csv", dtype={"protocol_no": str, "student_id": str, "discipline_code": str,
                                                      "academic_year": str, "term": str, "credits": "int64"},
                    usecols=["protocol_no", "protocol_date", "student_id", "discipline_code", "academic_year",
                             "term", "credits", "final_score"], parse_dates=["protocol_date"])
    r = r.merge(disc.rename(columns={"credits": "discipline_credits"}), on="discipline_code")
    given = _hundredths(r["final_score"])
    r["final_score"] = (given + 50) // 100
    r["letter_grade"] = _letters(r["final_score"], r["pass_fail"], pd.Series("recognised", index=r.index), scale, v)
    r = _grade(r, scale, v)
    r["term_seq"] = r["academic_year"].str[:4].astype(int) * 10 + r["term"].map(terms)
    r["attempt"] = 1
    r["source"] = "recognised"
    # the checks that decide whether a line counts (rule 4.1.16)
    keys = ["student_id", "discipline_code"]
    out_of_range = (given < 0) | (given > 10000) | (~r["pass_fail"] & r["letter_grade"].isna())
    line_ok = (r["credits"] == r["discipline_credits"]) & ~out_of_range
    session_terms = g[keys + ["academic_year", "term"]].drop_duplicates().assign(_s=True)
    same_term = r.merge(session_terms, on=keys + ["academic_year", "term"], how="left")["_s"].notna().to_numpy()
    first_pass = g[g["is_passed"]].groupby(keys)["term_seq"].min().rename("first_pass").reset_index()
    passed_in_session = (r.merge(first_pass, on=keys, how="left")["first_pass"] <= r["term_seq"].to_numpy()).to_numpy()
    twice = r.sort_values(["protocol_date", "protocol_no"]).groupby(
        keys + ["academic_year", "term"]).cumcount().reindex(r.index) > 0
    clean_pass = r[r["is_passed"] & line_ok][keys + ["protocol_date", "protocol_no"]]
    pairs = r[keys + ["protocol_date", "protocol_no"]].reset_index().merge(clean_pass, on=keys, suffixes=("", "_e"))
    earlier = (pairs["protocol_date"] > pairs["protocol_date_e"]) | (
        (pairs["protocol_date"] == pairs["protocol_date_e"]) & (pairs["protocol_no"] > pairs["protocol_no_e"]))
    recognised_before = r.index.isin(pairs.loc[earlier, "index"])
    issue = ~line_ok | same_term | passed_in_session | recognised_before | twice.to_numpy()
    r["issue"] = issue
    voided = r.groupby(["protocol_no", "student_id"])["issue"].transform("any")
    if str(v["recognition_issue_scope"]) != "protocol":
        voided = r["issue"]
    r = r[~voided]
    cols = ["student_id", "discipline_code", "academic_year", "term", "term_seq", "attempt", "source",
            "credits", "points100", "counts_in_gpa", "is_passed"]
    return g, pd.concat([g[cols], r[cols]], ignore_index=True)


def student_terms(record: pd.DataFrame) -> pd.DataFrame:
    """Term and cumulative credits and GPA per student-term (rules B6-B8)."""
    last = record.sort_values(["student_id", "discipline_code", "term_seq", "attempt"]).drop_duplicates(
        ["student_id", "discipline_code", "term_seq"], keep="last").copy()
    # a result stands from its term until the term of the next attempt at the discipline (B6)
    last["next_seq"] = last.groupby(["student_id", "discipline_code"])["term_seq"].shift(-1)
    last["earned"] = last["credits"].where(last["is_passed"], 0)
    last["gpa_credits"] = last["credits"].where(last["counts_in_gpa"], 0)
    last["qp"] = (last["credits"] * last["points100"]).where(last["counts_in_gpa"], 0)
    figures = ["credits", "earned", "gpa_credits", "qp"]
    term = last.groupby(["student_id", "term_seq", "academic_year", "term"], as_index=False)[figures].sum()
    ends = last[last["next_seq"].notna()].copy()
    ends["term_seq"] = ends["next_seq"].astype(int)
    events = pd.concat([last[["student_id", "term_seq"] + figures],
                        ends[["student_id", "term_seq"]].join(-ends[figures])])
    delta = events.groupby(["student_id", "term_seq"], as_index=False)[figures].sum()
    delta = term[["student_id", "term_seq"]].merge(delta, on=["student_id", "term_seq"], how="left").fillna(0)
    delta = delta.sort_values(["student_id", "term_seq"])
    cum = delta.groupby("student_id")[figures].cumsum()
    cum.columns = ["cum_" + c for c in figures]
    term = term.merge(pd.concat([delta[["student_id", "term_seq"]], cum], axis=1), on=["student_id", "term_seq"])
    return pd.DataFrame({
        "student_id": term["student_id"], "academic_year": term["academic_year"], "term": term["term"],
        "credits_attempted": term["credits"].astype("int64"), "credits_earned": term["earned"].astype("int64"),
        "term_gpa": (term["qp"] / 100 / term["gpa_credits"]).where(term["gpa_credits"] > 0),
        "cumulative_credits_attempted": term["cum_credits"].astype("int64"),
        "cumulative_credits_earned": term["cum_earned"].astype("int64"),
        "cumulative_gpa": (term["cum_qp"] / 100 / term["cum_gpa_credits"]).where(term["cum_gpa_credits"] > 0),
    })


def attestation(src: Path, session: pd.DataFrame) -> pd.DataFrame:
    """First-attempt results per academic year x term x discipline x group (rules B9)."""
    keys = ["student_id", "discipline_code", "academic_year", "term"]
    first = session.sort_values(keys + ["attempt"]).drop_duplicates(keys, keep="first")[keys + ["is_passed"]]
    enr = pd.read_csv(src / "enrollments.csv", dtype=str, usecols=keys + ["group_code"])
    placed = first.merge(enr, on=keys, how="left")
    out = placed.groupby(["academic_year", "term", "discipline_code", "group_code"], dropna=False, as_index=False).agg(
        n_graded=("is_passed", "size"), n_passed=("is_passed", "sum"))
    return out.astype({"n_graded": "int64", "n_passed": "int64"})


def headcount(src: Path) -> pd.DataFrame:
    """Students in the headcount on each census day, per programme, from the replay of the orders (B10, B12)."""
    v = policy.dbt_vars()
    mt = _seed("movement_types")
    statuses = _seed("contingent_statuses")
    in_headcount = set(statuses.loc[statuses["counts_in_headcount"] == "true", "status"])
    o = pd.read_csv(src / "orders.csv", dtype=str, keep_default_na=False,
                    usecols=["order_no", "order_date", "student_id", "movement", "effective_date", "program_code"])
    o = o.merge(mt[["movement", "status_after", "sequence_in_order", "is_headcount_inflow"]], on="movement", how="left")
    o["no_number"] = pd.to_numeric(o["order_no"].str.extract(r"^\s*([0-9]+)", expand=False), errors="coerce")
    o["seq"] = o["sequence_in_order"].astype(int)
    o = o.sort_values(["student_id", "effective_date", "order_date", "no_number", "order_no", "seq", "movement"],
                      na_position="last", kind="mergesort")
    o["status"] = o["status_after"].replace("", np.nan).groupby(o["student_id"], sort=False).ffill()
    o["program"] = o["program_code"].replace("", np.nan).groupby(o["student_id"], sort=False).ffill()
    o["entered"] = (o["is_headcount_inflow"] == "true").groupby(o["student_id"], sort=False).cummax()
    days = o[o["entered"]].drop_duplicates(["student_id", "effective_date"], keep="last")
    first_day, last_day = days["effective_date"].min(), o["effective_date"].max()
    cal = pd.read_csv(src / "calendar.csv", dtype=str, usecols=["ends_on"])
    last_day = max(last_day, cal["ends_on"].max())
    frames = []
    # census days from the first entry to the end of the month of the data's last day
    end = (pd.Timestamp(last_day) + pd.offsets.MonthEnd(0)).strftime("%Y-%m-%d")
    for year in range(int(first_day[:4]), int(last_day[:4]) + 1):
        on = f"{year}-{v['census_month_day']}"
        if not first_day <= on <= end:
            continue
        state = days[days["effective_date"] <= on].drop_duplicates("student_id", keep="last")
        counted = state[state["status"].isin(in_headcount)]
        frames.append(counted.groupby("program", as_index=False).size().assign(snapshot_date=on))
    out = pd.concat(frames).rename(columns={"program": "program_code", "size": "headcount"})
    out["snapshot_date"] = pd.to_datetime(out["snapshot_date"]).dt.date
    return out[["snapshot_date", "program_code", "headcount"]].astype({"headcount": "int64"})


def main(argv: list[str]) -> int:
    src, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    session, record = results(src)
    student_terms(record).to_parquet(out / "student_terms.parquet", index=False)
    del record
    attestation(src, session).to_parquet(out / "attestation.parquet", index=False)
    del session
    headcount(src).to_parquet(out / "headcount.parquet", index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
