"""Extract files received through the browser (registrar/pipeline/upload.py, rules C7): the limits of
an upload, a ZIP's names made safe, the private upload folder, the check by the refresh's own loader;
and what the page reads of a refresh in the background: the lock's holder, the status file, dbt's
count of finished nodes (lock.py, refresh.RefreshStatus, dbt.py, background.py)."""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from registrar.common.paths import Home
from registrar.pipeline import background, dbt, upload
from registrar.pipeline.lock import RefreshBusy, describe, holder, refresh_lock
from registrar.pipeline.refresh import RefreshStatus, read_status
from registrar.pipeline.upload import Limits, UploadRefused
from tests.support.extracts import MINI, edit_rows

LIMITS = Limits(max_bytes=2**20, max_files=20, types=("csv", "xlsx", "zip"))


def mini_files() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(MINI.glob("*.csv"))]


def a_zip(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


def refused_key(home: Home, files: list[tuple[str, bytes]], limits: Limits = LIMITS) -> str:
    with pytest.raises(UploadRefused) as refused:
        upload.receive(home, files, limits)
    assert not any(upload.uploads_dir(home).glob("*/extracts/*")), "a refused upload left files behind"
    return refused.value.key


def a_link(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # unix: the mode is in the upper bits
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(("name", "key"), [
    ("../students.csv", "upload_refused_zip_unsafe"),
    ("extracts/../../students.csv", "upload_refused_zip_unsafe"),
    ("..\\students.csv", "upload_refused_zip_unsafe"),
    ("./students.csv", "upload_refused_zip_unsafe"),
    ("/etc/students.csv", "upload_refused_zip_absolute"),
    ("C:/export/students.csv", "upload_refused_zip_absolute"),
    ("\\\\server\\share\\students.csv", "upload_refused_zip_absolute"),
    ("a/b/students.csv", "upload_refused_zip_deep"),
    ("notes.txt", "upload_refused_unknown_name"),
    ("export/students.csv.exe", "upload_refused_unknown_name"),
    ("inner.zip", "upload_refused_unknown_name"),
])
def test_a_zip_with_one_unsafe_or_unknown_name_is_refused_whole(tmp_path: Path, name: str, key: str) -> None:
    home = Home(tmp_path / "home")
    members = [(n, d) for n, d in mini_files() if n != "students.csv"] + [(name, b"student_id\nS1\n")]
    assert refused_key(home, [("export.zip", a_zip(members))]) == key


def test_a_zip_with_a_link_is_refused_whole(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    others = [(n, d) for n, d in mini_files() if n != "students.csv"]
    zipped = a_zip([*others, (a_link("students.csv", "/etc/passwd"), b"/etc/passwd")])
    assert refused_key(home, [("export.zip", zipped)]) == "upload_refused_zip_link"


def test_a_zip_that_unpacks_past_the_limit_is_refused_before_unpacking(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def unpack(*_args: object) -> None:
        raise AssertionError("the ZIP was unpacked: its declared size was not checked first")

    monkeypatch.setattr(upload, "_unpack", unpack)
    home = Home(tmp_path / "home")
    bomb = a_zip([("grades.csv", b"0" * (4 * 2**20))])  # 4 MB of zeros: a few KB zipped
    assert len(bomb) < LIMITS.max_bytes
    assert refused_key(home, [("export.zip", bomb)]) == "upload_refused_zip_size"


def test_a_zip_whose_header_lies_about_its_size_is_stopped_while_unpacking(tmp_path: Path) -> None:
    archive = zipfile.ZipFile(io.BytesIO(a_zip([("grades.csv", b"0" * (3 * 2**20))])))
    info, = archive.infolist()
    info.file_size = 100  # as a forged central directory would say
    target = tmp_path / "target"
    target.mkdir()
    with pytest.raises((UploadRefused, zipfile.BadZipFile)):
        upload._unpack(archive, [(info, "grades.csv")], target, LIMITS)
    assert not (target / "grades.csv").exists() or (target / "grades.csv").stat().st_size <= 100 + upload.CHUNK


def test_a_zip_with_the_same_extract_twice_or_encrypted_or_unreadable_is_refused(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    twice = a_zip([("students.csv", b"x"), ("export/Students.xlsx", b"x")])
    assert refused_key(home, [("export.zip", twice)]) == "upload_refused_twice"
    raw = bytearray(a_zip([("students.csv", b"x")]))
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # mark it encrypted, as a tool would
        at = raw.index(signature) + flags_at
        raw[at] |= 0x1
    assert refused_key(home, [("export.zip", bytes(raw))]) == "upload_refused_zip_encrypted"
    assert refused_key(home, [("export.zip", b"not a zip at all")]) == "upload_refused_zip_unreadable"
    assert refused_key(home, [("export.zip", a_zip([("export/", b"")]))]) == "upload_refused_zip_empty"


def test_upload_limits_refuse_count_type_size_and_a_zip_with_other_files(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    files = mini_files()
    assert refused_key(home, files, Limits(LIMITS.max_bytes, len(files) - 1, LIMITS.types)) == "upload_refused_count"
    assert refused_key(home, [*files[:-1], ("teachers.txt", b"x")]) == "upload_refused_type"
    assert refused_key(home, files, Limits(LIMITS.max_bytes, 20, ("xlsx", "zip"))) == "upload_refused_type"
    total = sum(len(d) for _n, d in files)
    assert refused_key(home, files, Limits(total - 1, 20, LIMITS.types)) == "upload_refused_size"
    assert refused_key(home, [files[0], ("export.zip", a_zip(files[1:]))]) == "upload_refused_zip_alone"
    assert refused_key(home, [*files[:-1], ("notes.csv", b"x")]) == "upload_refused_unknown_name"
    assert refused_key(home, [*files, ("students.xlsx", b"x")]) == "upload_refused_twice"
    assert refused_key(home, []) == "upload_refused_nothing"
    zipped = a_zip(files)
    assert refused_key(home, [("export.zip", zipped)], Limits(LIMITS.max_bytes, len(files) - 1, LIMITS.types)) \
        == "upload_refused_count"


def test_the_limits_are_the_settings_and_only_readable_types_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload, "settings", lambda: {"upload_max_megabytes": 2, "upload_max_files": 3,
                                                     "upload_file_types": [".CSV", "exe", "zip"]})
    assert Limits.from_settings() == Limits(2 * 2**20, 3, ("csv", "zip"))
    assert str(UploadRefused("upload_refused_count", n=4, max=3)).startswith("4 files")


def test_a_good_zip_lands_private_in_a_new_folder_and_the_loader_checks_it(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    zipped = a_zip([(f"export/{n}", d) for n, d in mini_files()] + [("export/", b"")])
    first = upload.check(upload.receive(home, [("export.zip", zipped)], LIMITS))
    assert first.ok and not first.defects and first.row_counts["students"] == 4
    assert sorted(p.name for p in first.extract_dir.iterdir()) == sorted(n for n, _d in mini_files())
    assert first.extract_dir.parent.parent == home.root / "uploads"
    for path in [first.extract_dir.parent, first.extract_dir, *first.extract_dir.iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert not (first.extract_dir.parent / "check").exists()  # the scratch database is gone
    assert json.loads((first.extract_dir.parent / upload.CHECK_FILE).read_text())["ok"] is True
    second = upload.receive(home, mini_files(), LIMITS)
    assert second.extract_dir != first.extract_dir


def test_every_defect_of_an_uploaded_file_is_listed_by_the_refresh_s_rules(tmp_path: Path) -> None:
    spoiled = tmp_path / "spoiled"
    spoiled.mkdir()
    for name, data in mini_files():
        (spoiled / name).write_bytes(data)
    edit_rows(spoiled / "grades.csv", lambda rows: [{**rows[0], "exam": "abc"}, *rows[1:]])
    home = Home(tmp_path / "home")
    checked = upload.check(upload.receive(home, [(p.name, p.read_bytes()) for p in sorted(spoiled.iterdir())], LIMITS))
    assert not checked.ok
    found = [d for d in checked.defects if d.file == "grades.csv" and d.column == "exam"]
    assert found and found[0].row == 2 and found[0].value == "abc"
    assert not checked.row_counts  # nothing loaded


def test_old_uploads_are_pruned_but_a_protected_one_is_kept(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    made = [upload.receive(home, mini_files()[:1], LIMITS).extract_dir for _ in range(4)]
    upload.prune(home, keep=1, protect=[made[0]])
    assert sorted(p for p in upload.uploads_dir(home).iterdir()) == [made[0].parent, made[-1].parent]


def test_a_second_refresh_is_refused_naming_who_started_the_running_one_and_when(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    home.ensure()
    assert holder(home.lock) is None
    with refresh_lock(home.lock, by="a.registrar"):
        held = holder(home.lock)
        assert held is not None and f"pid {os.getpid()} since " in held and held.endswith("by a.registrar")
        with pytest.raises(RefreshBusy, match="by a.registrar") as busy:
            background.start(home, tmp_path, "b.registrar")
        assert describe(str(busy.value))["by"] == "a.registrar"  # as the page names who and since
        with pytest.raises(RefreshBusy, match=r"since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d by a.registrar"), \
                refresh_lock(home.lock):
            pass
        assert background.job(home).state == "running"
        assert describe(held) == {"pid": str(os.getpid()), "since": held.split("since ")[1][:19], "by": "a.registrar"}
    assert holder(home.lock) is None  # released: the text stays in the file, but no one holds it


def test_the_status_file_follows_the_steps_and_dbt_s_nodes(tmp_path: Path) -> None:
    home = Home(tmp_path)
    seen: list[str] = []
    status = RefreshStatus(home, "a.registrar", tmp_path / "extracts", seen.append)
    assert read_status(home) is None  # nothing before the first line (taken once the lock is held)
    status("[2/4] dbt build (models and tests) …")
    status("  dbt: 57 of 517 nodes done")
    found = read_status(home)
    assert found is not None
    assert (found["state"], found["step_no"], found["steps"], found["step"]) == ("running", 2, 4,
                                                                                 "dbt build (models and tests)")
    assert (found["nodes_done"], found["nodes_total"], found["started_by"]) == (57, 517, "a.registrar")
    status.finish("published", run_id="R1")
    assert read_status(home)["state"] == "published" and seen[-1] == "  dbt: 57 of 517 nodes done"
    # a finished refresh that no one holds the lock for is no longer running
    assert background.job(home).state == "published"


def test_dbt_s_finished_node_lines_are_counted() -> None:
    finished = ["12 of 517 OK created sql table model main.fct_grades ..... [OK in 0.31s]",
                "13 of 517 PASS not_null_fct_grades_student_id ...... [PASS in 0.02s]",
                "198 of 517 NO-OP exposure dashboard_reports ........ [NO-OP in 0.00s]",
                "14 of 517 FAIL 3 assert_contingent_periods_do_not_overlap [FAIL 3 in 0.1s]",
                "15 of 517 WARN 1 code_in_seed_x .... [WARN 1 in 0.1s]",
                "16 of 517 ERROR creating sql table model main.x .... [ERROR in 0.1s]",
                "17 of 517 SKIP relation main.y ..... [SKIP]",
                "1 of 12 OK loaded seed file reference.grade_scale ..... [INSERT 12 in 0.1s]"]
    assert all(dbt.NODE_FINISHED.match(line) for line in finished)
    assert not dbt.NODE_FINISHED.match("12 of 517 START sql table model main.fct_grades ..... [RUN]")


def test_a_launch_that_ended_without_a_status_of_its_own_is_reported_with_its_log(tmp_path: Path) -> None:
    home = Home(tmp_path)
    log = tmp_path / "x.log"
    log.write_text("registrar refresh: another refresh is running (pid 1 since … by someone)\n")
    (tmp_path / background.LAUNCH_FILE).write_text(json.dumps(
        {"pid": 2**22 + 7, "by": "a.registrar", "at": "2099-01-01T00:00:00", "log": str(log)}))
    job = background.job(home)
    assert job.state == "vanished" and "another refresh is running" in job.log_tail
    (tmp_path / "refresh_status.json").write_text(json.dumps(
        {"state": "running", "pid": 2**22 + 9, "started_at": "2099-01-02T00:00:00"}))
    assert background.job(home).state == "vanished"  # "running", but no one holds the lock: it died


def test_streamlit_takes_a_file_as_large_as_a_whole_upload(monkeypatch: pytest.MonkeyPatch) -> None:
    from registrar import cli

    command = cli.serve_command(8501, "127.0.0.1")
    assert command[command.index("--server.maxUploadSize") + 1] == str(Limits.from_settings().max_bytes // 2**20)
