"""Records whose credit can be split between salespeople (opportunities; a bridge adds
sales orders and invoices): each declares ``so_credit_split_ids`` (the lines of
``sales.credit.split`` naming it) and inherits this mixin, which keeps the split whole
on every path (a revenue split totals 100 %), says its changes in the chatter, logs
them for the incremental refresh, and tells how much of the record an owner is
credited with (the "Counted in" lists)."""

from odoo import api, fields, models

from .sales_credit_split import SPLIT_DEFERRED

# context keys of a "Counted in" list: the owner whose credit the records show
CREDIT_USER = "so_credit_user"
CREDIT_TEAM = "so_credit_team"
CREDIT_OVERLAY = "so_credit_overlay"


class SalesCredited(models.AbstractModel):
    _name = "sales.credited"
    _description = "Records whose credit can be split between salespeople"

    so_credit_share = fields.Float(
        "Credit (%)",
        compute="_compute_so_credit_share",
        digits=(5, 2),
        help="The share of this record counted for the owner of the target whose records "
        "are listed (100 % unless its credit is split).",
    )
    so_credit_editable = fields.Boolean(compute="_compute_so_credit_editable")
    # the field of the amount a record counts for (its model says which:
    # _so_credit_amount_field), and its share counted for the target's owner: each
    # model declares so_credited_amount with its currency
    _so_credit_amount_field = None
    so_credit_split_text = fields.Char(
        "Credit split summary", compute="_compute_so_credit_split_text"
    )

    @api.depends_context(CREDIT_USER, CREDIT_TEAM, CREDIT_OVERLAY)
    @api.depends("so_credit_split_ids.share", "so_credit_split_ids.kind")
    def _compute_so_credit_share(self):
        user_id = self.env.context.get(CREDIT_USER)
        team_id = self.env.context.get(CREDIT_TEAM)
        overlay = self.env.context.get(CREDIT_OVERLAY)
        teams_of = {}
        for record in self:
            lines = record.so_credit_split_ids
            revenue = lines.filtered(lambda line: line.kind == "revenue")
            if user_id:
                counted = revenue | (lines - revenue if overlay else lines.browse())
                mine = counted.filtered(lambda line, u=user_id: line.user_id.id == u)
                share = sum(mine.mapped("share"))
                if not revenue and record.user_id.id == user_id:
                    share += 100.0
            elif team_id:
                # a parent team's: the shares of its sub-teams too (territories)
                teams = teams_of.get(team_id)
                if teams is None:
                    teams = teams_of[team_id] = set(
                        self.env["crm.team"].browse(team_id)._so_subteams().ids
                    )
                share = sum(
                    revenue.filtered(lambda line, t=teams: line.team_id.id in t).mapped("share")
                )
                if not revenue and record.team_id.id in teams:
                    share = 100.0
            else:
                share = 100.0
            record.so_credit_share = share

    @api.depends_context(CREDIT_USER, CREDIT_TEAM, CREDIT_OVERLAY)
    @api.depends(lambda self: [self._so_credit_amount_field, "so_credit_share"])
    def _compute_so_credited_amount(self):
        """The record's amount times the share counted for the target's owner: the
        "Counted in" list adds up what the target counts, not whole deals."""
        for record in self:
            record.so_credited_amount = (
                record[self._so_credit_amount_field] * record.so_credit_share / 100.0
            )

    @api.depends_context("uid")
    @api.depends("user_id", "team_id.user_id", "team_id.so_parent_id")
    def _compute_so_credit_editable(self):
        """Whether the current user may set the split (sales.credit.split says it on
        every path; the form only does not offer it to others): its salesperson, the
        leader of its team or of a team above, a sales manager."""
        manager = self.env.su or self.env.user.has_group("sales_team.group_sale_manager")
        for record in self:
            record.so_credit_editable = manager or self.env.user in (
                record.user_id | record.team_id.sudo().so_leader_ids
            )

    @api.depends("so_credit_split_ids.share", "so_credit_split_ids.user_id")
    def _compute_so_credit_split_text(self):
        for record in self:
            record.so_credit_split_text = record.so_credit_split_ids._describe()

    def write(self, vals):
        if "so_credit_split_ids" not in vals:
            return super().write(vals)
        before = self._so_credit_snapshot()
        self._so_credit_before()
        result = super(SalesCredited, self.with_context(**{SPLIT_DEFERRED: True})).write(vals)
        self._so_credit_after(before)
        return result

    def _so_credit_snapshot(self):
        return {record.id: record.so_credit_split_ids._describe() for record in self}

    def _so_credit_before(self):
        """Logs the records' state (with the people they credit) before their split
        changes, for the incremental refresh."""
        logged = self._so_logged()
        if logged:
            logged._so_log_before({})

    def _so_credit_after(self, before):
        """After a change of the split: whole (or refused), said in the chatter."""
        self._so_check_credit_split()
        for record in self.exists():
            new = record.so_credit_split_ids._describe()
            old = before.get(record.id, "")
            if new != old:
                record.message_post(
                    body=self.env._(
                        "Credit split changed: %(old)s → %(new)s",
                        old=old or self.env._("all to the salesperson"),
                        new=new or self.env._("all to the salesperson"),
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    def _so_check_credit_split(self):
        Split = self.env["sales.credit.split"]
        for record in self:
            Split._check_total(record, record.so_credit_split_ids)
