"""The audit trail of targets: every change of what a target asks (its value, stretch
value, period, owner and bonus terms) and of its state, kept with who made it, when,
the values before and after as people read them, and why.

Whatever the path (the form, a write, an import, a plan, a split), the target's
``create`` and ``write`` call this model, which writes the lines as the system: nobody
creates, edits or deletes a line (not even a sales manager). The figures the refresh
engine measures are written in SQL and are not changes of the target.
"""

from odoo import api, fields, models

# what is kept: each kind of change and the fields of the target it is made of
AUDITED = {
    "target_value": ("target_value",),
    "stretch_value": ("stretch_value",),
    "period": ("period_type", "date_from", "date_to"),
    "owner": ("owner_type", "team_id", "user_id", "company_id"),
    "bonus_base": ("bonus_base",),
    "bonus_floor": ("bonus_floor",),
    "bonus_accelerator": ("bonus_accelerator",),
    "bonus_cap": ("bonus_cap",),
    "state": ("state",),
}
AUDITED_FIELDS = frozenset(fname for fnames in AUDITED.values() for fname in fnames)
# the reason of a change given by code (a wizard, a button) rather than the form's field
REASON = "sales_target_change_reason"
# the target's field the form writes the reason in (not stored: read here)
REASON_FIELD = "change_reason"


class SalesTargetAudit(models.Model):
    _name = "sales.target.audit"
    _description = "Target change"
    _order = "date desc, id desc"
    _rec_name = "target_id"

    target_id = fields.Many2one(
        "sales.target", string="Target", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="target_id.company_id", store=True, index=True, string="Company"
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        "res.users", string="Changed by", default=lambda self: self.env.uid, index=True
    )
    event = fields.Selection(
        [("create", "Created"), ("write", "Changed")],
        string="Change",
        required=True,
        default="write",
        help="Created: the target's first values; changed: a value it was given later.",
    )
    # the kinds of change, named as the target's form names them (a list, so that an
    # export writes the names, not the keys)
    what = fields.Selection(
        [
            ("target_value", "Target"),
            ("stretch_value", "Stretch target"),
            ("period", "Period"),
            ("owner", "Owner"),
            ("bonus_base", "Bonus at 100 %"),
            ("bonus_floor", "No bonus below (%)"),
            ("bonus_accelerator", "Accelerator above 100 %"),
            ("bonus_cap", "Bonus cap"),
            ("state", "Status"),
        ],
        string="What",
        required=True,
    )
    # the values as whoever made the change read them (in their language), and the
    # values themselves, which each reader reads in their own language (before, after)
    old_value = fields.Char("Before (as written)")
    new_value = fields.Char("After (as written)")
    old_raw = fields.Json("Before (values)")
    new_raw = fields.Json("After (values)")
    before = fields.Char(
        compute="_compute_before_after", help="As it read before the change (empty: none)."
    )
    after = fields.Char(
        compute="_compute_before_after", help="As it read after the change (empty: none)."
    )
    reason = fields.Text(help="Why, as given by whoever made the change.")

    @api.depends("old_raw", "new_raw", "old_value", "new_value", "what")
    @api.depends_context("lang")
    def _compute_before_after(self):
        """The values before and after as the target's form reads them, in the reader's
        language and number format (as written when the values were not kept)."""
        for line in self:
            for side, said, raw in (
                ("before", line.old_value, line.old_raw),
                ("after", line.new_value, line.new_raw),
            ):
                if raw is None or raw is False or not line.target_id:
                    line[side] = said
                    continue
                line[side] = line._so_read(raw) or False

    def _so_read(self, raw):
        """``raw`` ({field: value} of the target's fields of this kind of change) as
        the target's form reads it, in the reader's language."""
        target = self.target_id.sudo()
        vals = {}
        for fname, value in raw.items():
            field = target._fields[fname]
            if field.type == "many2one":
                value = target.env[field.comodel_name].browse(value).exists().id or False
            elif field.type == "date":
                value = fields.Date.to_date(value) if value else False
            vals[fname] = value
        return target.new(vals, origin=target)._so_audit_values()[self.what]

    @api.model
    def _so_raw(self, target, what):
        """{field: value} of ``target``'s fields of the kind of change ``what`` (JSON)."""
        raw = {}
        for fname in AUDITED[what]:
            value = target[fname]
            field = target._fields[fname]
            if field.type == "many2one":
                value = value.id or False
            elif field.type == "date":
                value = fields.Date.to_string(value) if value else False
            raw[fname] = value
        return raw

    # ------------------------------------------------------------------
    # The hooks of sales.target (create and write)
    # ------------------------------------------------------------------

    @api.model
    def _so_created(self, targets, vals_list):
        """The first values of the new ``targets`` (created from ``vals_list``): a
        line per kind that has a value (the bonus terms when there is a bonus)."""
        lines = []
        for target, vals in zip(targets.sudo(), vals_list, strict=True):
            reason = self._so_reason(vals)
            said = target._so_audit_values()
            for what in AUDITED:
                if what.startswith("bonus_") and not target.bonus_base:
                    continue
                if said[what] is False:
                    continue
                lines.append(
                    {
                        "target_id": target.id,
                        "event": "create",
                        "what": what,
                        "new_value": said[what],
                        "new_raw": self._so_raw(target, what),
                        "reason": reason,
                    }
                )
        self._so_write(lines)

    @api.model
    def _so_before_write(self, targets, vals):
        """What ``targets`` read before ``vals`` are written, for the kinds of change
        the write may make ({target id: (raw values, values as read)}), or None."""
        if not targets or AUDITED_FIELDS.isdisjoint(vals):
            return None
        return {
            target.id: (
                *target._so_audit_state(),
                {what: self._so_raw(target, what) for what in AUDITED},
            )
            for target in targets.sudo()
        }

    @api.model
    def _so_after_write(self, targets, vals, before):
        """A line per kind of change that moved on each of ``targets`` (``before``:
        from ``_so_before_write``)."""
        if not before:
            return
        reason = self._so_reason(vals)
        lines = []
        for target in targets.sudo():
            if target.id not in before:
                continue
            old_raw, old_said, old_json = before[target.id]
            new_raw, new_said = target._so_audit_state()
            for what in AUDITED:
                if old_raw[what] == new_raw[what]:
                    continue
                lines.append(
                    {
                        "target_id": target.id,
                        "what": what,
                        "old_value": old_said[what],
                        "new_value": new_said[what],
                        "old_raw": old_json[what],
                        "new_raw": self._so_raw(target, what),
                        "reason": reason,
                    }
                )
        self._so_write(lines)

    @api.model
    def _so_reason(self, vals):
        return (vals or {}).get(REASON_FIELD) or self.env.context.get(REASON) or False

    @api.model
    def _so_write(self, lines):
        """Written by the system: no user may create a line."""
        if lines:
            self.sudo().create(lines)
