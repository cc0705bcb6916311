"""Generated workspaces for the FAQ speed benchmark.

Entries are varied French questions and answers made by combining a
vocabulary of topics, actions, people, places and times, so that the
index has a realistic number of distinct words and postings.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

TOPICS = [
    ("l'atelier cuisine", "cuisine"),
    ("la friperie", "friperie"),
    ("le jardin partagé", "jardin"),
    ("l'atelier vélo", "vélo"),
    ("la bibliothèque de rue", "lecture"),
    ("le café des parents", "parents"),
    ("la permanence juridique", "droit"),
    ("l'atelier numérique", "numérique"),
    ("le groupe de marche", "marche"),
    ("la chorale", "chant"),
    ("l'atelier couture", "couture"),
    ("la ludothèque", "jeux"),
    ("le cours de français", "langue"),
    ("la sortie au musée", "culture"),
    ("le repas des voisins", "repas"),
    ("la collecte de jouets", "jouets"),
    ("l'aide au permis", "permis"),
    ("le club informatique", "informatique"),
    ("la maraude du soir", "maraude"),
    ("le point écoute", "écoute"),
    ("la bourse aux livres", "livres"),
    ("l'atelier bricolage", "bricolage"),
    ("le tournoi de pétanque", "pétanque"),
    ("le goûter des anciens", "goûter"),
]
ACTIONS = [
    "m'inscrire à",
    "participer à",
    "annuler ma place pour",
    "payer",
    "venir avec mes enfants à",
    "aider à organiser",
    "proposer une idée pour",
    "trouver les horaires de",
    "recevoir le programme de",
    "parrainer",
    "emmener un ami à",
    "donner du matériel pour",
    "animer une séance de",
]
PEOPLE = [
    "ma voisine",
    "mon fils",
    "un collègue",
    "ma grand-mère",
    "notre école",
    "mon club de sport",
    "un réfugié que j'héberge",
    "ma fille étudiante",
]
TIMES = [
    "le samedi matin",
    "pendant les vacances scolaires",
    "en soirée",
    "le premier mardi du mois",
    "avant Noël",
    "au printemps",
    "en juillet",
]
PLACES = [
    "au local de la rue Dumenge",
    "à la maison de quartier",
    "au parc",
    "à la salle des fêtes",
    "dans la cour de l'école",
    "à la médiathèque",
]
TEMPLATES = [
    "Comment {action} {topic} ?",
    "Est-ce que je peux {action} {topic} {time} ?",
    "{Person} voudrait {action} {topic}, c'est possible ?",
    "Où a lieu {topic} {time} ?",
    "Faut-il réserver pour {topic} {place} ?",
    "Combien coûte {topic} pour {person} ?",
]
SENTENCES = [
    "{Topic} a lieu {time} {place}.",
    "L'inscription se fait auprès de la permanence, par téléphone ou sur place.",
    "La participation est libre ; une adhésion à jour est demandée.",
    "Les places sont limitées à {count} personnes : notez un nom et un numéro.",
    "{Person} peut venir accompagné, à condition de prévenir la veille.",
    "Le matériel est fourni ; il suffit d'apporter une tenue adaptée.",
    "En cas d'annulation, un message est envoyé aux inscrits la veille.",
    "Pour toute question, l'équipe {tag} répond le mardi après-midi.",
    "Les personnes à mobilité réduite sont accueillies, l'accès est de plain-pied.",
    "Un reçu peut être remis sur demande pour la participation versée.",
]


def _fill(template: str, rng: random.Random, topic: str, tag: str) -> str:
    person = rng.choice(PEOPLE)
    values = {
        "topic": topic,
        "Topic": topic[:1].upper() + topic[1:],
        "action": rng.choice(ACTIONS),
        "time": rng.choice(TIMES),
        "place": rng.choice(PLACES),
        "person": person,
        "Person": person[:1].upper() + person[1:],
        "tag": tag,
        "count": rng.randint(6, 40),
    }
    return template.format(**values)


def generated_entry(number: int, rng: random.Random) -> str:
    """Return the text of one generated FAQ entry."""
    topic, tag = rng.choice(TOPICS)
    question = _fill(rng.choice(TEMPLATES), rng, topic, tag)
    sentences = rng.sample(SENTENCES, rng.randint(3, 6))
    body = " ".join(_fill(sentence, rng, topic, tag) for sentence in sentences)
    tags = sorted({tag, rng.choice(TOPICS)[1], "activités"})
    quoted = question.replace('"', "'")
    return (
        f'---\nquestion: "{quoted} (n° {number})"\ntags: [{", ".join(tags)}]\n---\n\n'
        f"{body}\n"
    )


def write_generated_workspace(
    target: Path, sample: Path, size: int, seed: int = 7
) -> Path:
    """Copy the sample workspace and add entries up to ``size`` FAQ entries."""
    target.mkdir(parents=True)
    shutil.copytree(sample / "guide", target / "guide")
    shutil.copytree(sample / "faq", target / "faq")
    shutil.copy(sample / "shifts.yaml", target / "shifts.yaml")
    existing = len(list((target / "faq").glob("*.md")))
    rng = random.Random(seed)
    for number in range(existing, size):
        path = target / "faq" / f"generated-{number:05d}.md"
        path.write_text(generated_entry(number, rng), encoding="utf-8")
    return target
