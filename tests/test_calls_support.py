"""Fixtures and helpers shared by the call log tests (no tests of its own).

The workspace has its own small guide, so that the tests do not depend on
the sample association's wording: reasons ``adhesion`` (with every field
kind), ``dons`` and ``donnees-personnelles`` (both start with "don").
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from permanence.adapters.callstore import CallStore
from permanence.calls.record import CallRecord, FollowUp, new_call_id
from permanence.workspace import Workspace

PARIS = ZoneInfo("Europe/Paris")
REPO_ROOT = Path(__file__).resolve().parent.parent

SHIFTS = """\
settings:
  name: Association Test
  timezone: Europe/Paris
  language: fr
  phone_region: FR
  retention_months: 12
"""

ADHESION = """\
---
title: Adhésion
order: 10
reason: adhesion
label: Adhérer à l'association
digit: 1
owner:
  role: Responsable des adhésions
  name: Martine Roussel
  email: adhesions@example.org
fields:
  - name: nom
    label: Nom et prénom
    required: true
    kind: text
  - name: telephone
    label: Téléphone pour le rappel
    kind: phone
  - name: type_demande
    label: Type de demande
    required: true
    kind: choice
    choices: [première adhésion, renouvellement, résiliation]
  - name: personnes
    label: Nombre de personnes
    kind: number
  - name: date_souhaitee
    label: Date souhaitée
    kind: date
  - name: recu
    label: Reçu souhaité
    kind: yes_no
  - name: precisions
    label: Précisions
    kind: long_text
faq_tags: [adhésion, cotisation]
---

Ce que la personne veut.
"""

DONS = """\
---
title: Dons
order: 20
reason: dons
label: Faire un don
owner:
  role: Trésorier
fields:
  - name: montant
    label: Montant
    kind: number
---

Les dons.
"""

DONNEES = """\
---
title: Données
order: 30
reason: donnees-personnelles
label: Données personnelles
---

Vos données.
"""

ACCUEIL = """\
---
title: Accueillir l'appel
order: 1
---

« Association Test, bonjour ! »

## Ensuite

Pas dans l'accueil.
"""

FAQ = {
    "cotisation.md": "---\nquestion: Combien coûte l'adhésion ?\ntags: [tarif]\n"
    "reason: adhesion\n---\nVingt euros par an.\n",
    "carte.md": "---\nquestion: Où est ma carte ?\ntags: [adhésion]\n---\n"
    "Elle arrive par courrier.\n",
    "horaires.md": "---\nquestion: Quand êtes-vous ouverts ?\ntags: [horaires]\n---\n"
    "Du lundi au vendredi.\n",
}


def make_calls_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with its own small guide; the user is the volunteer Léa."""
    root = tmp_path / "ws"
    (root / "guide").mkdir(parents=True)
    (root / "faq").mkdir()
    (root / "shifts.yaml").write_text(SHIFTS, encoding="utf-8")
    pages = {"adhesion.md": ADHESION, "dons.md": DONS, "donnees.md": DONNEES}
    pages["accueil.md"] = ACCUEIL
    for name, text in pages.items():
        (root / "guide" / name).write_text(text, encoding="utf-8")
    for name, text in FAQ.items():
        (root / "faq" / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("PERMANENCE_VOLUNTEER", "Léa")
    return root


def stored(root: Path) -> list[CallRecord]:
    """Return every record of the workspace's call log, oldest first."""
    from permanence.calls.record import CallQuery

    with CallStore.open(Workspace(root)) as store:
        return store.search(CallQuery(limit=None, newest_first=False))


def make_record(
    at: datetime,
    *,
    volunteer: str = "Léa",
    reason: str = "adhesion",
    follow_up: str = "",
    **values: object,
) -> CallRecord:
    """Return a record made at ``at`` with the given values."""
    record = CallRecord(
        id=new_call_id(at),
        time=at,
        volunteer=volunteer,
        reason=reason,
        follow_up=FollowUp(follow_up) if follow_up else None,
        **values,  # type: ignore[arg-type]
    )
    return record


def add_records(root: Path, records: Sequence[CallRecord]) -> None:
    """Store ``records`` directly in the workspace's call log."""
    with CallStore.open(Workspace(root)) as store:
        store.add_many(records)


def run_cli(
    args: Sequence[str], cwd: Path, input: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m permanence ARGS`` as a real process."""
    environment = {**os.environ, "LANG": "fr_FR.UTF-8", **env}
    return subprocess.run(
        [sys.executable, "-m", "permanence", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
