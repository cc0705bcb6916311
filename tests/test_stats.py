"""``permanence stats``: figures from SQL match figures from plain records,
and the terminal, JSON, CSV and HTML outputs say the same thing."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from permanence.calls.record import CallRecord, FollowUp
from permanence.stats import (
    CallTallies,
    Period,
    build_figures,
    count_queries,
    mask_contacts,
    period_between,
    tally_records,
    tally_store,
)
from permanence.workspace import Workspace
from tests.conftest import Invoke
from tests.test_handoff import at, call, event, seed, terminal

__all__ = ["terminal"]  # a fixture, used by name
PARIS = ZoneInfo("Europe/Paris")
REASONS = ("adhesion", "dons", "presse", "benevolat")
VOLUNTEERS = ("Fatou Diallo", "Jean Dupuis", "Karim Haddad")


def random_records(seed_value: int, count: int) -> list[CallRecord]:
    """Calls and shift events spread over autumn 2026 (DST ends on 25 October)."""
    rng = random.Random(seed_value)
    start = datetime(2026, 9, 1, tzinfo=PARIS)
    records = []
    for _ in range(count):
        moment = start + timedelta(minutes=rng.randrange(0, 120 * 24 * 60))
        moment = moment.astimezone(PARIS)  # keeps the right offset after DST
        kind = rng.choice(("call",) * 8 + ("shift_started", "shift_ended"))
        if kind != "call":
            records.append(event(moment, rng.choice(VOLUNTEERS), kind))
            continue
        follow_up = None
        if rng.random() < 0.3:
            done = moment + timedelta(hours=rng.randrange(1, 200))
            closed = rng.random() < 0.6
            follow_up = FollowUp(
                rng.choice(("Nadia", "Bob")), done_at=done if closed else None
            )
        new = rng.random() < 0.1
        reason = (
            rng.choice(("Bruit", "Location de salle")) if new else rng.choice(REASONS)
        )
        records.append(call(moment, rng.choice(VOLUNTEERS), reason, new, follow_up))
    return records


def comparable(tallies: CallTallies) -> tuple[object, ...]:
    """Return the tallies in a form where equal figures compare equal."""
    return (
        dict(tallies.by_reason),
        dict(tallies.by_volunteer),
        dict(tallies.by_weekday_hour),
        sorted(round(s) for s in tallies.close_seconds),
        tallies.open_count,
        [item.call_id for item in tallies.oldest_open],
    )


@pytest.mark.parametrize("seed_value", [1, 2, 3])
def test_sql_tallies_match_tallies_of_plain_records(
    tmp_path: Path, seed_value: int
) -> None:
    records = random_records(seed_value, 400)
    seed(tmp_path, records)
    periods = [
        period_between(date(2026, 9, 1), date(2026, 12, 31), PARIS),
        period_between(date(2026, 10, 20), date(2026, 10, 30), PARIS),  # DST
        Period(at(3, 9, month=11), at(17, 15, 30, month=11)),
    ]

    for period in periods:
        from_sql = tally_store(Workspace(tmp_path), period, PARIS)
        from_records = tally_records(records, period, PARIS)
        assert comparable(from_sql) == comparable(from_records)
        assert sum(from_sql.by_reason.values()) > 0


def test_grid_uses_local_time_on_both_sides_of_dst() -> None:
    records = [
        call(datetime(2026, 10, 24, 14, 30, tzinfo=PARIS), "A", "dons"),  # +02:00
        call(datetime(2026, 10, 26, 14, 30, tzinfo=PARIS), "A", "dons"),  # +01:00
    ]
    period = period_between(date(2026, 10, 1), date(2026, 10, 31), PARIS)

    tallies = tally_records(records, period, PARIS)

    assert dict(tallies.by_weekday_hour) == {(6, 14): 1, (1, 14): 1}


def test_new_reason_since_added_to_the_guide_counts_with_it() -> None:
    tallies = CallTallies()
    tallies.by_reason.update({"dons": 3, "Faire un don": 2, "Bruit": 1})
    period = Period(at(1, 0), at(2, 0))

    figures = build_figures(tallies, period, {"dons": "Faire un don"}, [], at(2, 0))

    assert [(r.reason, r.count) for r in figures.by_reason] == [("dons", 5)]
    assert [(r.reason, r.count) for r in figures.new_reasons] == [("Bruit", 1)]


def test_contacts_in_free_text_are_masked_but_dates_stay() -> None:
    text = (
        "Rappeler au 06 12 34 56 78 ou +33 6 12 34 56 78, a.b@c.example, le 12/12/2026"
    )

    assert mask_contacts(text) == "Rappeler au […] ou […], […], le 12/12/2026"
    assert mask_contacts("Réunion du 2026-12-12") == "Réunion du 2026-12-12"


def test_unanswered_questions_are_grouped_and_kept_to_the_period() -> None:
    period = Period(at(1, 0), at(8, 0))
    queries = [
        (at(2, 10), "Location de salle"),
        (at(3, 10), "location  de SALLE "),
        (at(4, 10), "Horaires de Noël"),
        (at(9, 10), "Horaires de Noël"),  # after the period
        (at(4, 11), "Appelez-moi au 0612345678"),
    ]

    counted = count_queries(queries, period)

    assert counted == [
        ("Location de salle", 2),
        ("Appelez-moi au […]", 1),
        ("Horaires de Noël", 1),
    ]


@pytest.fixture
def workspace(sample_workspace: Path) -> Path:
    """The sample workspace with a known week of calls (30 Nov-6 Dec 2026)."""
    seed(
        sample_workspace,
        [
            call(at(1, 14, 20), "Fatou Diallo", "adhesion"),
            call(at(1, 14, 40), "Fatou Diallo", "adhesion"),
            call(at(1, 15, 5), "Fatou Diallo", "dons",
                 follow_up=FollowUp("Martine", done_at=at(2, 15, 5))),
            call(at(1, 18, 10), "Karim Haddad", "dons",
                 follow_up=FollowUp("Martine", done_at=at(1, 20, 10))),
            call(at(3, 9, 30), "Claire Martin", "Bruit des voisins", new=True),
            call(at(3, 10, 0), "Claire Martin", "presse", follow_up=FollowUp("Nadia")),
            event(at(1, 14), "Fatou Diallo", "shift_started"),
            call(at(20, 10, month=11), "Jean Dupuis", "presse"),  # before
        ],
    )  # fmt: skip
    return sample_workspace


WEEK = ("--from", "30/11/2026", "--to", "2026-12-06")


def test_json_figures_of_a_week(invoke: Invoke, workspace: Path) -> None:
    outcome = invoke(["-w", workspace, "stats", *WEEK, "--json"])

    assert outcome.exit_code == 0, outcome.stderr
    figures = json.loads(outcome.stdout)
    assert figures["period"] == {
        "from": "2026-11-30T00:00:00+01:00",
        "to": "2026-12-07T00:00:00+01:00",
    }
    assert figures["total_calls"] == 6
    assert figures["calls_by_reason"] == [
        {"reason": "adhesion", "label": "Adhérer à l'association", "count": 2},
        {
            "reason": "dons",
            "label": "Faire un don ou obtenir un reçu fiscal",
            "count": 2,
        },
        {"reason": "presse", "label": "Contacter le service presse", "count": 1},
    ]
    assert figures["new_reasons"] == [{"reason": "Bruit des voisins", "count": 1}]
    assert {"weekday": 2, "hour": 14, "calls": 2} in figures["weekday_hour"]
    assert figures["follow_ups"]["closed"] == 2
    assert figures["follow_ups"]["median_hours_to_close"] == 13.0  # 2 h and 24 h
    assert figures["follow_ups"]["open"] == 1
    assert figures["follow_ups"]["oldest_open"][0]["owner"] == "Nadia"
    assert figures["calls_by_volunteer"] == [
        {"volunteer": "Fatou Diallo", "count": 3},
        {"volunteer": "Claire Martin", "count": 2},
        {"volunteer": "Karim Haddad", "count": 1},
    ]


def test_csv_has_one_row_per_number_with_its_figure(
    invoke: Invoke, workspace: Path
) -> None:
    outcome = invoke(["-w", workspace, "stats", *WEEK, "--csv"])

    assert outcome.exit_code == 0, outcome.stderr
    rows = list(csv.DictReader(io.StringIO(outcome.stdout)))
    assert set(rows[0]) == {"figure", "key", "detail", "value"}
    figures = {row["figure"] for row in rows}
    assert figures == {
        "period", "total_calls", "calls_by_reason", "new_reasons", "weekday_hour",
        "follow_ups", "oldest_open", "calls_by_volunteer",
    }  # fmt: skip
    assert {"figure": "weekday_hour", "key": "2", "detail": "14", "value": "2"} in rows
    median = {"key": "median_hours_to_close", "detail": "", "value": "13.0"}
    assert {"figure": "follow_ups", **median} in rows


class _Tags(HTMLParser):
    """Collects the tags of a page and checks they are closed in order."""

    VOID = frozenset({"meta", "rect", "br"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.seen: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)
        self.attributes += attrs
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID and (not self.open or self.open[-1] != tag):
            return
        assert self.open.pop() == tag


def test_html_report_is_self_contained(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    target = tmp_path / "rapport.html"

    outcome = invoke(["-w", workspace, "stats", *WEEK, "--html", target])

    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout == ""
    page = target.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    assert parser.open == []
    assert parser.seen.count("svg") == 3  # reasons, grid, volunteers
    assert "script" not in parser.seen
    assert "link" not in parser.seen
    names = {name for name, _value in parser.attributes}
    assert not names & {"src", "href"}
    assert "@import" not in page
    assert "url(" not in page
    assert page.count("http") == 3  # the SVG namespace only
    assert "Appels par motif" in page
    assert "Adhérer à l&#x27;association" in page
    assert ">2</text>" in page  # counts are written, not only drawn


def test_piped_output_is_plain_text_with_bars_and_counts(
    invoke: Invoke, workspace: Path
) -> None:
    outcome = invoke(["-w", workspace, "stats", *WEEK])

    assert outcome.exit_code == 0, outcome.stderr
    out = outcome.stdout
    assert out.startswith("6 appels du 30/11/2026 au 06/12/2026\n")
    assert re.search(r"^  Adhérer à l'association +2  █{20}$", out, re.MULTILINE)
    assert re.search(r"^  Contacter le service presse +1  █{10}$", out, re.MULTILINE)
    assert "  « Bruit des voisins »  1  ████████████████████" in out
    assert "clos : 2 ; délai médian de clôture : 13.0 h ; encore ouverts : 1" in out
    assert re.search(r"^  mar( +·){6} +2 +1 +· +· +1 +·$", out, re.MULTILINE)
    assert "\x1b[" not in out  # no terminal codes in a pipe


@pytest.mark.usefixtures("terminal")
def test_terminal_gets_bold_titles_and_bars(invoke: Invoke, workspace: Path) -> None:
    outcome = invoke(["-w", workspace, "stats", *WEEK])

    assert outcome.exit_code == 0, outcome.stderr
    out = outcome.stdout
    assert "\x1b[1mAppels par motif\x1b[0m" in out  # a title, styled
    assert "█" * 20 in out
    assert "13.0 h" in out


def test_stats_in_english(invoke: Invoke, workspace: Path) -> None:
    shifts = workspace / "shifts.yaml"
    text = shifts.read_text(encoding="utf-8").replace("language: fr", "language: en")
    shifts.write_text(text, encoding="utf-8")

    outcome = invoke(["-w", workspace, "stats", *WEEK], lang="en")

    assert outcome.exit_code == 0, outcome.stderr
    assert "6 calls from 2026-11-30 to 2026-12-06" in outcome.stdout
    assert "closed: 2; median time to close: 13.0 h; still open: 1" in outcome.stdout
    assert "Tue" in outcome.stdout


def test_empty_log_gives_zero_figures(invoke: Invoke, sample_workspace: Path) -> None:
    outcome = invoke(["-w", sample_workspace, "stats", "--json"])

    assert outcome.exit_code == 0, outcome.stderr
    figures = json.loads(outcome.stdout)
    assert figures["total_calls"] == 0
    assert figures["follow_ups"]["median_hours_to_close"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "30d", "--from", "01/11/2026"], "soit --since, soit --from/--to"),
        (["--since", "trente jours"], "trente jours"),
        (["--to", "01/11/2026"], "--to a besoin de --from"),
        (["--from", "02/11/2026", "--to", "01/11/2026"], "inversez les deux dates"),
        (["--from", "31/02/2026"], "31/02/2026"),
        (["--json", "--csv"], "--json et --csv"),
    ],
)
def test_bad_periods_are_explained(
    invoke: Invoke, sample_workspace: Path, args: list[str], message: str
) -> None:
    outcome = invoke(["-w", sample_workspace, "stats", *args])

    assert outcome.exit_code == 2
    assert message in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_zone_with_half_hour_offsets_groups_local_hours(tmp_path: Path) -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30: a UTC hour spans two
    records = [
        call(datetime(2026, 12, 1, 9, 10, tzinfo=kolkata), "A", "dons"),
        call(datetime(2026, 12, 1, 9, 50, tzinfo=kolkata), "A", "dons"),
        call(datetime(2026, 12, 1, 10, 20, tzinfo=kolkata), "A", "dons"),
    ]
    seed(tmp_path, records)
    period = period_between(date(2026, 12, 1), date(2026, 12, 1), kolkata)

    from_sql = tally_store(Workspace(tmp_path), period, kolkata)

    assert dict(from_sql.by_weekday_hour) == {(2, 9): 2, (2, 10): 1}
    assert comparable(from_sql) == comparable(tally_records(records, period, kolkata))


@pytest.mark.parametrize("zone_name", ["America/New_York", "Pacific/Auckland", "UTC"])
def test_grid_from_utc_hours_matches_local_time_in_other_zones(
    tmp_path: Path, zone_name: str
) -> None:
    zone = ZoneInfo(zone_name)
    rng = random.Random(zone_name)
    start = datetime(2026, 3, 1, tzinfo=zone)  # spans both DST changes
    records = [
        call(
            (start + timedelta(minutes=rng.randrange(0, 300 * 24 * 60))).astimezone(
                zone
            ),
            "A",
            "dons",
        )
        for _ in range(300)
    ]
    seed(tmp_path, records)
    period = period_between(date(2026, 3, 1), date(2026, 12, 31), zone)

    from_sql = tally_store(Workspace(tmp_path), period, zone)

    assert (
        from_sql.by_weekday_hour == tally_records(records, period, zone).by_weekday_hour
    )


def test_damaged_call_log_is_reported_without_traceback(
    invoke: Invoke, sample_workspace: Path
) -> None:
    state = sample_workspace / ".permanence"
    state.mkdir(exist_ok=True)
    (state / "calls.sqlite3").write_bytes(b"not a database" * 100)

    outcome = invoke(["-w", sample_workspace, "stats", "--json"])

    assert outcome.exit_code == 2
    assert "ne peut pas être lu" in outcome.stderr
    assert "Traceback" not in outcome.stderr
