"""The search engine on small hand-made documents: text, index, ranking, store."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from permanence.search.index import Document, build_index
from permanence.search.rank import analyse_query, near_misses, rank
from permanence.search.snippet import best_snippet, highlight_spans
from permanence.search.stamp import Sources, source_stamp
from permanence.search.store import (
    Index,
    index_from_bytes,
    open_index,
    save_index,
)
from permanence.search.text import (
    Analyzer,
    fold,
    related_stems,
    spans,
    stem,
    words,
)

DOCUMENTS = [
    Document(
        "montant-cotisation",
        "faq/montant-cotisation.md",
        "Combien coûte l'adhésion ?",
        ("adhésion", "tarif"),
        "La cotisation annuelle est de 20 €, 5 € au tarif réduit.",
    ),
    Document(
        "devenir-benevole",
        "faq/devenir-benevole.md",
        "Comment devenir bénévole chez vous ?",
        ("bénévolat",),
        "Remplissez le formulaire d'engagement ; une formation est prévue.",
    ),
    Document(
        "recu-fiscal",
        "faq/recu-fiscal.md",
        "Quand vais-je recevoir mon reçu fiscal ?",
        ("don", "impôts"),
        "Le reçu arrive par e-mail dans les 48 heures après le don.",
    ),
    Document(
        "stationnement",
        "faq/stationnement.md",
        "Peut-on se garer près du local ?",
        ("parking",),
        "Il n'y a pas de parking ; la rue est payante en semaine.",
    ),
    Document(
        "faire-un-don",
        "faq/faire-un-don.md",
        "Comment faire un don ?",
        ("don", "soutien"),
        "Par chèque, par virement ou en ligne sur le site.",
    ),
    Document(
        "guide/presse",
        "guide/presse.md",
        "Demandes de la presse",
        ("Presse",),
        "Les journalistes sont orientés vers la chargée de communication.",
    ),
]
SYNONYMS = [
    ["adhésion", "cotisation", "devenir membre"],
    ["bénévole", "volontaire", "donner de son temps"],
    ["journaliste", "presse", "reportage"],
    ["résilier", "ne plus être membre"],
]


@pytest.fixture(scope="module")
def index() -> Index:
    return index_from_bytes(build_index(DOCUMENTS, SYNONYMS, [], b"stamp"))


def small_index(
    documents: list[Document], synonyms: list[list[str]] | None = None
) -> Index:
    return index_from_bytes(build_index(documents, synonyms or [], [], b""))


def top_ids(index: Index, query: str, limit: int = 3) -> list[str]:
    hits = rank(index, analyse_query(index, query), limit)
    return [index.record(hit.number)[0] for hit in hits]


# --- text ---------------------------------------------------------------


def test_fold_removes_case_accents_and_ligatures() -> None:
    assert fold("Éléphant Œuvre ÇA") == "elephant oeuvre ca"


def test_fold_drops_every_accent_of_latin_greek_and_cyrillic_letters() -> None:
    # Against the definition: decompose, then drop every combining mark.
    # U+034F (a joiner, not an accent) is the one character apart.
    letters = [*range(0x20, 0x530), *range(0x1E00, 0x2000)]
    for code in (code for code in letters if code != 0x34F):
        char = chr(code)
        lowered = char.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
        decomposed = unicodedata.normalize("NFKD", lowered)
        expected = "".join(c for c in decomposed if not unicodedata.combining(c))
        assert fold(char) == expected, hex(code)


def test_words_drop_stop_words_and_split_elisions() -> None:
    assert words("Bonjour, je voudrais savoir l'adresse d'un local") == [
        "adresse",
        "local",
    ]
    assert words("qu'est-ce qu'il faut") == []


def test_stemming_joins_plural_and_conjugated_forms() -> None:
    assert stem("cotisations") == stem("cotisation")
    assert stem("fiscaux") == stem("fiscal")
    assert stem(fold("adhérer")) == stem(fold("adhère"))


def test_folded_feminine_participles_join_their_verb() -> None:
    assert stem(fold("formées")) == stem("former") == stem(fold("formé"))
    assert stem(fold("isolées")) == stem("isolement")


def test_folded_forms_of_verbs_in_yer_join_their_verb() -> None:
    assert stem("paye") == stem("payer") == stem("paie")
    assert stem(fold("envoyé")) == stem("envoyer") == stem("envoi")
    assert stem(fold("employées")) == stem("employer")
    assert stem("pays") != stem("payer")  # a consonant before the y


@pytest.mark.parametrize(
    ("word", "relative"),
    [
        ("formés", "formation"),
        ("adhère", "adhésion"),
        ("inscrire", "inscription"),
        ("supprimer", "suppression"),
        ("réduire", "réduction"),
        ("servent", "servir"),
        ("gardons", "garder"),
        ("rendu", "rendre"),
        ("vendus", "vendre"),
        ("inscrit", "inscrire"),
        ("soutenir", "soutien"),
        ("deviens", "devenir"),
        ("reçus", "reçu"),
    ],
)
def test_related_stems_join_what_the_stemmer_leaves_apart(
    word: str, relative: str
) -> None:
    first, second = stem(fold(word)), stem(fold(relative))
    assert first != second
    assert second in related_stems(first)
    assert first in related_stems(second)


def test_related_stems_keep_short_words_apart() -> None:
    assert "ag" not in related_stems("agent")
    assert "fr" not in related_stems("frat")


def test_analyzer_remembers_the_stem_of_each_word() -> None:
    analyzer = Analyzer()
    analyzer.terms("Les reçus fiscaux")
    assert analyzer.stems == {"recus": stem("recus"), "fiscaux": "fiscal"}


def test_spans_point_into_the_original_text() -> None:
    text = "Œuvre d'été"
    found = [(text[start:end], word) for start, end, word in spans(text)]
    assert found == [("Œuvre", "oeuvre"), ("d", "d"), ("été", "ete")]


# --- ranking --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("reçu fiscal", "recu-fiscal"),
        ("RECU FISCAL", "recu-fiscal"),
        ("recu fiscal", "recu-fiscal"),
        ("les reçus fiscaux", "recu-fiscal"),
        ("recu fiscla", "recu-fiscal"),
        ("benevolle", "devenir-benevole"),
        ("se garrer", "stationnement"),
        ("parkings", "stationnement"),
    ],
)
def test_accents_case_inflections_and_typos_find_the_entry(
    index: Index, query: str, expected: str
) -> None:
    assert top_ids(index, query)[0] == expected


def test_a_one_word_synonym_finds_an_entry_without_the_word(index: Index) -> None:
    assert top_ids(index, "volontaire") == ["devenir-benevole"]


def test_a_multi_word_synonym_finds_an_entry_without_the_words(index: Index) -> None:
    assert top_ids(index, "devenir membre")[0] == "montant-cotisation"


def test_a_synonym_phrase_keeps_its_stop_words() -> None:
    documents = [
        Document("pourquoi", "p.md", "Pourquoi être membre ?", (), "On vote."),
        Document("quitter", "q.md", "Comment résilier ?", (), "Écrivez-nous."),
    ]
    groups = [["résilier", "ne plus être membre"]]
    small = small_index(documents, groups)
    # "être membre" alone is not the phrase: only "résilier" holds the group.
    assert small.document_count("~0") == 1
    assert top_ids(small, "ne plus être membre") == ["quitter"]


def test_question_and_tags_weigh_more_than_the_body(index: Index) -> None:
    # "parking" is in the tags of one entry and the body of the same; "don"
    # is in the tags of the receipt entry and the body of no other.
    hits = rank(index, analyse_query(index, "formation"), 3)
    assert [index.record(h.number)[0] for h in hits] == ["devenir-benevole"]
    in_question = rank(index, analyse_query(index, "garer"), 1)[0]
    in_body = rank(index, analyse_query(index, "payante"), 1)[0]
    assert in_question.score > in_body.score


def test_nothing_relevant_returns_no_hit(index: Index) -> None:
    assert top_ids(index, "adopter un chien") == []
    assert top_ids(index, "piscine municipale") == []


def test_one_known_word_among_unknown_ones_is_not_enough(index: Index) -> None:
    # "rue" is in one body, but the query is about something else.
    assert top_ids(index, "cours de yoga dans la rue") == []


def near_ids(index: Index, query: str) -> list[str]:
    hits = near_misses(index, analyse_query(index, query), 3)
    return [index.record(hit.number)[0] for hit in hits]


def test_near_misses_are_the_entries_matching_part_of_the_query(index: Index) -> None:
    # "parking" is in the tags of one entry; "vélos" in none: no answer,
    # but that entry is worth a look.
    assert top_ids(index, "parking pour les vélos") == []
    assert near_ids(index, "parking pour les vélos") == ["stationnement"]
    # A body matching one word of five is too little to point to.
    assert top_ids(index, "cours de yoga dans la rue") == []
    assert near_ids(index, "cours de yoga dans la rue") == []
    assert near_ids(index, "adopter un chien") == []


def test_a_word_of_the_same_family_finds_the_entry() -> None:
    documents = [
        Document("formation", "f.md", "Les bénévoles sont-ils formés ?", (), "Oui."),
        Document("inscription", "i.md", "Comment s'inscrire ?", (), "En ligne."),
        Document("autre", "a.md", "Où est le local ?", (), "Rue des Tisserands."),
    ]
    small = small_index(documents)
    assert top_ids(small, "formation") == ["formation"]
    assert top_ids(small, "inscription") == ["inscription"]


MEDICAL = [
    Document(
        "accompagnement",
        "a.md",
        "Ma mère doit aller à l'hôpital, quelqu'un peut-il l'accompagner ?",
        ("accompagnement",),
        "Un bénévole l'accompagne et reste avec elle.",
    ),
    Document("horaires", "h.md", "Quels sont vos horaires ?", (), "Le mardi."),
    Document("adresse", "d.md", "Où êtes-vous ?", (), "Rue des Tisserands."),
    Document("don", "n.md", "Comment faire un don ?", (), "Par chèque."),
]


def test_a_word_the_knowledge_base_never_uses_does_not_hide_the_entry() -> None:
    small = small_index(MEDICAL)
    # "malades" appears nowhere; the other words are all in one question.
    assert top_ids(small, "vous accompagnez les malades à l'hôpital") == [
        "accompagnement"
    ]


@pytest.mark.parametrize(
    "query",
    [
        "horaires de la piscine",  # one known word, one unknown
        "accompagnement piscine yoga",  # as many unknown words as known
        "hôpital vétérinaire pour chiens",  # the known word is not enough
    ],
)
def test_unknown_words_still_count_when_few_words_match(query: str) -> None:
    small = small_index(MEDICAL)
    assert top_ids(small, query) == []


def test_a_synonym_phrase_is_found_with_its_words_in_another_order() -> None:
    groups = [["adresse", "où êtes-vous"]]
    documents = [
        *MEDICAL[:2],
        Document("locaux", "l.md", "Vos locaux", ("adresse",), ""),
    ]
    small = small_index(documents, groups)
    # Only stop words: without the phrase, nothing would be searched.
    assert top_ids(small, "vous êtes où") == ["locaux"]
    assert top_ids(small, "où êtes-vous") == ["locaux"]


def test_a_synonym_counts_as_much_as_the_word_typed() -> None:
    documents = [
        Document("locaux", "l.md", "Où se trouvent vos locaux ?", ("adresse",), ""),
        Document(
            "coordonnees",
            "c.md",
            "J'ai changé d'adresse, que faire ?",
            (),
            "Donnez la nouvelle adresse au bénévole.",
        ),
        Document("rampe", "r.md", "Vos locaux sont-ils accessibles ?", (), ""),
        Document("visite", "v.md", "Peut-on visiter les locaux ?", (), "Le mardi."),
    ]
    small = small_index(documents, [["adresse", "locaux"]])
    # "locaux" is common, "adresse" rare: the entry holding both in its
    # question and tags comes first, though "locaux" alone would weigh less.
    assert top_ids(small, "adresse")[0] == "locaux"


def test_a_query_matched_only_in_a_body_is_answered(index: Index) -> None:
    # Both words are in the body of one entry only: the whole query matches.
    assert top_ids(index, "rue payante") == ["stationnement"]


def test_filler_words_alone_find_nothing(index: Index) -> None:
    assert top_ids(index, "bonjour, je voudrais savoir") == []


def test_modal_verbs_are_filler_in_all_their_forms() -> None:
    assert words("ils doivent, elles veulent, il faudrait, nous pouvions") == []
    assert words("vous devez payer") == ["payer"]


def test_ete_after_avoir_is_the_participle_not_the_summer() -> None:
    assert words("j'ai été aidée cet été") == ["aidee", "ete"]
    assert words("il n'a jamais été inscrit, ayant été malade") == ["inscrit", "malade"]
    assert words("fermé en été") == ["ferme", "ete"]


def test_adverbs_of_degree_are_filler() -> None:
    assert words("c'est trop cher, beaucoup plutôt qu'assez") == ["cher"]


LEAVING = [
    Document(
        "quitter",
        "q.md",
        "Comment quitter l'association ?",
        ("association",),
        "Écrivez au secrétariat ; votre adhésion prend fin à sa date.",
    ),
    Document(
        "disponibilites",
        "d.md",
        "Je ne suis plus disponible le mardi",
        ("bénévolat",),
        "Prévenez la coordinatrice pour changer de créneau.",
    ),
    Document(
        "mineur",
        "m.md",
        "Peut-on être bénévole avant 18 ans ?",
        ("bénévolat",),
        "Dès 16 ans, avec l'accord d'un parent.",
    ),
    Document("horaires", "h.md", "Quels sont vos horaires ?", (), "Le mardi, 14 h."),
]


@pytest.fixture(scope="module")
def leaving() -> Index:
    return small_index(LEAVING)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("quitter l'asso", "quitter"),  # a word cut short
        ("plus dispo le mardi", "disponibilites"),
    ],
)
def test_short_forms_and_slips_find_the_entry(
    leaving: Index, query: str, expected: str
) -> None:
    assert top_ids(leaving, query)[0] == expected


def test_a_short_form_of_too_many_words_is_ignored() -> None:
    titles = ["Les partenaires", "Participer à la fête", "Partager un repas"]
    three = [Document(f"d{i}", f"{i}.md", t, (), "") for i, t in enumerate(titles)]
    small = small_index(three)
    assert len(top_ids(small, "part")) == 3
    four = [*three, Document("d3", "3.md", "Un don particulier", (), "")]
    small = small_index(four)
    assert top_ids(small, "part") == []  # begins four words: too vague


def test_a_slip_in_a_form_whose_stem_is_another_word_is_found() -> None:
    documents = [
        Document("effacer", "e.md", "Effacer mes données", (), "Écrivez-nous."),
        Document("don", "d.md", "Faire un don", (), "Par chèque."),
        Document("local", "l.md", "Où est le local ?", (), "Rue des Tisserands."),
    ]
    small = small_index(documents)
    # "donées" stems like "don"; it is also one slip from "données".
    assert top_ids(small, "effacer mes donées")[0] == "effacer"


def test_a_corrected_slip_covers_the_word_it_stands_for() -> None:
    documents = [
        Document(
            "adhesion", "a.md", "Adhérer", (), "Pour quitter l'association, écrivez."
        ),
        Document("local", "l.md", "Où est le local ?", (), "Rue des Tisserands."),
        Document("don", "d.md", "Faire un don", (), "Par chèque."),
    ]
    small = small_index(documents)
    # "quitter" is only in a body: the exact word is answered, and so is
    # the word with a slip, which only ranks lower.
    assert top_ids(small, "quitter") == ["adhesion"]
    assert top_ids(small, "quiter") == ["adhesion"]


def test_a_number_is_a_detail_beside_words(leaving: Index) -> None:
    # "14" is only in the opening hours: the entry about the age answers.
    assert top_ids(leaving, "bénévole 14")[0] == "mineur"
    # A number alone is still searched for.
    assert top_ids(leaving, "16") == ["mineur"]


def test_an_entry_holding_every_word_answers_even_in_its_body() -> None:
    documents = [
        Document(
            "famille",
            "f.md",
            "Peut-on adhérer en famille ?",
            ("adhésion",),
            "Oui : chaque adulte du foyer vote à l'assemblée.",
        ),
        Document("local", "l.md", "Où est le local ?", (), "Rue des Tisserands."),
        Document("election", "v.md", "Quand a lieu l'élection ?", (), "En juin."),
    ]
    small = small_index(documents)
    # Three words, all in one body only, one of them in another form
    # ("votent" for "vote"): answered.
    assert top_ids(small, "les adultes du foyer votent") == ["famille"]
    # Two words in a body are not enough on their own.
    assert top_ids(small, "foyer tisserands") == []


def test_limit_caps_the_number_of_hits(index: Index) -> None:
    assert len(top_ids(index, "don", limit=10)) == 2
    assert top_ids(index, "don", limit=1) == ["faire-un-don"]


# --- snippets and highlights -----------------------------------------------


def test_highlights_cover_the_matched_words_whatever_their_form(index: Index) -> None:
    stems = frozenset({stem("recu"), "fiscal"})
    text = "QUAND vais-je recevoir mon REÇU fiscal ?"
    found = [text[a:b] for a, b in highlight_spans(text, stems, index.surface.get)]
    assert found == ["REÇU", "fiscal"]


def test_the_participle_ete_is_not_highlighted_as_the_summer() -> None:
    text = "Le local a été fermé tout l'été."
    found = [text[a:b] for a, b in highlight_spans(text, frozenset({"ete"}), stem)]
    assert found == ["été"]
    assert highlight_spans(text, frozenset({"ete"}), stem)[0][0] == text.rindex("été")


def test_numbers_are_highlighted_without_storing_their_stems(index: Index) -> None:
    assert "48" not in index.surface
    assert index.stem_of("48") == "48"
    assert index.stem_of("inconnu") is None
    text = "Le reçu arrive dans les 48 heures."
    found = [
        text[a:b] for a, b in highlight_spans(text, frozenset({"48"}), index.stem_of)
    ]
    assert found == ["48"]


def test_snippet_is_the_passage_with_the_matched_words(index: Index) -> None:
    body = "Bienvenue. Le parking est fermé le dimanche. Merci de votre visite."
    snippet = best_snippet(body, frozenset({"parking"}), index.surface.get)
    # The ellipsis says the answer starts earlier.
    assert snippet.startswith("… Le parking est fermé le dimanche.")


def test_snippet_keeps_a_sentence_wrapped_over_lines(index: Index) -> None:
    body = "Bienvenue.\nLe parking est fermé\nle dimanche.\n\n- Merci."
    snippet = best_snippet(body, frozenset({"parking"}), index.surface.get)
    assert snippet.startswith("… Le parking est fermé le dimanche.")


def test_snippet_from_the_first_sentence_has_no_ellipsis(index: Index) -> None:
    body = "Le parking est fermé le dimanche. Merci de votre visite."
    snippet = best_snippet(body, frozenset({"parking"}), index.surface.get)
    assert snippet.startswith("Le parking")


# --- store --------------------------------------------------------------------


def _touch(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_stamp_changes_when_a_file_is_added_changed_or_removed(tmp_path: Path) -> None:
    folder, synonyms = tmp_path / "faq", tmp_path / "faq" / "synonyms.yaml"
    sources = Sources((folder,), (synonyms,))
    _touch(folder / "a.md", "one")
    first = source_stamp(sources)
    assert source_stamp(sources) == first
    _touch(folder / "b.md", "two")
    added = source_stamp(sources)
    _touch(folder / "b.md", "three!")
    changed = source_stamp(sources)
    (folder / "b.md").unlink()
    _touch(synonyms, "synonyms: []")
    with_synonyms = source_stamp(sources)
    assert len({first, added, changed, with_synonyms}) == 4


def test_stored_index_is_read_back_only_with_the_same_stamp(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "index.bin"
    assert save_index(path, build_index(DOCUMENTS, SYNONYMS, [], b"v1"))
    stored = open_index(path, b"v1")
    assert stored is not None
    assert stored.record(2)[0] == "recu-fiscal"
    assert stored.count == len(DOCUMENTS)
    stored.close()
    assert open_index(path, b"v2") is None


@pytest.mark.parametrize("content", [b"", b"garbage" * 10, b"permfaq\0\x01\0\0\0"])
def test_a_corrupt_index_file_is_ignored(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "index.bin"
    path.write_bytes(content)
    assert open_index(path, b"v1") is None


def test_an_index_of_another_format_version_is_ignored(tmp_path: Path) -> None:
    blob = bytearray(build_index(DOCUMENTS, [], [], b"v1"))
    blob[8] += 1  # the format version follows the 8-byte magic
    path = tmp_path / "index.bin"
    path.write_bytes(bytes(blob))
    assert open_index(path, b"v1") is None


def test_saving_into_an_unwritable_place_reports_false(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    assert save_index(blocker / "index.bin", b"blob") is False
