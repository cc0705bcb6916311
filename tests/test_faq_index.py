"""The FAQ index on disk: reused while nothing changes, rebuilt otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from permanence import faq
from permanence.workspace import Workspace
from tests.conftest import REPO_ROOT, Invoke

CACHE = Path(".permanence") / "cache" / "faq-index.bin"


def cache_identity(root: Path) -> tuple[int, int]:
    stat = (root / CACHE).stat()
    return stat.st_ino, stat.st_mtime_ns


def search(root: Path, query: str = "braderie") -> faq.SearchOutcome:
    return faq.search(Workspace(root), query, record=False)


def test_first_search_builds_the_index_and_the_next_reuse_it(
    sample_workspace: Path,
) -> None:
    assert search(sample_workspace).rebuilt
    built = cache_identity(sample_workspace)
    again = search(sample_workspace)
    assert not again.rebuilt
    assert again.answers[0].id == "braderie"
    assert cache_identity(sample_workspace) == built


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("edit", ["braderie"]),
        ("add", ["nouvelle"]),
        ("remove", []),
        ("synonyms", ["braderie"]),
        ("guide", []),
    ],
)
def test_a_changed_source_file_rebuilds_the_index(
    sample_workspace: Path, change: str, expected: list[str]
) -> None:
    search(sample_workspace)
    built = cache_identity(sample_workspace)
    entry = sample_workspace / "faq" / "braderie.md"
    if change == "edit":
        entry.write_text(entry.read_text(encoding="utf-8") + "\nTrampoline.\n", "utf-8")
    elif change == "add":
        (sample_workspace / "faq" / "nouvelle.md").write_text(
            "---\nquestion: Prêtez-vous un trampoline ?\n---\nNon.\n", encoding="utf-8"
        )
    elif change == "remove":
        entry.unlink()
    elif change == "synonyms":
        (sample_workspace / "faq" / "synonyms.yaml").write_text(
            "synonyms:\n  - [braderie, trampoline]\n", encoding="utf-8"
        )
    else:
        (sample_workspace / "guide" / "presse.md").unlink()
    outcome = search(sample_workspace, "trampoline")
    assert outcome.rebuilt
    assert cache_identity(sample_workspace) != built
    assert [answer.id for answer in outcome.answers][:1] == expected
    if change == "remove":
        assert "braderie" not in [a.id for a in search(sample_workspace).answers]
    if change == "guide":
        presse = search(sample_workspace, "presse").answers
        assert "guide/presse" not in [a.id for a in presse]


def test_a_same_size_edit_within_the_same_second_is_seen(
    sample_workspace: Path,
) -> None:
    search(sample_workspace)
    entry = sample_workspace / "faq" / "braderie.md"
    stat = entry.stat()
    text = entry.read_text(encoding="utf-8").replace("braderie", "BRADERIE", 1)
    entry.write_text(text, encoding="utf-8")
    os.utime(entry, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert search(sample_workspace).rebuilt


def test_a_corrupt_cache_is_rebuilt(sample_workspace: Path) -> None:
    search(sample_workspace)
    (sample_workspace / CACHE).write_bytes(b"\0" * 64)
    outcome = search(sample_workspace)
    assert outcome.rebuilt
    assert outcome.answers[0].id == "braderie"
    assert not search(sample_workspace).rebuilt


def test_an_unwritable_state_folder_still_answers(sample_workspace: Path) -> None:
    (sample_workspace / ".permanence").write_text("not a folder", encoding="utf-8")
    workspace = Workspace(sample_workspace)
    outcome = faq.search(workspace, "braderie")
    assert outcome.answers[0].id == "braderie"
    nothing = faq.search(workspace, "adopter un chien")
    assert nothing.answers == []
    assert not nothing.recorded


def _imports_of(args: list[str], workspace: Path) -> set[str]:
    """Run ``permanence ARGS`` in a fresh process; return the modules loaded."""
    code = (
        "import sys\n"
        "from permanence.cli.main import run\n"
        f"sys.argv = ['permanence', *{args!r}]\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = {**os.environ, "PERMANENCE_WORKSPACE": str(workspace), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env,
        cwd=REPO_ROOT, check=True,
    )  # fmt: skip
    return set(done.stderr.split())


def test_a_search_does_not_load_heavy_libraries(sample_workspace: Path) -> None:
    _imports_of(["faq", "braderie"], sample_workspace)  # builds the index
    loaded = _imports_of(["faq", "braderie"], sample_workspace)
    for heavy in ("gspread", "icalendar", "google", "rapidfuzz", "snowballstemmer"):
        assert not any(name.split(".")[0] == heavy for name in loaded), heavy
    assert "rich.markdown" not in loaded
    assert "permanence.knowledge" not in loaded  # no page parsing on a warm index
    assert "rich" not in loaded  # answers are styled by the framework


def test_a_json_search_does_not_load_rich(sample_workspace: Path) -> None:
    _imports_of(["faq", "braderie"], sample_workspace)
    loaded = _imports_of(["faq", "--json", "braderie"], sample_workspace)
    assert not any(name.startswith("rich") for name in loaded)


def test_only_two_slips_in_a_long_word_load_the_fuzzy_matcher(
    sample_workspace: Path,
) -> None:
    _imports_of(["faq", "braderie"], sample_workspace)
    one_slip = _imports_of(["faq", "--json", "brderie"], sample_workspace)
    assert "rapidfuzz" not in one_slip
    assert "Stemmer" in one_slip  # an unseen word is stemmed by the C stemmer
    two_slips = _imports_of(["faq", "--json", "staionement"], sample_workspace)
    assert "rapidfuzz" in two_slips


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("brderie", "braderie"),  # a letter missing
        ("braaderie", "braderie"),  # a letter extra
        ("brqderie", "braderie"),  # a letter wrong
        ("brdaerie", "braderie"),  # two neighbours swapped
        ("staionement", "stationnement"),  # two slips in a long word
    ],
)
def test_each_kind_of_slip_finds_the_entry(
    invoke: Invoke, sample_workspace: Path, query: str, found: str
) -> None:
    done = invoke(["-w", sample_workspace, "faq", "--json", query])
    assert json.loads(done.stdout)[0]["id"] == found


def _run_script(code: str, *args: str) -> list[str]:
    """Run Python ``code`` in a fresh process (no test threads to fork beside)."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True,
        cwd=REPO_ROOT, check=True,
    )  # fmt: skip
    return done.stdout.split()


BACKGROUND_SCRIPT = """
import gc, os, sys
from pathlib import Path
from permanence.search import stamp

faq = Path(sys.argv[1])
sources = stamp.Sources((faq,), (faq / "synonyms.yaml",))
other = stamp.Sources((faq.parent / "guide",), ())
stamp.start_in_background(sources)
print(gc.get_freeze_count() > 0)  # nothing shared is written to by the collector
background = stamp.from_background(sources)
print(background is not None and background == stamp.source_stamp(sources))
print(stamp.from_background(sources))  # collected once only
stamp.start_in_background(sources)
print(stamp.from_background(other))  # not what was started
try:
    os.waitpid(-1, os.WNOHANG)
except ChildProcessError:
    print("reaped")
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the stamp is computed in place")
def test_the_stamp_computed_in_the_background_is_the_stamp(
    sample_workspace: Path,
) -> None:
    lines = _run_script(BACKGROUND_SCRIPT, str(sample_workspace / "faq"))
    assert lines == ["True", "True", "None", "None", "reaped"]


def test_the_command_sees_an_edit_made_in_place(sample_workspace: Path) -> None:
    """An editor writing into the same file leaves the folder's time alone.

    The stamp is computed in the background whatever the index's size.
    """
    command = (
        "import sys\n"
        "from permanence.cli.main import run\n"
        "from permanence.search import stamp\n"
        "stamp.BACKGROUND_MIN_INDEX_SIZE = 0\n"
        "sys.argv = ['permanence', '-w', sys.argv[1], 'faq', '--json', 'trampoline']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
    )
    assert _run_script(command, str(sample_workspace)) == ["[]"]
    entry = sample_workspace / "faq" / "braderie.md"
    folder_time = entry.parent.stat().st_mtime_ns
    with entry.open("r+", encoding="utf-8") as stream:
        stream.seek(0, os.SEEK_END)
        stream.write("\nOn y trouve parfois un trampoline.\n")
    assert entry.parent.stat().st_mtime_ns == folder_time
    found = " ".join(_run_script(command, str(sample_workspace)))
    assert '"id": "braderie"' in found
