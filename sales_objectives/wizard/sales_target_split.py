import math

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

from ..models.sales_target import NOTIFY_LATER


class SalesTargetSplit(models.TransientModel):
    _name = "sales.target.split"
    _description = "Split a team target over its salespeople"

    target_id = fields.Many2one("sales.target", string="Team target", required=True, readonly=True)
    company_id = fields.Many2one(related="target_id.company_id")
    currency_id = fields.Many2one(related="target_id.currency_id")
    team_id = fields.Many2one(related="target_id.team_id")
    total = fields.Float(related="target_id.target_value", string="Team target value")
    is_additive = fields.Boolean(related="target_id.is_additive")
    method = fields.Selection(
        [
            ("equal", "Equally"),
            ("weights", "By weights"),
            ("history", "By each salesperson's share of past results"),
        ],
        required=True,
        default="equal",
    )
    history_date_from = fields.Date("Past results from")
    history_date_to = fields.Date("Past results to")
    line_ids = fields.One2many("sales.target.split.line", "split_id", string="Salespeople")
    line_user_ids = fields.Many2many("res.users", compute="_compute_line_user_ids")
    remainder_user_id = fields.Many2one(
        "res.users",
        string="Rounding remainder to",
        domain="[('id', 'in', line_user_ids)]",
        help="Values are rounded to the unit of the KPI (cents, whole deals); the units "
        "rounding leaves over go one by one to the salespeople with the largest "
        "fractions, this one first (if chosen), so that the parts add up exactly to the "
        "team target and differ by at most one unit when split equally.",
    )
    remainder = fields.Float(
        compute="_compute_lines",
        string="Rounding remainder",
        help="What rounding each part down to whole units of the KPI leaves over.",
    )
    split_total = fields.Float(compute="_compute_lines", string="Sum of the parts")
    # the values in the KPI's unit (an amount in the target's currency, a count in
    # whole units, a percentage, days)
    total_label = fields.Char("To split", compute="_compute_labels")
    remainder_label = fields.Char("Rounding remainder (with unit)", compute="_compute_labels")
    split_total_label = fields.Char("Sum of the parts (with unit)", compute="_compute_labels")
    confirm_parts = fields.Boolean(
        "Approve or submit the salesperson targets",
        default=True,
        help="The parts are approved at once (a sales manager) or submitted for a sales "
        "manager's approval (a team leader); untick to keep them as drafts and adjust "
        "them first.",
    )
    zero_warning = fields.Char(compute="_compute_zero_warning")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        target = self.env["sales.target"].browse(
            values.get("target_id") or self.env.context.get("default_target_id")
        )
        if target:
            if target.owner_type != "team":
                raise UserError(self.env._("Only a sales team target can be split."))
            # the team's salespeople (its leader left out, as plans do: the leader's
            # quota is the team's) and whoever already has a part
            users = target.team_id._so_quota_members() | target.child_ids.user_id
            values["line_ids"] = [Command.create({"user_id": u.id, "weight": 1.0}) for u in users]
            values["history_date_to"] = target.date_from - relativedelta(days=1)
            values["history_date_from"] = target.date_from - relativedelta(years=1)
            if users:
                values["remainder_user_id"] = users[0].id
        return values

    @api.depends("line_ids.user_id")
    def _compute_line_user_ids(self):
        for split in self:
            split.line_user_ids = split.line_ids.user_id

    @api.onchange("line_ids")
    def _onchange_line_ids(self):
        """Whoever gets the remainder is one of the lines: when their line goes, the
        first line's salesperson does."""
        if self.remainder_user_id and self.remainder_user_id not in self.line_ids.user_id:
            self.remainder_user_id = self.line_ids[:1].user_id

    @api.depends(
        "method", "line_ids.weight", "line_ids.user_id", "remainder_user_id", "total", "is_additive"
    )
    def _compute_lines(self):
        for split in self:
            values = split._allocate()
            split.split_total = sum(values.values()) if split.is_additive else split.total
            if split.is_additive and split._lines():
                base = split._allocate(place_remainder=False)
                split.remainder = float_round(
                    split.total - sum(base.values()), precision_digits=split._digits()
                )
            else:
                split.remainder = 0.0

    @api.depends("total", "remainder", "split_total", "target_id")
    @api.depends_context("lang")
    def _compute_labels(self):
        for split in self:
            fmt = split.target_id._format_value if split.target_id else str
            split.total_label = fmt(split.total)
            split.remainder_label = fmt(split.remainder)
            split.split_total_label = fmt(split.split_total)

    @api.depends("method", "line_ids.weight", "line_ids.user_id")
    def _compute_zero_warning(self):
        for split in self:
            nothing = split.line_ids.filtered(lambda line: not line.weight).user_id
            split.zero_warning = (
                self.env._(
                    "%(names)s had no results in the past period and would get nothing: type "
                    "a weight for them, or split equally.",
                    names=", ".join(nothing.mapped("name")),
                )
                if split.method == "history" and split.is_additive and nothing
                else False
            )

    @api.onchange("method", "history_date_from", "history_date_to")
    def _onchange_method(self):
        if self.method == "equal":
            for line in self.line_ids:
                line.weight = 1.0
        elif self.method == "history" and self.line_ids:
            past = self._past_results()
            for line in self.line_ids:
                line.weight = past.get(line.user_id.id, 0.0)

    def _digits(self):
        return self.target_id._value_digits()

    def _lines(self):
        """The lines that get a part: those with a salesperson (an empty line, added by
        a Tab off the last cell, has no share and is not saved)."""
        return self.line_ids.filtered("user_id")

    def _allocate(self, place_remainder=True):
        """{line id: value}: shares of the team target in whole units of the KPI
        (cents, deals), by the largest remainder: each gets its share rounded down,
        then the units left go one by one to the largest fractions, the chosen
        salesperson first. The parts add up exactly; an equal split differs by at most
        one unit (2 deals over 3 people: 1, 1, 0)."""
        self.ensure_one()
        lines = self._lines()
        if not lines:
            return {}
        if not self.is_additive:
            return {line.id: self.total for line in lines}
        digits = self._digits()
        weights = sum(lines.mapped("weight"))
        if weights <= 0:
            return {line.id: 0.0 for line in lines}
        units = round(self.total * 10**digits)
        exact = {line.id: units * line.weight / weights for line in lines}
        whole = {line_id: math.floor(round(value, 6)) for line_id, value in exact.items()}
        if place_remainder:
            left = units - sum(whole.values())
            chosen = lines.filtered(lambda line: line.user_id == self.remainder_user_id)[:1]
            order = sorted(
                lines,
                key=lambda line: (line != chosen, -(exact[line.id] - whole[line.id])),
            )
            for line in order[: max(left, 0)]:
                whole[line.id] += 1
        return {line_id: float_round(n / 10**digits, digits) for line_id, n in whole.items()}

    def _past_results(self):
        """{user id: actual of the KPI over the past period} for the lines' salespeople."""
        self.ensure_one()
        if not (self.history_date_from and self.history_date_to):
            return {}
        if self.history_date_to < self.history_date_from:
            raise UserError(self.env._("The past period ends before it starts."))
        return self.env["sales.kpi.engine"].measure_users(
            self.target_id, self.line_ids.user_id, self.history_date_from, self.history_date_to
        )

    def action_apply(self):
        self.ensure_one()
        target = self.target_id
        if not self.line_ids:
            raise UserError(self.env._("Add at least one salesperson."))
        if self.method in ("weights", "history") and self.is_additive:
            if any(w < 0 for w in self.line_ids.mapped("weight")):
                raise UserError(self.env._("Weights cannot be negative."))
            if not sum(self.line_ids.mapped("weight")):
                raise UserError(
                    self.env._(
                        "All weights are zero (no past results for these salespeople?): "
                        "split equally or type weights."
                    )
                )
        if len(self.line_ids.user_id) != len(self.line_ids):
            raise UserError(self.env._("Each salesperson can appear only once."))
        values = self._allocate()
        children = {child.user_id.id: child for child in target.child_ids}
        # salesperson targets that already exist for this KPI and period join the split
        existing = self.env["sales.target"].search(
            [
                ("kpi_id", "=", target.kpi_id.id),
                ("owner_type", "=", "user"),
                ("user_id", "in", self.line_ids.user_id.ids),
                ("company_id", "=", target.company_id.id),
                ("date_from", "=", target.date_from),
                ("date_to", "=", target.date_to),
                ("id", "not in", target.child_ids.ids),
            ]
        )
        for other in existing:
            children.setdefault(other.user_id.id, other)
        locked = [
            children[line.user_id.id]
            for line in self.line_ids
            if line.user_id.id in children and children[line.user_id.id].state != "draft"
        ]
        if locked:
            raise UserError(
                self.env._(
                    "Reset these salesperson targets to draft (or send them back) before "
                    "splitting again: %(targets)s",
                    targets=", ".join(t.display_name for t in locked),
                )
            )
        # each salesperson hears once of their part, at the end
        Target = self.env["sales.target"].with_context(**{NOTIFY_LATER: True})
        to_create, parts = [], Target
        for line in self.line_ids:
            value = values[line.id]
            child = children.get(line.user_id.id)
            if child:
                child.with_context(**{NOTIFY_LATER: True}).write(
                    {"target_value": value, "parent_id": target.id, "team_id": target.team_id.id}
                )
                parts |= child
            else:
                to_create.append(
                    {
                        "kpi_id": target.kpi_id.id,
                        "owner_type": "user",
                        "team_id": target.team_id.id,
                        "user_id": line.user_id.id,
                        "company_id": target.company_id.id,
                        "currency_id": target.currency_id.id,
                        "period_type": target.period_type,
                        "date_from": target.date_from,
                        "date_to": target.date_to,
                        "target_value": value,
                        "parent_id": target.id,
                    }
                )
        if to_create:
            parts |= Target.create(to_create)
        left = self.env["sales.target"]
        if self.confirm_parts:
            # a part of 0 (2 deals over 3 people: 1, 1, 0) would be achieved at once:
            # it stays a draft, to give a value or to delete
            left = target.child_ids._confirm_reachable()
        parts.with_context(**{NOTIFY_LATER: False})._so_notify_set(origin=target)
        body = self.env._(
            "Split over %(count)s salespeople (%(method)s).",
            count=len(self.line_ids),
            method=dict(self._fields["method"]._description_selection(self.env))[self.method],
        )
        if left:
            zero = self.env._(
                "A target of 0 would be achieved before anything is done, so these parts "
                "stay drafts (give them a value, or delete them): %(names)s.",
                names=", ".join(left.user_id.mapped("name")),
            )
            body = f"{body} {zero}"
        target.message_post(body=body)
        # back to the team target, whose salesperson targets and sums are reloaded
        close = {"type": "ir.actions.act_window_close"}
        if not left:
            return close
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Parts of 0 left as drafts"),
                "message": zero,
                "type": "warning",
                "sticky": True,
                "next": close,
            },
        }
