"""Shared credit: the salespeople credited with a record (an opportunity; a bridge adds
sales orders and invoices) and the share of it each is credited with.

Revenue credit totals 100 % of the record: the KPIs that count money or records credit
each person with their share instead of crediting the record's salesperson in full, and
the teams and the company count the record once in total. Overlay credit (a specialist
helping on the deal) is extra: it counts for the person only, on the KPIs configured to
count it (``sales.kpi.count_overlay``), never for a team or the company. A record
without revenue lines counts in full for its salesperson, as it always did.

The engine reads the lines in the same grouped scan as the records
(``sales.kpi.engine._credit_join``); a change of a line logs its record for the
incremental refresh, with the people it credited before.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import float_compare

KINDS = [("revenue", "Revenue"), ("overlay", "Overlay")]
# context key: the lines are being written through their record (its write checks the
# whole split once, after every line is in place)
SPLIT_DEFERRED = "sales_credit_split_deferred"


class SalesCreditSplit(models.Model):
    _name = "sales.credit.split"
    _description = "Credit split"
    _order = "kind desc, share desc, id"
    _check_company_auto = True

    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", ondelete="cascade", index="btree_not_null"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="The team credited with this share (the salesperson's team by default).",
    )
    share = fields.Float(
        "Share (%)",
        required=True,
        default=100.0,
        digits=(5, 2),
        help="The part of the record credited to this salesperson, in percent.",
    )
    kind = fields.Selection(
        KINDS,
        required=True,
        default="revenue",
        help="Revenue credit totals 100 % of the record and counts for the salespeople, "
        "their teams and the company. Overlay credit (a specialist's) is extra: it counts "
        "for the salesperson only, on the KPIs set to count overlay credit.",
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True
    )

    @api.constrains("share")
    def _check_share(self):
        for line in self:
            if not 0 < line.share <= 100:
                share = f"{round(line.share, 2):g}"
                raise ValidationError(
                    self.env._(
                        "The share of %(user)s on “%(record)s” is %(share)s %%: a share is "
                        "more than 0 %% and at most 100 %%.",
                        user=line.user_id.name,
                        record=line._record().display_name,
                        share=share,
                    )
                )

    @api.depends("user_id")
    def _compute_team_id(self):
        for line in self:
            if line.user_id and (not line.team_id or line.user_id not in line.team_id.member_ids):
                line.team_id = line.user_id.sale_team_id

    @api.depends("lead_id.company_id")
    def _compute_company_id(self):
        for line in self:
            line.company_id = line._record().company_id

    def _record(self):
        """The record this line credits (a bridge adds its own kinds of record)."""
        self.ensure_one()
        return next((self[f] for f in self._record_fields() if self[f]), self.lead_id)

    @api.model
    def _record_fields(self):
        """The fields naming the credited record (one per kind of record)."""
        return ["lead_id"]

    # ------------------------------------------------------------------
    # every path: who may set a split, and a revenue split totals 100 %
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        for records in lines._credited():
            lines._check_may_split(records)
            records._so_credit_before()
            if not self.env.context.get(SPLIT_DEFERRED):
                records._so_credit_after(
                    {r.id: (r.so_credit_split_ids - lines)._describe() for r in records}
                )
        return lines

    def write(self, vals):
        before = {}
        for records in self._credited():
            self._check_may_split(records)
            records._so_credit_before()
            before[records._name] = records._so_credit_snapshot()
        result = super().write(vals)
        for records in self._credited():
            self._check_may_split(records)
            if not self.env.context.get(SPLIT_DEFERRED):
                records._so_credit_after(before.get(records._name, {}))
        return result

    def unlink(self):
        credited = self._credited()
        before = {}
        for records in credited:
            self._check_may_split(records)
            records._so_credit_before()
            before[records._name] = records._so_credit_snapshot()
        result = super().unlink()
        if not self.env.context.get(SPLIT_DEFERRED):
            for records in credited:
                records.exists()._so_credit_after(before[records._name])
        return result

    def _credited(self):
        """The records these lines credit, a recordset per kind of record."""
        return [self[fname] for fname in self._record_fields() if self[fname]]

    def _check_may_split(self, records):
        """Splits are set by a record's salesperson, their team leader or a sales
        manager."""
        if self.env.su or self.env.user.has_group("sales_team.group_sale_manager"):
            return
        for record in records.sudo():
            # the leader of a team above the record's leads its team too (territories)
            if self.env.user not in (record.user_id | record.team_id.so_leader_ids):
                raise AccessError(
                    self.env._(
                        "Only the salesperson of “%(record)s”, the leader of its team or a "
                        "sales manager can split its credit.",
                        record=record.display_name,
                    )
                )

    @api.model
    def _check_total(self, record, lines):
        """Raises when the revenue lines of ``record`` do not total 100 %, or when a
        salesperson is credited twice with one kind of credit."""
        seen = set()
        for line in lines:
            if (line.user_id, line.kind) in seen:
                raise ValidationError(
                    self.env._(
                        "%(user)s is credited twice on “%(record)s”: give them one line "
                        "per kind of credit.",
                        user=line.user_id.name,
                        record=record.display_name,
                    )
                )
            seen.add((line.user_id, line.kind))
        revenue = lines.filtered(lambda line: line.kind == "revenue")
        if not revenue:
            return
        total = sum(revenue.mapped("share"))
        if float_compare(total, 100.0, precision_digits=2):
            total = f"{round(total, 2):g}"
            raise ValidationError(
                self.env._(
                    "The revenue credit of “%(record)s” totals %(total)s %%: it must total "
                    "100 %% (overlay credit is extra).",
                    record=record.display_name,
                    total=total,
                )
            )

    def _describe(self):
        """The split as read in the chatter: “Anna 60 % (Revenue), …”."""
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        return ", ".join(
            f"{line.user_id.name} {round(line.share, 2):g} % ({kinds[line.kind]})" for line in self
        )
