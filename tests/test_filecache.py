"""The stamp-keyed cache of values computed from workspace files."""

from __future__ import annotations

import os
from pathlib import Path

from permanence.adapters.filecache import files_stamp, load_cached


class Builder:
    """Counts how often the value had to be computed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.builds = 0

    def __call__(self) -> list[str]:
        self.builds += 1
        return sorted(path.read_text() for path in self.folder.glob("*.md"))

    def load(self, cache: Path) -> list[str]:
        return load_cached(cache, files_stamp([self.folder], []), self)


def test_value_is_rebuilt_only_when_a_source_changes(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.md").write_text("one")
    cache = tmp_path / "cache" / "value.pickle"
    builder = Builder(folder)

    assert builder.load(cache) == ["one"]
    assert builder.load(cache) == ["one"]
    assert builder.builds == 1

    (folder / "b.md").write_text("two")
    assert builder.load(cache) == ["one", "two"]
    (folder / "a.md").write_text("uno")
    os.utime(folder / "a.md", ns=(1, 1))
    assert builder.load(cache) == ["two", "uno"]
    (folder / "b.md").unlink()
    assert builder.load(cache) == ["uno"]
    assert builder.builds == 4


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.md").write_text("one")
    cache = tmp_path / "value.pickle"
    cache.write_bytes(b"not a pickle")
    builder = Builder(folder)
    assert builder.load(cache) == ["one"]
    assert builder.builds == 1
    assert builder.load(cache) == ["one"]
    assert builder.builds == 1


def test_unwritable_cache_folder_still_gives_the_value(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.md").write_text("one")
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the cache folder should be")
    builder = Builder(folder)
    assert builder.load(blocker / "value.pickle") == ["one"]
