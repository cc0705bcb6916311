"""The repository's sample workspace (Le Fil Solidaire) is complete and coherent."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from permanence.knowledge import (
    CallReason,
    FaqEntry,
    GuidePage,
    load_faq,
    load_guide,
    reasons,
)
from permanence.knowledge_pages import FIELD_KINDS
from tests.conftest import Invoke

REPO_ROOT = Path(__file__).resolve().parent.parent
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")
FAQ_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DOMAIN = "fil-solidaire.example.org"

# The eight topics callers ask about, each answered under its own reason.
TOPIC_REASONS = (
    "adhesion",
    "dons",
    "benevolat",
    "informations-generales",
    "evenements",
    "demande-aide",
    "presse",
    "donnees-personnelles",
)

# Subjects the FAQ must answer, found through the entries' tags.
REQUIRED_TAGS = (
    "cotisation",
    "tarif réduit",
    "renouvellement",
    "carte de membre",
    "reçu fiscal",
    "impôts",
    "legs",
    "don mensuel",
    "espèces",
    "formation",
    "assurance",
    "mineur",
    "horaires",
    "adresse",
    "fermeture",
    "accessibilité",
    "stationnement",
    "repas solidaire",
    "braderie",
    "assemblée générale",
    "accompagnement",
    "démarches",
    "épicerie solidaire",
    "soutien scolaire",
    "urgence",
    "interview",
    "dossier de presse",
    "porte-parole",
    "photos",
    "droit d'accès",
    "effacement",
    "désinscription",
    "CNIL",
)

PLAIN_PAGES = (
    "accueil",
    "trouver-le-motif",
    "repondre",
    "noter-et-transmettre",
    "debut-et-fin-de-permanence",
    "donnees-personnelles-au-telephone",
    "situations-difficiles",
)

# Numbers reserved by ARCEP for fiction, written with or without spaces.
PHONE = re.compile(r"(?<!\d)0[1-9](?:[ .]?\d\d){4}(?!\d)")
FICTION_PREFIXES = ("0199 00", "0639 98")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture(scope="module")
def pages() -> list[GuidePage]:
    loaded = load_guide(REPO_ROOT / "guide")
    assert loaded.problems == []
    return loaded.items


@pytest.fixture(scope="module")
def entries() -> list[FaqEntry]:
    loaded = load_faq(REPO_ROOT / "faq")
    assert loaded.problems == []
    return loaded.items


@pytest.fixture(scope="module")
def call_reasons(pages: list[GuidePage]) -> list[CallReason]:
    return reasons(pages)


def _reason(call_reasons: list[CallReason], code: str) -> CallReason:
    return next(reason for reason in call_reasons if reason.code == code)


def test_every_guide_page_loads() -> None:
    files = sorted((REPO_ROOT / "guide").glob("*.md"))
    loaded = load_guide(REPO_ROOT / "guide")

    assert loaded.problems == []
    assert len(loaded.items) == len(files)


def test_every_faq_file_loads() -> None:
    files = sorted((REPO_ROOT / "faq").glob("*.md"))
    loaded = load_faq(REPO_ROOT / "faq")

    assert loaded.problems == []
    assert len(loaded.items) == len(files) >= 40


def test_plain_pages_come_before_reason_pages(pages: list[GuidePage]) -> None:
    ids = [page.id for page in pages]

    assert ids[: len(PLAIN_PAGES)] == list(PLAIN_PAGES)
    assert all(page.reason is None for page in pages[: len(PLAIN_PAGES)])
    assert all(page.reason is not None for page in pages[len(PLAIN_PAGES) :])


def test_reasons_have_unique_codes_and_digits(call_reasons: list[CallReason]) -> None:
    codes = Counter(reason.code for reason in call_reasons)
    digits = Counter(reason.digit for reason in call_reasons)

    assert len(call_reasons) >= 8
    assert max(codes.values()) == 1
    assert None not in digits
    assert max(digits.values()) == 1


def test_every_reason_has_a_reachable_owner(call_reasons: list[CallReason]) -> None:
    for reason in call_reasons:
        owner = reason.owner
        assert owner is not None, reason.code
        assert owner.role, reason.code
        assert owner.name, reason.code
        assert owner.email.endswith("@" + DOMAIN), reason.code


def test_reason_fields_are_well_formed(call_reasons: list[CallReason]) -> None:
    for reason in call_reasons:
        names = [field.name for field in reason.fields]
        assert names, reason.code
        assert len(set(names)) == len(names), reason.code
        assert any(field.required for field in reason.fields), reason.code
        for field in reason.fields:
            assert SNAKE_CASE.match(field.name), (reason.code, field.name)
            assert field.kind in FIELD_KINDS, (reason.code, field.name)
            assert field.label[:1].isupper(), (reason.code, field.name)
            assert bool(field.choices) == (field.kind == "choice"), field.name


def test_press_reason_collects_outlet_date_subject_and_contact(
    call_reasons: list[CallReason],
) -> None:
    press = _reason(call_reasons, "presse")
    fields = {field.name: field for field in press.fields}

    assert fields["media"].required
    assert fields["date_publication"].kind == "date"
    assert fields["sujet"].required
    assert fields["nom"].required
    assert {"phone", "email"} <= {field.kind for field in press.fields}
    assert press.owner is not None
    assert press.owner.email == "communication@" + DOMAIN


def test_menu_labels_read_as_mid_sentence_text(
    call_reasons: list[CallReason],
) -> None:
    for reason in call_reasons:
        assert reason.label[:1].isupper(), reason.code
        assert not reason.label.endswith((".", ":")), reason.code
        assert len(reason.label) <= 50, reason.code


def test_faq_reasons_exist(
    entries: list[FaqEntry], call_reasons: list[CallReason]
) -> None:
    codes = {reason.code for reason in call_reasons}
    unknown = {entry.id: entry.reason for entry in entries if entry.reason}

    assert {id_: code for id_, code in unknown.items() if code not in codes} == {}


@pytest.mark.parametrize("code", TOPIC_REASONS)
def test_each_topic_has_several_answers(entries: list[FaqEntry], code: str) -> None:
    answered = [entry.id for entry in entries if entry.reason == code]

    assert len(answered) >= 4, answered


@pytest.mark.parametrize("tag", REQUIRED_TAGS)
def test_required_subject_is_answered(entries: list[FaqEntry], tag: str) -> None:
    assert any(tag in entry.tags for entry in entries)


def test_reason_faq_tags_point_to_entries(
    entries: list[FaqEntry], call_reasons: list[CallReason]
) -> None:
    used = {tag for entry in entries for tag in entry.tags}

    for reason in call_reasons:
        assert reason.faq_tags, reason.code
        assert set(reason.faq_tags) <= used, reason.code


def test_faq_entries_are_tidy(entries: list[FaqEntry]) -> None:
    questions = Counter(entry.question.casefold() for entry in entries)

    assert max(questions.values()) == 1
    for entry in entries:
        assert FAQ_ID.match(entry.id), entry.id
        assert 2 <= len(entry.tags) <= 5, entry.id
        assert 3 <= len(entry.answer.strip().splitlines()) <= 10, entry.id


def test_synonyms_are_groups_of_strings() -> None:
    path = REPO_ROOT / "faq" / "synonyms.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))

    assert isinstance(document, dict)
    assert list(document) == ["synonyms"]
    groups = document["synonyms"]
    assert isinstance(groups, list)
    assert len(groups) >= 20
    for group in groups:
        assert isinstance(group, list), group
        assert len(group) >= 2, group
        assert all(isinstance(term, str) and term.strip() for term in group), group


def test_synonym_terms_belong_to_one_group_only() -> None:
    path = REPO_ROOT / "faq" / "synonyms.yaml"
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))["synonyms"]
    terms = Counter(term.casefold() for group in groups for term in group)

    assert [term for term, count in terms.items() if count > 1] == []


def _workspace_texts() -> list[Path]:
    folders = (REPO_ROOT / "guide", REPO_ROOT / "faq")
    return sorted(path for folder in folders for path in folder.iterdir())


def test_contact_details_are_fictional() -> None:
    for path in _workspace_texts():
        text = path.read_text(encoding="utf-8")
        for number in PHONE.findall(text):
            digits = re.sub(r"\D", "", number)
            assert f"{digits[:4]} {digits[4:6]}" in FICTION_PREFIXES, (path, number)
        for address in EMAIL.findall(text):
            assert address.endswith("@" + DOMAIN), (path, address)


def test_log_dialogue_greeting_is_the_whole_phrase(sample_workspace: Path) -> None:
    from permanence.calls.reasons import load_reasons
    from permanence.workspace import Workspace

    greeting = load_reasons(Workspace(sample_workspace)).greeting

    assert "« Le Fil Solidaire, bonjour !" in greeting
    assert greeting.count("«") == greeting.count("»") == 1
    assert "*" not in greeting


def test_phone_menu_lists_every_reason(invoke: Invoke, sample_workspace: Path) -> None:
    outcome = invoke(["--workspace", sample_workspace, "guide", "--menu"])

    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stderr == ""
    assert "Pour adhérer à l'association, tapez 1." in outcome.stdout
    assert "Pour contacter le service presse, tapez 6." in outcome.stdout
    assert len(re.findall(r"tapez \d\.", outcome.stdout)) == 9
