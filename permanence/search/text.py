"""From text to search terms: fold case and accents, drop stop words, stem.

Folding comes before stemming, so that a volunteer typing ``adhesion`` gets
the same term as the guide's ``adhésion``. The stemmer (Snowball French,
run by PyStemmer's C code) is imported only when a word has not been seen
before: every word of the knowledge base is stemmed once, when the index is
built, and its stem kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import cache

# Words (letters and digits); an apostrophe ends a word, which also splits
# elisions such as ``l'adhésion`` or ``qu'il`` (the short part is a stop word).
WORD = re.compile(r"[^\W_]+")
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
# The accents decomposed from letters: the blocks of combining diacritical
# marks, which hold all those of the Latin, Greek and Cyrillic alphabets.
MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0487\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)

# Folded forms. Besides the usual articles, pronouns and auxiliaries, the
# words callers wrap around a question ("bonjour, je voudrais savoir
# comment...") carry no meaning for the search; nor do the adverbs of
# degree ("trop cher") and the modal verbs (vouloir, devoir, falloir,
# pouvoir, savoir), in all their common forms.
_STOP_TEXT = """
    a ai aie aient aies ait alors as au aucun aucune aupres aussi autre aux
    avaient avais avait avec avez aviez avoir avons ayant c ca ce ceci cela
    celle celles celui ces cet cette ceux chez ci comme comment d dans de des
    dois doit donc dont du elle elles en encore es est et etaient etais etait
    etant etes etre eu eux faire fais fait faut fois j je jusqu l la le les
    leur leurs lui m ma mais me meme mes moi mon n ne ni nos notre nous o on
    ont ou par pas peu peut peuvent peux plus pour pourquoi puis puisqu puisque
    qu quand que quel quelle quelles quels qui quoi s sa sans se sera serait
    ses si son sont sous suis sur t ta te tes toi ton tous tout toute toutes
    tres tu un une vais va vont vos votre vous y bonjour bonsoir merci svp stp
    please oui non voila voudrais voudrait voulais voulait veux veut voulez
    aimerais aimerait souhaite souhaiterais savoir sais sait possible question
    demande demander besoin ok bien il ils seront serai serais serez
    serons sommes fut aura aurai auront aurais pouvez pouvons pourrais
    pourrait pourriez faites font allez aller vas quelqu quelque chose
    vraiment juste exactement simplement actuellement egalement deja toujours
    jamais est-ce trop assez beaucoup tellement plutot
    voulons veulent voulu voulions vouliez voulaient voudrai voudras voudra
    voudrons voudrez voudront voudrions voudriez voudraient
    devons devez doivent devais devait devions deviez devaient devrai devras
    devra devrons devrez devront devrais devrait devrions devriez devraient
    pu pouvais pouvait pouvions pouviez pouvaient pourrai pourras pourra
    pourrons pourrez pourront pourrions pourraient faudra faudrait fallait
    savons savez savent savais savait saurai saura saurais saurait allons
    aimerions aimeriez
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def fold(text: str) -> str:
    """Return ``text`` in lower case without accents (``Été`` -> ``ete``)."""
    lowered = text.lower().translate(LIGATURES)
    if lowered.isascii():
        return lowered
    return MARKS.sub("", unicodedata.normalize("NFKD", lowered))


# "été" after a form of avoir is the participle of être ("j'ai été aidée"),
# not the summer; a few adverbs may stand between ("n'a jamais été").
_AVOIR_TEXT = """
    ai as a avons avez ont avais avait avions aviez avaient aurai auras aura
    aurons aurez auront aurais aurait aurions auriez auraient aie aies ait
    ayons ayez aient ayant avoir
"""
AVOIR = frozenset(_AVOIR_TEXT.split())
_BETWEEN_TEXT = "pas jamais deja bien toujours encore aussi tout"
BETWEEN_AUXILIARY = frozenset(_BETWEEN_TEXT.split())


def words(text: str) -> list[str]:
    """Return the folded words of ``text`` that carry meaning."""
    return [word for word, informative in tagged(text) if informative]


def tagged(text: str) -> list[tuple[str, bool]]:
    """Return every folded word of ``text`` and whether it carries meaning."""
    found = WORD.findall(fold(text))
    return list(zip(found, _flags(found), strict=True))


def _flags(found: list[str]) -> Iterable[bool]:
    if "ete" not in found:  # the only word whose meaning depends on context
        return map(is_informative, found)
    return informative_flags(found)


def informative_flags(sequence: Iterable[str]) -> Iterator[bool]:
    """Tell, for each folded word of a text in order, if it carries meaning."""
    previous = ""  # the last word that is not an adverb
    for word in sequence:
        yield is_informative(word) and not (word == "ete" and previous in AVOIR)
        if word not in BETWEEN_AUXILIARY:
            previous = word


def is_informative(word: str) -> bool:
    """Tell whether a folded word is worth searching for (out of context)."""
    return word not in STOP_WORDS and (len(word) > 1 or word.isdigit())


def spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, folded word) for every word of ``text``.

    Folding keeps one character per character for the letters of French
    text, so the positions found in the folded text hold in the original;
    where a character folds into several, the word is looked up alone.
    """
    folded = fold(text)
    if len(folded) == len(text):
        for match in WORD.finditer(folded):
            yield match.start(), match.end(), match.group()
        return
    for match in WORD.finditer(text):
        yield match.start(), match.end(), fold(match.group())


@cache
def _stemmer() -> Callable[[str], str]:
    from snowballstemmer import stemmer

    return stemmer("french").stemWord  # type: ignore[no-any-return]


def stem(word: str) -> str:
    """Return the Snowball French stem of a folded word.

    Snowball removes the feminine ``-ée`` of past participles only with its
    accent; on folded text ``formée`` stems to ``forme`` while ``former``
    gives ``form``. A final ``e`` is therefore dropped from every stem.
    """
    if word.isdigit():
        return word
    found = _stemmer()(word)
    if len(found) > 3 and found.endswith("e"):
        found = found[:-1]
    # Likewise for verbs in -yer: Snowball writes "payer" and "envoyé" as
    # "pai" and "envoi", but the folded "paye" and "envoye" as "pay" and
    # "envoy" ("pays" stays apart).
    if found.endswith("y") and word.rstrip("s").endswith(("ye", "yee")):
        found = found[:-1] + "i"
    return found


# Endings the stemmer leaves apart although they belong to one family:
# verb forms it does not strip ("ils servent" / "servir", "nous gardons",
# "deviens" / "devenir", "rendu" / "rendre", "inscrit" / "inscrire", the
# plural "reçus" / "reçu": Snowball keeps an s after a u, as in "refus"), and
# nouns made from verbs ("formation" / "former", "adhésion" / "adhérer",
# "inscription" / "inscrire", "suppression" / "supprimer", "soutien" /
# "soutenir").
ALTERNATIONS = (
    ("ent", ""),
    ("on", ""),
    ("at", ""),
    ("es", "er"),
    ("ript", "rir"),
    ("uct", "uir"),
    ("press", "prim"),
    ("en", "ien"),
    ("u", "r"),
    ("us", "r"),
    ("us", "u"),
    ("it", "ir"),
)
MIN_ROOT = 3  # letters left before an ending, so that short words stay apart


def related_stems(term: str) -> list[str]:
    """Return the stems of the same family that ``term`` may stand for.

    Both directions are given ("format" -> "form", "form" -> "format"); the
    caller keeps those the knowledge base actually uses.
    """
    found = []
    for first, second in ALTERNATIONS:
        for ending, other in ((first, second), (second, first)):
            root = term[: len(term) - len(ending)] if ending else term
            if term.endswith(ending) and len(root) >= MIN_ROOT:
                found.append(root + other)
    return [stem for stem in found if stem != term]


class Analyzer:
    """Turns text into stems, remembering the stem of every word seen."""

    def __init__(self) -> None:
        self.stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        """Return the stem of a folded word, computing it once."""
        found = self.stems.get(word)
        if found is None:
            found = self.stems[word] = stem(word)
        return found

    def terms(self, text: str) -> list[str]:
        """Return the stems of the informative words of ``text``."""
        return [self.stem(word) for word in words(text)]

    def keys(self, text: str) -> list[tuple[str, bool]]:
        """Return (key, informative) for every word of ``text``, in order.

        The key of an informative word is its stem; a stop word is its own
        key. Synonym phrases are matched on keys, stop words included, so
        that "ne plus être membre" does not shrink to "membre".
        """
        return [
            (self.stem(word), True) if informative else (word, False)
            for word, informative in tagged(text)
        ]
