"""Calendar periods of targets: weeks (ISO, Monday to Sunday), months, quarters,
years, and custom ranges. Pure functions, no ORM."""

from datetime import datetime, time

import babel.dates
import pytz

from odoo.tools import date_utils

# the periods of fixed bounds (a custom period has its own)
FIXED_PERIODS = ("week", "month", "quarter", "year")


def period_bounds(period_type, day):
    """First and last day of the period of ``period_type`` that contains ``day``: an
    ISO week (Monday to Sunday), a calendar month, quarter or year, as Odoo's
    ``date_utils`` counts them."""
    if period_type not in FIXED_PERIODS:
        raise ValueError(f"no fixed bounds for period type {period_type!r}")
    return date_utils.start_of(day, period_type), date_utils.end_of(day, period_type)


def is_aligned(period_type, date_from, date_to):
    """True when ``date_from``-``date_to`` is exactly one period of ``period_type``."""
    if period_type == "custom":
        return True
    return period_bounds(period_type, date_from) == (date_from, date_to)


def local_day_start_utc(day, tz_name):
    """The UTC naive datetime at which local ``day`` starts in time zone ``tz_name``."""
    tz = pytz.timezone(tz_name or "UTC")
    local = tz.localize(datetime.combine(day, time.min))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def period_label(period_type, date_from, date_to):
    """A short, language-neutral key (stored, searched, never shown): 2026-W47, 2026-11,
    2026-Q4, 2026, or a range. People read ``period_words``."""
    if period_type == "week":
        iso = date_from.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}"
    if period_type == "month":
        return f"{date_from.year}-{date_from.month:02d}"
    if period_type == "quarter":
        return f"{date_from.year}-Q{(date_from.month - 1) // 3 + 1}"
    if period_type == "year":
        return f"{date_from.year}"
    return f"{date_from.isoformat()} → {date_to.isoformat()}"


def natural_period_type(date_from, date_to):
    """The period type that ``date_from``-``date_to`` is exactly (a contest from 1
    October to 31 December is a quarter), else "custom"."""
    for period_type in FIXED_PERIODS:
        if is_aligned(period_type, date_from, date_to):
            return period_type
    return "custom"


# the CLDR skeletons of the periods: each language writes them its own way, in one digit
# system ("Q4 2026", "2026年第4季度", "K4 2026", "سه‌ماههٔ چهارم 2026")
SKELETONS = {"month": "yMMM", "quarter": "yQQQ", "year": "y"}


def period_words(period_type, date_from, date_to, locale, week_words):
    """The period as people read it in ``locale`` (a babel locale): "Dec 2026",
    "Q4 2026", "2026", a week by ``week_words(week, year)`` (ISO weeks have no CLDR
    form), a custom range as "Dec 20 – 31, 2026". Dates that are not exactly one period
    of ``period_type`` are said as a range."""
    if period_type == "week" and is_aligned("week", date_from, date_to):
        year, week, _day = date_from.isocalendar()
        return week_words(week, year)
    if period_type in SKELETONS and is_aligned(period_type, date_from, date_to):
        return babel.dates.format_skeleton(SKELETONS[period_type], date_from, locale=locale)
    if date_from == date_to:
        return babel.dates.format_skeleton("yMMMd", date_from, locale=locale)
    return babel.dates.format_interval(date_from, date_to, "yMMMd", locale=locale)
