"""Funnel per salesperson: opportunities reaching each stage, stage-to-stage conversion,
and a plain-words hint where a salesperson converts far less than the team."""

from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date

from ..tools.periods import local_day_start_utc

# a salesperson's step conversion below this share of the team's is "far below"
FAR_BELOW = 0.5
# ... when they had at least this many opportunities at the step
MIN_OPPORTUNITIES = 3


class SalesFunnel(models.TransientModel):
    _name = "sales.funnel"
    _description = "Sales funnel per salesperson"

    team_id = fields.Many2one(
        "crm.team",
        string="Sales team",
        required=True,
        default=lambda self: self.env.user.sale_team_id,
    )
    date_from = fields.Date(
        "Opportunities from",
        required=True,
        default=lambda self: self._company_today() - relativedelta(months=6),
    )
    date_to = fields.Date("To", required=True, default=lambda self: self._company_today())
    line_ids = fields.One2many("sales.funnel.line", "funnel_id", string="Funnel", readonly=True)
    hints = fields.Text(readonly=True)

    @api.model
    def _company_today(self):
        return self.env.company._sales_today()[self.env.company.id]

    def _dates_problem(self):
        self.ensure_one()
        if self.date_from and self.date_to and self.date_to < self.date_from:
            return self.env._(
                "The period starts on %(start)s and ends on %(end)s, before it starts: swap "
                "the dates.",
                start=format_date(self.env, self.date_from),
                end=format_date(self.env, self.date_to),
            )
        return False

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for funnel in self:
            problem = funnel._dates_problem()
            if problem:
                raise ValidationError(problem)

    @api.onchange("date_from", "date_to")
    def _onchange_dates(self):
        problem = self._dates_problem()
        if problem:
            return {"warning": {"title": self.env._("Check the period"), "message": problem}}
        return None

    def action_compute(self):
        self.ensure_one()
        self.line_ids = [Command.clear()] + [Command.create(v) for v in self._funnel_lines()]
        team_rows = self.line_ids.filtered(lambda line: not line.user_id)
        if not sum(team_rows.mapped("reached")):
            self.hints = self.env._("No opportunity of the team was created in this period.")
        else:
            self.hints = "\n".join(
                line.hint
                for line in self.line_ids.sorted(
                    lambda line: (line.user_id.name or "", line.sequence)
                )
                if line.hint
            ) or self.env._("No step where a salesperson converts far less than the team.")
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Funnel"),
        }

    @api.model
    def _steps(self, team):
        """The team's pipeline stages in order, the won stage(s) as the last step."""
        stages = self.env["crm.stage"].search(
            ["|", ("team_id", "=", False), ("team_id", "=", team.id)], order="sequence, id"
        )
        return stages.filtered(lambda s: not s.is_won), stages.filtered("is_won")

    def _reached(self):
        """{lead id: (salesperson id, highest open-stage position reached, won)} for the
        team's opportunities created (or converted) in the period, lost ones included.
        A stage is reached when the opportunity was in it at some point: its current
        stage and every stage its tracked history shows."""
        self.ensure_one()
        self.team_id.check_access("read")
        open_stages, won_stages = self._steps(self.team_id)
        position = {stage.id: index for index, stage in enumerate(open_stages)}
        # the team's figures are aggregates over the whole team, whatever the user may
        # read; only counts are shown (see _visible_users)
        leads = self.env["crm.lead"].sudo().with_context(active_test=False)
        query = leads._search([("team_id", "=", self.team_id.id), ("type", "=", "opportunity")])
        date = SQL(
            "COALESCE(%s, %s)",
            leads._field_to_sql(query.table, "date_conversion", query),
            leads._field_to_sql(query.table, "create_date", query),
        )
        # the period's days in the team's company time zone
        company = self.team_id.company_id or self.env.company
        tz = company._sales_tz()
        query.add_where(
            SQL(
                "%s >= %s AND %s < %s",
                date,
                local_day_start_utc(self.date_from, tz),
                date,
                local_day_start_utc(self.date_to + timedelta(days=1), tz),
            )
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH l AS (%s)
                SELECT l.id, l.user_id, l.active, l.stage_id
                  FROM l
                 UNION ALL
                SELECT l.id, l.user_id, l.active,
                       unnest(ARRAY[v.old_value_integer, v.new_value_integer])
                  FROM l
                  JOIN mail_message m ON m.model = 'crm.lead' AND m.res_id = l.id
                  JOIN mail_tracking_value v ON v.mail_message_id = m.id
                  JOIN ir_model_fields f ON f.id = v.field_id
                 WHERE f.model = 'crm.lead' AND f.name = 'stage_id'
                """,
                query.select(
                    SQL.identifier(query.table, "id"),
                    SQL.identifier(query.table, "user_id"),
                    SQL.identifier(query.table, "active"),
                    SQL.identifier(query.table, "stage_id"),
                ),
            )
        )
        reached = {}
        won_ids = set(won_stages.ids)
        for lead_id, user_id, active, stage_id in self.env.cr.fetchall():
            _user, best, won = reached.get(lead_id, (user_id, -1, False))
            if stage_id in won_ids:
                won = won or bool(active)
                best = max(best, len(open_stages) - 1)
            elif stage_id in position:
                best = max(best, position[stage_id])
            reached[lead_id] = (user_id, best, won)
        return open_stages, won_stages, reached

    def _funnel_lines(self):
        open_stages, won_stages, reached = self._reached()
        steps = [(stage.id, stage.name) for stage in open_stages]
        won_name = won_stages[:1].name or self.env._("Won")
        steps.append((won_stages[:1].id, won_name))
        counts = defaultdict(lambda: [0] * len(steps))  # user -> reached per step
        for user_id, best, won in reached.values():
            for who in (user_id, "team"):
                for index in range(best + 1):
                    counts[who][index] += 1
                if won:
                    counts[who][-1] += 1
        team = counts["team"]
        lines = []
        users = self.env["res.users"].browse([u for u in counts if u not in ("team", None, False)])
        users = users & self._visible_users(users)
        for who in [False] + users.sorted("name").ids:
            values = team if who is False else counts[who]
            user = self.env["res.users"].browse(who)
            for index, (stage_id, name) in enumerate(steps):
                conversion = team_conversion = 0.0
                hint = False
                if index:
                    previous = values[index - 1]
                    conversion = 100.0 * values[index] / previous if previous else 0.0
                    team_previous = team[index - 1]
                    team_conversion = 100.0 * team[index] / team_previous if team_previous else 0.0
                    if (
                        who is not False
                        and previous >= MIN_OPPORTUNITIES
                        and team_conversion > 0
                        and conversion < FAR_BELOW * team_conversion
                    ):
                        hint = self._hint(
                            user,
                            steps[index - 1][1],
                            name,
                            index,
                            len(steps),
                            conversion,
                            team_conversion,
                        )
                lines.append(
                    {
                        "user_id": who,
                        "stage_id": stage_id,
                        "stage_name": name,
                        "sequence": index,
                        "reached": values[index],
                        # nothing converts into the first step, nor out of a step
                        # nobody reached
                        "has_conversion": bool(index and values[index - 1]),
                        "conversion": conversion,
                        "has_team_conversion": bool(index and team[index - 1]),
                        "team_conversion": team_conversion,
                        "hint": hint,
                    }
                )
        return lines

    def _visible_users(self, users):
        """The salespeople whose rows the user sees: all of them for sales managers,
        "all documents" salespeople and the team's leader; else only themselves."""
        me = self.env.user
        if (
            self.env.su
            or me.has_group("sales_team.group_sale_salesman_all_leads")
            or (self.team_id and self.team_id._so_led_by(me))
        ):
            return users
        return users & me

    def _hint(self, user, from_stage, to_stage, index, steps, conversion, team_conversion):
        if index == steps - 1:
            advice = self.env._("many “%(stage)s”, few wins: work on closing", stage=from_stage)
        elif index == 1:
            advice = self.env._("many new opportunities, few qualified: work on qualifying them")
        else:
            advice = self.env._(
                "many “%(from_stage)s”, few “%(to_stage)s”: work on moving deals forward "
                "(follow-up, demos)",
                from_stage=from_stage,
                to_stage=to_stage,
            )
        return self.env._(
            "%(user)s: %(rate)s %% of “%(from_stage)s” reach “%(to_stage)s”, against "
            "%(team_rate)s %% for the team — %(advice)s.",
            user=user.name,
            rate=round(conversion),
            from_stage=from_stage,
            to_stage=to_stage,
            team_rate=round(team_conversion),
            advice=advice,
        )
