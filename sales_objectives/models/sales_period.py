"""The periods of targets, said once for every screen: one record per period type and
dates (a week, a month, a quarter, a year, a custom range), whose name is the period in
the reader's language ("Q4 2026", "2026年第4季度", "سه‌ماههٔ چهارم 2026").

Targets point to theirs (``sales.target.period_id``), and so do the leaderboard and the
forecast: grouped by it, a list, a pivot or a kanban heads each group with the period in
the reader's language, in calendar order (a char field would head it with its stored
key, "2026-Q4", in every language). A period is calendar data shared by every company,
like a currency: it holds no business figure and reveals nothing, so it has no company;
everyone who reads targets reads the periods, and only the add-on creates them."""

from odoo import api, fields, models
from odoo.tools import SQL, get_lang
from odoo.tools.misc import babel_locale_parse

from ..tools.periods import is_aligned, natural_period_type, period_label, period_words
from .sales_target import PERIOD_TYPES


class SalesPeriod(models.Model):
    _name = "sales.period"
    _description = "Sales period"
    # the periods that end last first; of those, the longest first (the year, its last
    # quarter, then its last month)
    _order = "date_to desc, date_from, id"
    _rec_name = "code"

    code = fields.Char(
        required=True,
        readonly=True,
        index=True,
        help="A language-neutral key of the period (2026-Q4, 2026-11, 2026-W47, …).",
    )
    period_type = fields.Selection(PERIOD_TYPES, string="Period", required=True, readonly=True)
    date_from = fields.Date("From", required=True, readonly=True)
    date_to = fields.Date("To", required=True, readonly=True)

    _sql_constraints = [
        (
            "period_unique",
            "UNIQUE(period_type, date_from, date_to)",
            "A period is recorded once.",
        ),
    ]

    @api.depends("period_type", "date_from", "date_to")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for period in self:
            period.display_name = (
                self._say(period.period_type, period.date_from, period.date_to)
                if period.date_from and period.date_to
                else False
            )

    @api.model
    def _search_display_name(self, operator, value):
        """The words people read ("Q4 2026", "dec. 2026") as well as the key: there are
        few periods (a few dozen a year), so they are said and matched here."""
        if operator not in ("ilike", "=ilike", "=", "not ilike") or not isinstance(value, str):
            return super()._search_display_name(operator, value)
        wanted = value.casefold()
        # every period, said: a few dozen a year, the user's words are not stored
        periods = self.sudo().search_fetch([], ["period_type", "date_from", "date_to", "code"])
        if operator == "=":
            matched = periods.filtered(lambda p: value in (p.display_name, p.code))
        else:
            matched = periods.filtered(
                lambda p: wanted in p.display_name.casefold() or wanted in p.code.casefold()
            )
        if operator == "not ilike":
            return [("id", "not in", matched.ids)]
        return [("id", "in", matched.ids)]

    @api.model
    def _say(self, period_type, date_from, date_to):
        """The period in the user's language: "Dec 2026", "Q4 2026", "2026",
        "Week 49, 2026", "Dec 20 – 31, 2026". The one rule every screen, report, e-mail
        and group header of the add-on follows."""
        return period_words(
            period_type,
            date_from,
            date_to,
            babel_locale_parse(get_lang(self.env).code),
            lambda week, year: self.env._("Week %(week)s, %(year)s", week=week, year=year),
        )

    @api.model
    def _say_dates(self, date_from, date_to):
        """Any dates as a period (a contest's, a report's): "Q4 2026" when they are
        exactly a quarter, "Dec 20 – 31, 2026" when they are no period."""
        return self._say(natural_period_type(date_from, date_to), date_from, date_to)

    @api.model
    def _ids_for(self, keys, create=True):
        """{(period_type, date_from, date_to): id} for these keys, recording the periods
        not recorded yet (unless ``create`` is false). In SQL: it runs while targets are
        created or flushed, and two transactions recording the same period keep one."""
        keys = {key for key in keys if all(key) and is_aligned(*key)}
        if not keys:
            return {}

        def select(wanted):
            kinds, starts, ends = zip(*wanted, strict=True)
            self.env.cr.execute(
                SQL(
                    """
                    SELECT p.id, p.period_type, p.date_from, p.date_to
                      FROM sales_period p
                      JOIN unnest(%s::varchar[], %s::date[], %s::date[]) AS k(kind, s, e)
                        ON p.period_type = k.kind AND p.date_from = k.s AND p.date_to = k.e
                    """,
                    list(kinds),
                    list(starts),
                    list(ends),
                )
            )
            return {(kind, start, end): pid for pid, kind, start, end in self.env.cr.fetchall()}

        found = select(keys)
        missing = keys - set(found)
        if missing and create:
            kinds, starts, ends = zip(*missing, strict=True)
            codes = [period_label(*key) for key in missing]
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO sales_period (period_type, date_from, date_to, code,
                                              create_uid, create_date, write_uid, write_date)
                    SELECT k.kind, k.s, k.e, k.code, %s, now() AT TIME ZONE 'UTC', %s,
                           now() AT TIME ZONE 'UTC'
                      FROM unnest(%s::varchar[], %s::date[], %s::date[], %s::varchar[])
                           AS k(kind, s, e, code)
                        ON CONFLICT (period_type, date_from, date_to) DO NOTHING
                    """,
                    self.env.uid,
                    self.env.uid,
                    list(kinds),
                    list(starts),
                    list(ends),
                    codes,
                )
            )
            found.update(select(missing))
        return found
