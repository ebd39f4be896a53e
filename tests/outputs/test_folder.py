"""The one output folder every command writes through: riskSim only replaces what it wrote.

Library-level cases, each in tmp_path: a new folder, an earlier riskSim
output with a user's files in it, a folder riskSim did not make (refused, or
written beside with force), an empty folder, a link, stale temporaries, and a
writer killed at every step of its commit and then recovered by the next.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from riskSim.errors import InvalidInputError, OutputError
from riskSim.outputs import folder as module
from riskSim.outputs.folder import (
    MANIFEST_NAME,
    check_output_folder,
    manifest_text,
    output_folder,
    read_manifest,
)


def write(target: Path, files: dict[str, str], **options: object) -> Path:
    """One write of ``files`` (relative path -> text) into ``target``."""
    with output_folder(target, command="risksim test", **options) as staging:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return target


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links not followed) and its text; folders end in '/'."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        found[relative + ("/" if path.is_dir() and not path.is_symlink() else "")] = (
            "" if path.is_dir() else path.read_text()
        )
    return found


def beside(folder: Path) -> list[str]:
    """What is in ``folder``'s parent apart from ``folder``: temporaries and locks would show."""
    return sorted(entry for entry in os.listdir(folder.parent) if entry != folder.name)


OLD = {"summary.json": "old summary", "charts/a.png": "old a", "charts/gone.png": "old gone"}
NEW = {"summary.json": "new summary", "charts/a.png": "new a", "report.md": "new report"}


def test_a_new_folder_holds_the_files_and_a_manifest_listing_them(tmp_path: Path) -> None:
    out = write(tmp_path / "runs" / "out", NEW)
    assert tree(out) == {
        MANIFEST_NAME: manifest_text("risksim test", NEW, ["charts"]),
        "charts/": "",
        **NEW,
    }
    document = json.loads((out / MANIFEST_NAME).read_text())
    assert document == {
        "risksim_manifest": 1,
        "risksim_version": module._version(),
        "command": "risksim test",
        "files": ["charts/a.png", "report.md", "summary.json"],
        "folders": ["charts"],
    }
    assert beside(out) == []


def test_the_manifest_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    first = (write(tmp_path / "one", NEW) / MANIFEST_NAME).read_bytes()
    again = (write(write(tmp_path / "two", OLD), NEW) / MANIFEST_NAME).read_bytes()
    assert first == again  # a rewrite lists the same folders as a first write
    assert str(tmp_path).encode() not in first


def test_rewrite_replaces_risksims_files_and_keeps_the_users(tmp_path: Path) -> None:
    out = write(tmp_path / "out", OLD)
    (out / "notes.md").write_text("my notes")
    (out / "charts" / "mine.png").write_text("my chart")
    (out / "mine").mkdir()
    (out / "mine" / "deep.txt").write_text("deep")
    write(out, NEW)
    assert tree(out) == {
        MANIFEST_NAME: manifest_text("risksim test", NEW, ["charts"]),
        "charts/": "",
        "charts/a.png": "new a",
        "charts/mine.png": "my chart",
        "mine/": "",
        "mine/deep.txt": "deep",
        "notes.md": "my notes",
        "report.md": "new report",
        "summary.json": "new summary",
    }
    assert read_manifest(out) == sorted(NEW)
    assert beside(out) == []


def test_a_folder_risksim_made_and_no_longer_needs_goes(tmp_path: Path) -> None:
    out = write(tmp_path / "out", OLD)
    write(out, {"summary.json": "no charts this time"})
    assert tree(out) == {
        MANIFEST_NAME: manifest_text("risksim test", ["summary.json"]),
        "summary.json": "no charts this time",
    }


def test_a_risksim_folder_holding_a_users_file_stays(tmp_path: Path) -> None:
    out = write(tmp_path / "out", OLD)
    (out / "charts" / "mine.png").write_text("my chart")
    write(out, {"summary.json": "no charts this time"})
    assert tree(out)["charts/mine.png"] == "my chart"
    assert "charts/a.png" not in tree(out)


def test_a_folder_risksim_did_not_make_is_refused_and_left_alone(tmp_path: Path) -> None:
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "thesis.docx").write_text("three years of work")
    (thesis / ".git").mkdir()
    (thesis / ".git" / "HEAD").write_text("ref: refs/heads/main")
    before = tree(thesis)
    with pytest.raises(InvalidInputError) as raised:
        write(thesis, NEW, suggest=thesis / "hand")
    assert str(raised.value) == (
        f"--out: {thesis} is not empty and is not a riskSim output (it has no "
        f"{MANIFEST_NAME}). Give the outputs a folder of their own, e.g. --out {thesis}/hand, "
        "or add --force to write riskSim's files beside what is there (a file of the same "
        "name is replaced; nothing else is touched)."
    )
    assert tree(thesis) == before
    assert beside(thesis) == []  # not even a lock file
    with pytest.raises(InvalidInputError):
        check_output_folder(thesis)
    check_output_folder(thesis, force=True)


def test_force_writes_beside_the_users_files_and_deletes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "scen.yaml").write_text("the scenario")
    (folder / "report.md").write_text("the user's own report")
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.txt").write_text("deep")
    mode = folder.stat().st_mode
    write(folder, NEW, force=True)
    assert tree(folder) == {
        MANIFEST_NAME: manifest_text("risksim test", NEW, ["charts"]),
        "charts/": "",
        "charts/a.png": "new a",
        "report.md": "new report",  # the same name: replaced, as --force says
        "scen.yaml": "the scenario",
        "sub/": "",
        "sub/deep.txt": "deep",
        "summary.json": "new summary",
    }
    assert folder.stat().st_mode == mode
    # now it is a riskSim output: the next write needs no force and keeps the user's files
    write(folder, {"summary.json": "again"})
    assert tree(folder) == {
        MANIFEST_NAME: manifest_text("risksim test", ["summary.json"]),
        "scen.yaml": "the scenario",
        "sub/": "",
        "sub/deep.txt": "deep",
        "summary.json": "again",
    }


def test_force_never_replaces_a_users_folder_with_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    (folder / "report.md").mkdir(parents=True)
    (folder / "report.md" / "inside.txt").write_text("kept")
    with pytest.raises(InvalidInputError, match="report.md is a folder riskSim did not make"):
        write(folder, NEW, force=True)
    assert tree(folder) == {"report.md/": "", "report.md/inside.txt": "kept"}
    assert beside(folder) == []


def test_a_users_file_where_risksim_now_writes_one_needs_force(tmp_path: Path) -> None:
    out = write(tmp_path / "out", {"summary.json": "old"})
    (out / "report.md").write_text("the user's report")
    with pytest.raises(InvalidInputError, match="report.md is a file riskSim did not write"):
        write(out, NEW)
    assert tree(out)["report.md"] == "the user's report"
    assert tree(out)["summary.json"] == "old"
    write(out, NEW, force=True)
    assert tree(out)["report.md"] == "new report"


def test_an_empty_folder_is_written_into_not_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    folder.chmod(0o1777)
    inode = folder.stat().st_ino
    write(folder, NEW)
    assert tree(folder) == {
        MANIFEST_NAME: manifest_text("risksim test", NEW, ["charts"]),
        "charts/": "",
        **NEW,
    }
    assert folder.stat().st_ino == inode  # a shell sitting in it stays in it
    assert stat.S_IMODE(folder.stat().st_mode) == 0o1777


def test_a_link_is_written_through_never_replaced(tmp_path: Path) -> None:
    real = write(tmp_path / "elsewhere" / "real", OLD)
    (real / "notes.md").write_text("mine")
    link = tmp_path / "link"
    link.symlink_to(real)
    write(link, NEW)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert tree(real)["summary.json"] == "new summary"
    assert tree(real)["notes.md"] == "mine"
    assert sorted(os.listdir(tmp_path)) == ["elsewhere", "link"]
    assert beside(real) == []


def test_a_link_to_a_folder_risksim_did_not_make_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.docx").write_text("work")
    link = tmp_path / "link"
    link.symlink_to(home)
    with pytest.raises(InvalidInputError, match=f"{link} \\({home}\\) is not empty"):
        write(link, NEW)
    assert link.is_symlink() and tree(home) == {"thesis.docx": "work"}


def test_an_empty_name_and_the_root_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="an empty folder name"):
        write("", NEW)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="the root of the file system"):
        check_output_folder("/", force=True)


def test_a_file_in_the_way_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="exists and is not a folder"):
        write(blocker, NEW)
    with pytest.raises(OutputError, match=f"{blocker} is a file, not a folder"):
        write(blocker / "out", NEW)
    assert blocker.read_text() == "not a folder"


def test_a_failure_while_writing_leaves_the_earlier_result(tmp_path: Path) -> None:
    out = write(tmp_path / "out", OLD)
    before = tree(out)
    with pytest.raises(KeyboardInterrupt), output_folder(out, command="risksim test") as staging:
        (staging / "summary.json").write_text("half")
        raise KeyboardInterrupt
    assert tree(out) == before
    assert beside(out) == []


def test_stale_temporaries_of_the_target_go_and_nothing_else(tmp_path: Path) -> None:
    out = write(tmp_path / "out", OLD)
    stale = tmp_path / ".out.risksim-tmp-999999-abcd_123"
    (stale / "charts").mkdir(parents=True)
    (stale / "summary.json").write_text("half-written by a killed run")
    legacy = tmp_path / ".out.k2j4h5g6.tmp"  # what riskSim left before manifests
    legacy.mkdir()
    lock = tmp_path / ".out.risksim-lock"
    lock.write_text("")  # a killed holder's
    others = [
        tmp_path / ".other.risksim-tmp-999999-abcd_123",  # another target's
        tmp_path / ".out.notes",  # the user's
        tmp_path / ".out.risksim-tmp-999999-abcd_123.bak",  # not a name riskSim makes
    ]
    for other in others:
        other.mkdir()
    write(out, NEW)
    assert not stale.exists() and not legacy.exists() and not lock.exists()
    assert all(other.is_dir() for other in others)
    assert tree(out)["summary.json"] == "new summary"


def test_an_earlier_result_an_older_risksim_left_hidden_comes_back(tmp_path: Path) -> None:
    hidden = tmp_path / ".out.ab12cd34.old"  # killed between its two renames
    hidden.mkdir()
    (hidden / "summary.json").write_text("the earlier result")
    out = tmp_path / "out"
    with pytest.raises(InvalidInputError, match="is not a riskSim output"):
        write(out, NEW)  # restored, then refused: that riskSim wrote no manifest
    assert tree(out) == {"summary.json": "the earlier result"}
    assert beside(out) == []


def test_two_writers_at_once_end_with_one_complete_result(tmp_path: Path) -> None:
    out = write(tmp_path / "out", OLD)
    (out / "notes.md").write_text("mine")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(tag: str) -> None:
        try:
            start.wait()
            for round_ in range(5):
                files = {name: f"{tag} {round_} {name}" for name in NEW}
                with output_folder(out, command="risksim test") as staging:
                    (staging / "charts").mkdir()
                    for name, text in files.items():
                        (staging / name).write_text(text)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(tag,)) for tag in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    found = tree(out)
    last = {found[name].rsplit(" ", 1)[0] for name in NEW}
    assert len(last) == 1  # every file from the same write
    assert found["notes.md"] == "mine"
    assert set(found) == {MANIFEST_NAME, "charts/", "notes.md", *NEW}
    assert beside(out) == []


# A writer killed (os._exit: no clean-up of any kind) before each of its file-system
# steps in turn; the next writer must find the old or the new result, complete.

STEPS = ("replace", "rename", "unlink", "rmdir", "mkdir")


def killed_at(step: int, target: Path, files: dict[str, str]) -> bool:
    """Write ``files`` in a child killed at file-system step ``step``; True if it got there."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        count = 0

        def counted(original):  # type: ignore[no-untyped-def]
            def call(*args, **kwargs):  # type: ignore[no-untyped-def]
                nonlocal count
                count += 1
                if count == step:
                    os._exit(9)
                return original(*args, **kwargs)

            return call

        for name in STEPS:
            setattr(os, name, counted(getattr(os, name)))
        try:
            write(target, files)
        except BaseException:  # noqa: BLE001
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, 9), code
    return code == 9


def result_after_recovery(target: Path) -> dict[str, str]:
    """What the next writer finds once it has recovered (its own write then fails)."""
    with pytest.raises(RuntimeError), output_folder(target, command="risksim test"):
        raise RuntimeError("look, do not write")
    if not target.exists():
        assert os.listdir(target.parent) == []
        return {}
    assert beside(target) == []
    return tree(target)


def risksims_files(found: dict[str, str], users: tuple[str, ...] = ("notes.md",)) -> dict[str, str]:
    """riskSim's files, once checked that the manifest lists exactly the files besides the user's."""
    listed = json.loads(found[MANIFEST_NAME])["files"]
    files = [name for name in found if not name.endswith("/") and name != MANIFEST_NAME]
    assert sorted(files) == sorted([*listed, *users])
    return {name: found[name] for name in listed}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_kill_at_any_step_of_a_rewrite_ends_in_the_old_or_the_new_result(
    tmp_path: Path,
) -> None:
    outcomes = set()
    for step in range(1, 100):
        target = tmp_path / f"step{step}" / "out"
        write(target, OLD)
        (target / "notes.md").write_text("mine")
        if not killed_at(step, target, NEW):
            break
        found = result_after_recovery(target)
        assert found["notes.md"] == "mine", step
        assert found.get("charts/") == "", step
        ours = risksims_files(found)
        assert ours in (OLD, NEW), (step, ours)
        outcomes.add("old" if ours == OLD else "new")
    else:
        pytest.fail("the write never finished")
    assert step > 5 and outcomes == {"old", "new"}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_kill_at_any_step_of_a_first_write_ends_in_nothing_or_the_result(
    tmp_path: Path,
) -> None:
    outcomes = set()
    for step in range(1, 100):
        target = tmp_path / f"step{step}" / "out"
        if not killed_at(step, target, NEW):
            break
        found = result_after_recovery(target)
        if found:
            assert risksims_files(found, users=()) == NEW
        outcomes.add(bool(found))
    else:
        pytest.fail("the write never finished")
    assert outcomes == {False, True}
