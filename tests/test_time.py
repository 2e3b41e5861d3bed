"""compliance._time: what is accepted as a time, a day, an audit date, a zone; and nothing overflows."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from compliance import _time

UTC = dt.timezone.utc


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+14:00", "0001-01-01T23:59:59+00:00",
                                  "9999-12-31T23:59:59-14:00", "9999-12-31T00:00:00Z"])
def test_times_no_zone_could_show_are_refused(text):
    with pytest.raises(_time.TimeFormatError) as caught:
        _time.parse_time(text)
    assert str(caught.value) == "expected a time from 0001-01-02 to 9999-12-30 (UTC)"


@pytest.mark.parametrize("text", ["0001-01-02T00:00:00Z", "0001-01-02T13:00:00+13:00", "9999-12-30T23:59:59Z",
                                  "9999-12-30T09:59:59-14:00"])
def test_the_edges_of_the_range_are_accepted(text):
    assert _time.parse_time(text) == dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_an_impossible_date_reads_as_an_expectation():
    """Not "expected impossible date": the message says what a correct value is, then why."""
    with pytest.raises(_time.TimeFormatError) as caught:
        _time.parse_time("2026-02-30T08:00:00+01:00")
    assert str(caught.value) == "expected an existing date and time (day is out of range for month)"
    with pytest.raises(_time.TimeFormatError) as caught:
        _time.parse_day("2026-13-01")
    assert str(caught.value) == "expected an existing calendar day (month must be in 1..12)"


@pytest.mark.parametrize("text", ["٢٠٢٦-٠٣-١٠T09:00:00+01:00", "2026-03-10T09:00:00+０1:00"])
def test_only_ascii_digits_are_digits(text):
    with pytest.raises(_time.TimeFormatError) as caught:
        _time.parse_time(text)
    assert str(caught.value).startswith("expected an ISO 8601 time with its offset")


def test_days_run_to_the_last_day_of_the_calendar():
    """9999-12-31 is a common 'no end' date for an approval; 0001-01-01 is not usable in every zone."""
    assert _time.parse_day("9999-12-31") == dt.date(9999, 12, 31)
    with pytest.raises(_time.TimeFormatError) as caught:
        _time.parse_day("0001-01-01")
    assert str(caught.value) == "expected a day from 0001-01-02 to 9999-12-31"


@pytest.mark.parametrize("text, expected", [
    ("2026-04-30", dt.datetime(2026, 4, 30, 23, 59, 59, tzinfo=_time.zone("Europe/Paris"))),
    ("2026-01-31", dt.datetime(2026, 1, 31, 23, 59, 59, tzinfo=_time.zone("Europe/Paris"))),
    ("2026-04-30T12:00:00+02:00", dt.datetime(2026, 4, 30, 10, 0, tzinfo=UTC)),
    ("9999-12-30", dt.datetime(9999, 12, 30, 23, 59, 59, tzinfo=_time.zone("Europe/Paris"))),
])
def test_audit_dates(text, expected):
    assert _time.parse_audit_date(text) == expected


@pytest.mark.parametrize("text, message", [
    ("9999-12-31", "expected a day from 0001-01-02 to 9999-12-30"),
    ("0001-01-01", "expected a day from 0001-01-02 to 9999-12-30"),
    ("2026-02-30", "expected an existing calendar day (day is out of range for month)"),
    ("9999-12-31T23:00:00-14:00", "expected a time from 0001-01-02 to 9999-12-30 (UTC)"),
    ("tomorrow", "expected YYYY-MM-DD or an ISO 8601 time with its offset"),
    ("2026-04-30T12:00:00", "expected YYYY-MM-DD or an ISO 8601 time with its offset"),
])
def test_audit_dates_out_of_range_or_malformed_are_refused(text, message):
    with pytest.raises(_time.TimeFormatError) as caught:
        _time.parse_audit_date(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("name", ["Mars/Olympus", "../../etc/passwd", "", "/etc/localtime", "localtime",
                                  "posixrules", "Europe/../Europe/Paris", "Europe/Paris\x00", "Europe/Paris\ud800",
                                  "a" * 5000, "zone.tab", " Europe/Paris", None, 42])
def test_unknown_or_path_like_time_zones_are_refused(name):
    with pytest.raises(ValueError) as caught:
        _time.zone(name)
    assert str(caught.value).startswith("unknown time zone")


@pytest.mark.parametrize("name", ["Europe/Paris", "UTC", "America/Cayenne", "Pacific/Kiritimati", "Etc/GMT+5"])
def test_iana_time_zones_are_found(name):
    assert str(_time.zone(name)) == name


def test_rendering_never_overflows():
    """A rule's deadline past year 9999 still renders, as words."""
    paris = _time.zone("Europe/Paris")
    assert _time.render_time(10 ** 12, paris) == "after 9999-12-31"
    assert _time.render_day(-10 ** 12, paris) == "before 0001-01-01"
    first = _time.epoch(_time.parse_time("0001-01-02T00:00:00Z"))
    assert _time.render_time(first, UTC) == "0001-01-02 00:00 (+00:00)"


def test_local_mean_time_offsets_keep_their_seconds():
    paris = _time.zone("Europe/Paris")
    seconds = _time.epoch(dt.datetime(1850, 6, 1, 12, 0, tzinfo=UTC))
    assert _time.render_time(seconds, paris) == "1850-06-01 12:09:21 (+00:09:21)"


offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
zones = st.sampled_from(["Europe/Paris", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC", "Asia/Kolkata"])


@given(st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59)),
       offsets, zones)
def test_an_accepted_time_renders_in_any_zone(naive, offset, zone_name):
    """Whatever parse_time accepts, every later step (epoch, any zone, rendering) can handle."""
    text = naive.replace(microsecond=0, tzinfo=offset).isoformat()
    try:
        moment = _time.parse_time(text)
    except _time.TimeFormatError as error:
        assert str(error) == "expected a time from 0001-01-02 to 9999-12-30 (UTC)"
        return
    tz = _time.zone(zone_name)
    rendered = _time.render_time(_time.epoch(moment), tz)
    assert rendered[:10] == _time.from_epoch(_time.epoch(moment), tz).date().isoformat()


@given(st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59)),
       offsets, st.sampled_from(["T", " "]), st.booleans())
def test_a_time_reads_as_the_standard_library_reads_it(naive, offset, separator, colon):
    """parse_time gives fromisoformat's instant and offset, refused only outside the range
    (the range is checked in full only in the first and last years)."""
    text = naive.replace(microsecond=0, tzinfo=offset).isoformat(sep=separator)
    if not colon:
        text = text[:-3] + text[-2:]            # +01:00 written +0100
    reference = dt.datetime.fromisoformat(text)
    inside = dt.datetime(1, 1, 2, tzinfo=UTC) <= reference <= dt.datetime(9999, 12, 30, 23, 59, 59, tzinfo=UTC)
    if not inside:
        with pytest.raises(_time.TimeFormatError):
            _time.parse_time(text)
        return
    moment = _time.parse_time(text)
    assert moment == reference
    assert moment.utcoffset() == reference.utcoffset()
    assert moment.isoformat() == reference.isoformat()


def test_times_of_one_offset_share_their_time_zone_object():
    """What keeps sorting a session's events cheap: same offset, same tzinfo, written either way."""
    a = _time.parse_time("2026-03-10T09:00:00+01:00")
    b = _time.parse_time("2026-07-01T18:30:00+0100")
    c = _time.parse_time("2026-03-10T08:00:00Z")
    assert a.tzinfo is b.tzinfo
    assert c.tzinfo is _time.parse_time("2026-03-10T08:00:00+00:00").tzinfo
    assert a == c


@given(st.dates(min_value=dt.date(1, 1, 2)), zones)
def test_an_accepted_day_starts_somewhere_in_any_zone(day, zone_name):
    tz = _time.zone(zone_name)
    assert _time.render_day(_time.day_start(_time.parse_day(day.isoformat()), tz), tz) == day.isoformat()


def test_a_time_shows_its_seconds_only_when_they_are_not_zero():
    """One second past a bound must not read as the bound itself; whole minutes stay short."""
    paris = _time.zone("Europe/Paris")
    at = dt.datetime(2026, 3, 10, 9, 0, tzinfo=paris)
    assert _time.render_instant(at) == "2026-03-10 09:00 (+01:00)"
    assert _time.render_instant(at + dt.timedelta(seconds=1)) == "2026-03-10 09:00:01 (+01:00)"
    assert _time.parse_report_time("2026-03-10 09:00:01 (+01:00)", paris) == at + dt.timedelta(seconds=1)
