"""The FAQ as the commands use it: search, unanswered questions, new entries.

Searching covers the FAQ entries and the guide pages through the index of
``permanence.search``, kept in ``.permanence/cache/`` and rebuilt when a
file changes. A query that finds nothing relevant is recorded in
``.permanence/unanswered.jsonl`` (with the time) so that coordinators see
which questions the FAQ lacks; e-mail addresses and phone numbers typed in
it are masked first, since callers' details must not be kept. The entries
matching part of such a query are given apart, as questions worth a look,
never as answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from permanence.errors import Problem, UserInputError
from permanence.i18n import _, current_language
from permanence.search.index import StoredProblem
from permanence.search.rank import (
    Hit,
    analyse_query,
    highlight_stems,
    near_misses,
    rank,
)
from permanence.search.snippet import Span, best_snippet, highlight_spans
from permanence.search.stamp import (
    INDEX_FILE,
    SYNONYMS_FILE,
    from_background,
    index_sources,
    source_stamp,
)
from permanence.search.store import (
    Index,
    index_from_bytes,
    open_index,
    save_index,
)
from permanence.search.text import WORD, fold, words
from permanence.workspace import Workspace

if TYPE_CHECKING:
    from datetime import datetime

UNANSWERED_FILE = "unanswered.jsonl"
EMAIL = re.compile(r"\S+@\S+")
PHONE = re.compile(r"\+?\d[\d .-]{6,}\d")
MASK = "…"


# NamedTuples rather than dataclasses: several times cheaper to define,
# and this module is imported on every search, with a caller waiting.
class Answer(NamedTuple):
    """A FAQ entry or guide page found for a query, with what matched."""

    id: str
    path: str
    question: str
    score: float
    snippet: str
    answer: str
    question_spans: list[Span]
    snippet_spans: list[Span]
    answer_spans: list[Span]


class NearQuestion(NamedTuple):
    """An entry matching part of a query nothing answers: worth a look."""

    id: str
    path: str
    question: str


class SearchOutcome(NamedTuple):
    """The answers to a query, and what happened on the way."""

    answers: list[Answer]
    problems: list[Problem]
    rebuilt: bool
    recorded: bool = False
    near: tuple[NearQuestion, ...] = ()  # only when there is no answer


class UnansweredQuery(NamedTuple):
    """A query for which nothing relevant was found."""

    time: datetime
    query: str


class UnansweredSummary(NamedTuple):
    """Identical unanswered queries grouped together."""

    query: str
    times: int  # how many times it was asked
    last_time: datetime


def search(
    workspace: Workspace, query: str, limit: int = 3, record: bool = True
) -> SearchOutcome:
    """Return the best answers to ``query``; record the query if none."""
    workspace.require_dir(workspace.faq_dir)
    index, rebuilt = current_index(workspace)
    try:
        concepts = analyse_query(index, query)
        hits = rank(index, concepts, max(limit, 0))
        answers = [_answer(index, hit) for hit in hits]
        near: tuple[NearQuestion, ...] = ()
        if not answers:
            near = tuple(
                NearQuestion(*index.record(hit.number)[:3])
                for hit in near_misses(index, concepts, max(limit, 0))
            )
        problems = [_problem(stored) for stored in index.problems]
    finally:
        index.close()
    recorded = False
    # "???" or "bonjour" alone are not questions the FAQ lacks.
    if record and not answers and words(query):
        recorded = record_unanswered(workspace, query)
    return SearchOutcome(answers, problems, rebuilt, recorded, near)


def _answer(index: Index, hit: Hit) -> Answer:
    document_id, path, question, _tags, body = index.record(hit.number)
    stems = highlight_stems(index, hit.terms)
    stem_of = index.stem_of
    snippet = best_snippet(body, stems, stem_of)
    return Answer(
        id=document_id,
        path=path,
        question=question,
        score=round(hit.score, 3),
        snippet=snippet,
        answer=body,
        question_spans=highlight_spans(question, stems, stem_of),
        snippet_spans=highlight_spans(snippet, stems, stem_of),
        answer_spans=highlight_spans(body, stems, stem_of),
    )


def _problem(stored: StoredProblem) -> Problem:
    return Problem(Path(stored.path), stored.message, stored.line, stored.column)


def current_index(workspace: Workspace) -> tuple[Index, bool]:
    """Return the up-to-date index and whether it had to be rebuilt."""
    sources = index_sources(workspace)
    stamp = from_background(sources) or source_stamp(sources)
    # The problems kept in the index are worded in the interface language.
    stamp += current_language().encode()
    cache = workspace.cache_file(INDEX_FILE)
    index = open_index(cache, stamp)
    if index is not None:
        return index, False
    from permanence.search.sources import index_blob

    blob = index_blob(workspace, workspace.faq_dir / SYNONYMS_FILE, stamp)
    try:
        workspace.ensure_state_dir()
    except OSError:
        pass  # read-only workspace: the index lives in memory only
    else:
        save_index(cache, blob)
    return index_from_bytes(blob), True


def mask_personal_details(query: str) -> str:
    """Return ``query`` with e-mail addresses and phone numbers masked."""
    return PHONE.sub(MASK, EMAIL.sub(MASK, query))


def record_unanswered(
    workspace: Workspace, query: str, now: datetime | None = None
) -> bool:
    """Append ``query`` to the unanswered log; False if it cannot be written."""
    from datetime import datetime

    moment = now or datetime.now()
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the local time, with its UTC offset
    import json

    line = json.dumps(
        {
            "time": moment.isoformat(timespec="seconds"),
            "query": mask_personal_details(query.strip()),
        },
        ensure_ascii=False,
    )
    try:
        state = workspace.ensure_state_dir()
        with (state / UNANSWERED_FILE).open("a", encoding="utf-8") as log:
            log.write(line + "\n")
    except OSError:
        return False
    return True


def read_unanswered(workspace: Workspace) -> list[UnansweredQuery]:
    """Return the recorded unanswered queries, oldest first.

    Lines that cannot be read (a write cut short) are skipped.
    """
    import json
    from datetime import datetime

    try:
        text = (workspace.state_dir / UNANSWERED_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    queries = []
    for line in text.splitlines():
        try:
            item = json.loads(line)
            moment = datetime.fromisoformat(item["time"])
            queries.append(UnansweredQuery(moment, str(item["query"])))
        except (ValueError, KeyError, TypeError):
            continue
    return queries


def normalise_query(query: str) -> str:
    """Return the form under which identical queries are grouped."""
    return " ".join(WORD.findall(fold(query)))


def summarize_unanswered(workspace: Workspace) -> list[UnansweredSummary]:
    """Group identical unanswered queries; the most recent first."""
    groups: dict[str, UnansweredSummary] = {}
    for item in read_unanswered(workspace):
        key = normalise_query(item.query)
        seen = groups.get(key)
        if seen is None or item.time >= seen.last_time:
            count = seen.times + 1 if seen else 1
            groups[key] = UnansweredSummary(item.query, count, item.time)
        else:
            groups[key] = UnansweredSummary(seen.query, seen.times + 1, seen.last_time)
    return sorted(groups.values(), key=lambda summary: summary.last_time, reverse=True)


def closest_entries(workspace: Workspace, queries: list[str]) -> list[str | None]:
    """Return, for each query, the id of the entry matching most of it.

    None where no entry matches a quarter of the query. For a question
    nothing answered, it tells the coordinators whether an entry covers it
    in other words (then a synonym is what lacks) or whether one is missing.
    Without a FAQ folder there is nothing to point to, but the questions
    recorded are still worth listing.
    """
    if not queries or not workspace.faq_dir.is_dir():
        return [None] * len(queries)
    index, _rebuilt = current_index(workspace)
    try:
        found = []
        for query in queries:
            near = near_misses(index, analyse_query(index, query), 1)
            found.append(index.record(near[0].number)[0] if near else None)
    finally:
        index.close()
    return found


class NewEntry(NamedTuple):
    """A FAQ entry typed by a volunteer, before it is written."""

    question: str
    answer: str
    tags: tuple[str, ...] = ()
    reason: str | None = None


class PreparedEntry(NamedTuple):
    """The file a new entry will be written to, and its text."""

    path: Path
    text: str


SLUG_LENGTH = 50


def slugify(text: str) -> str:
    """Return a file-name slug: no accents, lower case, hyphens, shortened."""
    slug = "-".join(WORD.findall(fold(text)))
    if len(slug) > SLUG_LENGTH:
        slug = slug[: SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return slug or "question"


def parse_tags(text: str) -> tuple[str, ...]:
    """Return the tags of a comma-separated list."""
    return tuple(tag.strip() for tag in text.split(",") if tag.strip())


def prepare_entry(workspace: Workspace, entry: NewEntry) -> PreparedEntry:
    """Check a new entry and return the free file name and text for it."""
    from permanence.adapters.frontmatter import render_page

    faq_dir = workspace.require_dir(workspace.faq_dir)
    question, answer = entry.question.strip(), entry.answer.strip()
    if not question:
        raise UserInputError(_("the question is empty: type the caller's question"))
    if not answer:
        raise UserInputError(_("the answer is empty: type the answer to give"))
    if entry.reason:
        check_reason(workspace, entry.reason)
    meta: dict[str, object] = {"question": question}
    if entry.tags:
        meta["tags"] = list(entry.tags)
    if entry.reason:
        meta["reason"] = entry.reason
    return PreparedEntry(
        _free_path(faq_dir, slugify(question)), render_page(meta, answer)
    )


def check_reason(workspace: Workspace, code: str) -> None:
    """Raise ``UserInputError`` unless ``code`` is a call reason of the guide."""
    from permanence.knowledge import load_guide, reasons

    pages = (
        load_guide(workspace.guide_dir).items if workspace.guide_dir.is_dir() else []
    )
    codes = [reason.code for reason in reasons(pages)]
    if code not in codes:
        message = _(
            "unknown reason '{code}': use one of {codes} (see 'permanence guide')"
        )
        raise UserInputError(message.format(code=code, codes=", ".join(codes) or "-"))


def _free_path(folder: Path, slug: str) -> Path:
    path, number = folder / f"{slug}.md", 1
    while path.exists():
        number += 1
        path = folder / f"{slug}-{number}.md"
    return path


def write_entry(prepared: PreparedEntry) -> Path:
    """Write a prepared entry, never over an existing file; return its path."""
    path = prepared.path
    slug = path.stem
    for number in range(2, 1000):
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(prepared.text)
        except FileExistsError:  # written meanwhile by someone else
            path = path.with_name(f"{slug}-{number}.md")
            continue
        except OSError as error:
            message = _(
                "cannot write {path} ({reason}): check the folder's permissions"
            )
            raise UserInputError(
                message.format(path=path, reason=error.strerror)
            ) from error
        return path
    raise UserInputError(_("too many entries named {name}").format(name=slug))
