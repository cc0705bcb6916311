"""A call record becomes a sheet row and comes back unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from permanence.calls.record import KINDS, CallRecord, FollowUp
from permanence.i18n import set_language
from permanence.sheetrows import (
    HEADERS,
    WIDTH,
    format_fields,
    is_header,
    parse_fields,
    record_to_row,
    row_to_record,
)

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
offsets = st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.builds(
    lambda day, offset: day.replace(microsecond=0).astimezone(offset),
    st.datetimes(datetime(2020, 1, 1), datetime(2040, 1, 1), timezones=st.just(UTC)),
    offsets,
)
follow_ups = st.builds(
    FollowUp,
    owner=texts.filter(bool),
    owner_email=texts,
    due=st.none() | st.dates(date(2020, 1, 1), date(2040, 1, 1)),
    done_at=st.none() | moments,
    done_by=texts,
    done_note=texts,
)
records = st.builds(
    CallRecord,
    id=st.from_regex(r"\A\d{8}-\d{6}-[0-9a-z]{4}\Z"),
    time=moments,
    volunteer=texts,
    kind=st.sampled_from(KINDS),
    reason=texts,
    reason_is_new=st.booleans(),
    caller_name=texts,
    caller_phone=texts,
    caller_email=texts,
    fields=st.dictionaries(texts, texts, max_size=4),
    answer=texts,
    note=texts,
    follow_up=st.none() | follow_ups,
    anonymized_at=st.none() | moments,
)


@pytest.mark.parametrize("language", ["fr", "en"])
@given(record=records)
def test_record_to_row_and_back_is_identity(language: str, record: CallRecord) -> None:
    set_language(language)

    row = record_to_row(record)

    assert len(row) == WIDTH
    assert all(isinstance(cell, str) for cell in row)
    assert row_to_record(row) == record


@given(fields=st.dictionaries(texts, texts, max_size=6))
def test_fields_survive_colons_newlines_and_backslashes(fields: dict[str, str]) -> None:
    assert parse_fields(format_fields(fields)) == fields


def test_fields_read_as_name_value_lines() -> None:
    text = format_fields({"type_demande": "renouvellement", "date": "03/12: matin"})

    assert text == "type_demande: renouvellement\ndate: 03/12: matin"


def test_trimmed_row_reads_back_with_empty_cells() -> None:
    record = CallRecord(
        id="20261203-140000-abcd",
        time=datetime(2026, 12, 3, 14, 0, tzinfo=timezone(timedelta(hours=1))),
        volunteer="Alice",
    )
    trimmed = record_to_row(record)[:4]  # the API drops trailing empty cells

    assert row_to_record(trimmed) == record


def test_headers_of_both_languages_are_recognised() -> None:
    assert all(is_header(headers[0]) for headers in HEADERS.values())
    assert not is_header("20261203-140000-abcd")
    assert len(HEADERS["fr"]) == len(HEADERS["en"]) == WIDTH


def test_a_row_without_offset_is_refused() -> None:
    row = ["20261203-140000-abcd", "2026-12-03 14:00:00", "Alice", "Appel"]

    with pytest.raises(ValueError, match="UTC offset"):
        row_to_record(row)
