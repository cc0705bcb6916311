"""What the index is built from: FAQ entries, guide pages, synonym groups.

Only used when the index must be rebuilt: reading the markdown files means
parsing YAML front matter, which a query on a fresh index never needs.
"""

from __future__ import annotations

from pathlib import Path

from permanence.adapters.yamlfile import LocatedDict, LocatedList, load_yaml_file
from permanence.errors import InvalidInputError, Problem
from permanence.i18n import _
from permanence.knowledge import FaqEntry, GuidePage, load_faq, load_guide
from permanence.search.index import Document, StoredProblem, build_index
from permanence.workspace import Workspace

GUIDE_PREFIX = "guide/"


def index_blob(workspace: Workspace, synonyms: Path, stamp: bytes) -> bytes:
    """Read the knowledge base and return its index (see ``build_index``)."""
    documents, groups, problems = read_sources(workspace, synonyms)
    stored = [StoredProblem(str(p.path), p.message, p.line, p.column) for p in problems]
    return build_index(documents, groups, stored, stamp)


def read_sources(
    workspace: Workspace, synonyms: Path
) -> tuple[list[Document], list[list[str]], list[Problem]]:
    """Return the documents, synonym groups and problems of a workspace."""
    faq = load_faq(workspace.faq_dir)
    documents = [_faq_document(entry, workspace.root) for entry in faq.items]
    problems = list(faq.problems)
    if workspace.guide_dir.is_dir():
        guide = load_guide(workspace.guide_dir)
        documents += [_guide_document(page, workspace.root) for page in guide.items]
        problems += guide.problems
    groups: list[list[str]] = []
    if synonyms.exists():
        groups, synonym_problems = read_synonyms(synonyms)
        problems += synonym_problems
    return documents, groups, problems


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _faq_document(entry: FaqEntry, root: Path) -> Document:
    return Document(
        entry.id, _relative(entry.path, root), entry.question, entry.tags, entry.answer
    )


def _guide_document(page: GuidePage, root: Path) -> Document:
    tags = (page.reason.label,) if page.reason else ()
    return Document(
        GUIDE_PREFIX + page.id, _relative(page.path, root), page.title, tags, page.body
    )


def read_synonyms(path: Path) -> tuple[list[list[str]], list[Problem]]:
    """Return the synonym groups of ``path`` and the problems of bad ones."""
    try:
        document = load_yaml_file(path)
    except InvalidInputError as error:
        return [], error.problems
    if document is None:
        return [], []
    raw = document.get("synonyms") if isinstance(document, LocatedDict) else None
    if not isinstance(raw, LocatedList):
        message = _(
            "expected 'synonyms:' followed by a list of groups such as "
            "'- [adhésion, cotisation]'"
        )
        return [], [Problem(path, message, 1, 1)]
    groups, problems = [], []
    for number, group in enumerate(raw):
        if isinstance(group, list) and all(isinstance(w, str | int) for w in group):
            groups.append([str(word) for word in group])
            continue
        line, column = raw.item_at(number)
        message = _(
            "each synonym group must be a list of words such as [adhésion, cotisation]"
        )
        problems.append(Problem(path, message, line, column))
    return groups, problems
