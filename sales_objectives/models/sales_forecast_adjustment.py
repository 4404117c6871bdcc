"""An adjustment of a forecast call, one per layer: the team leader's (the leader of
the call's team) above the salesperson's call or the team's rolled-up call, and a sales
manager's above it. It never changes the call below it; the call's effective figure is
the top-most layer (sales_forecast_call.py)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .sales_forecast_call import LEVELS, check_call_figures


class SalesForecastAdjustment(models.Model):
    _name = "sales.forecast.adjustment"
    _description = "Forecast call adjustment"
    _order = "call_id, level"
    _check_company_auto = True

    call_id = fields.Many2one(
        "sales.forecast.call",
        string="Call",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    level = fields.Selection(LEVELS, string="Layer", required=True)
    company_id = fields.Many2one(related="call_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="call_id.currency_id")
    unit = fields.Selection(related="call_id.unit")
    commit_value = fields.Float("Commit", required=True)
    best_value = fields.Float("Best case", required=True)
    note = fields.Text("Note")
    user_id = fields.Many2one(
        "res.users", string="Adjusted by", readonly=True, default=lambda self: self.env.user
    )
    adjusted_at = fields.Datetime(
        "Adjusted on", readonly=True, default=lambda self: fields.Datetime.now()
    )

    _sql_constraints = [
        ("level_unique", "UNIQUE(call_id, level)", "A call has one adjustment per layer."),
    ]

    def _so_call(self):
        return self.call_id

    @api.constrains("commit_value", "best_value")
    def _check_call_figures(self):
        check_call_figures(self, self.env._("Adjustment"))

    @api.depends("call_id", "level")
    def _compute_display_name(self):
        levels = dict(self._fields["level"]._description_selection(self.env))
        for adjustment in self:
            adjustment.display_name = self.env._(
                "%(level)s: %(call)s",
                level=levels.get(adjustment.level, ""),
                call=adjustment.call_id.display_name or "",
            )

    @api.model_create_multi
    def create(self, vals_list):
        calls = self.env["sales.forecast.call"].browse(
            [vals.get("call_id") for vals in vals_list if vals.get("call_id")]
        )
        for vals in vals_list:
            self._so_check(self.env["sales.forecast.call"].browse(vals.get("call_id")), vals)
            stamp = {"user_id": self.env.uid, "adjusted_at": fields.Datetime.now()}
            if self.env.su:  # data (the demo) may say who adjusted and when
                stamp = {**stamp, **{k: v for k, v in vals.items() if k in stamp and v}}
            vals.update(stamp)
        adjustments = super().create(vals_list)
        adjustments._so_post()
        calls.invalidate_recordset()
        return adjustments

    def write(self, vals):
        for adjustment in self:
            adjustment._so_check(adjustment.call_id, {"level": adjustment.level, **vals})
        if set(vals) & {"commit_value", "best_value", "note"}:
            vals = {**vals, "user_id": self.env.uid, "adjusted_at": fields.Datetime.now()}
        result = super().write(vals)
        if set(vals) & {"commit_value", "best_value", "note"}:
            self._so_post()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_check_layer(self):
        for adjustment in self:
            adjustment._so_check(adjustment.call_id, {"level": adjustment.level})

    def _so_check(self, call, vals):
        """The leader of the call's team adjusts at the leader's layer, a sales manager
        at the manager's; nobody adjusts their own call; a call whose period is over is
        kept as it was. Said plainly before the record rules refuse it."""
        if self.env.su:
            return
        if self and (
            set(vals) & {"user_id", "adjusted_at"}
            or vals.get("call_id", self.call_id.id) != self.call_id.id
            or vals.get("level", self.level) != self.level
        ):
            raise AccessError(self.env._("An adjustment stays on its call and its layer."))
        call = call.sudo()
        if not call:
            raise UserError(self.env._("An adjustment is made on a forecast call."))
        allowed = call._so_adjust_level()
        level = vals.get("level")
        if not allowed:
            raise AccessError(call._so_adjust_refusal())
        if level != allowed:
            raise AccessError(
                self.env._(
                    "You adjust the call at the layer of a %(layer)s only.",
                    layer=dict(self._fields["level"]._description_selection(self.env))[allowed],
                )
            )

    def _so_post(self):
        """Says the adjustment in the call's chatter (who, the layer, the figures, the
        note), as its author."""
        levels = dict(self._fields["level"]._description_selection(self.env))
        for adjustment in self:
            call = adjustment.call_id.sudo()
            body = self.env._(
                "%(layer)s's adjustment: commit %(commit)s, best case %(best)s.",
                layer=levels[adjustment.level],
                commit=call._so_format(adjustment.commit_value),
                best=call._so_format(adjustment.best_value),
            )
            if adjustment.note:
                body = f"{body} {adjustment.note}"
            call.message_post(body=body, author_id=self.env.user.partner_id.id)
