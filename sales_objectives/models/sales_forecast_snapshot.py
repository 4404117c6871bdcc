"""Weekly snapshots of the forecast calls: per call and per week (the company's week,
Monday to Sunday in its time zone), the salesperson's call, the adjustments, the
effective figures and the computed pipeline figures, as they stood when the snapshot
was taken; a second snapshot in the same week updates it. A manager reads how the
forecast moved, week by week (a line chart)."""

import logging

from odoo import api, fields, models

from ..tools.periods import period_bounds

_logger = logging.getLogger(__name__)

# the figures kept, per snapshot, from the call's fields of the same name but for the
# prefix ("submitted_" is the salesperson's call)
FIGURES = {
    "submitted_commit": "commit_value",
    "submitted_best": "best_value",
    "leader_commit": "leader_commit",
    "leader_best": "leader_best",
    "manager_commit": "manager_commit",
    "manager_best": "manager_best",
    "effective_commit": "effective_commit",
    "effective_best": "effective_best",
    "computed_commit": "computed_commit",
    "computed_best": "computed_best",
    "won_value": "won_value",
    "target_value": "target_value",
}


class SalesForecastSnapshot(models.Model):
    _name = "sales.forecast.snapshot"
    _description = "Forecast call snapshot"
    _order = "week_start desc, call_id"
    _check_company_auto = True
    _rec_name = "call_id"

    call_id = fields.Many2one(
        "sales.forecast.call",
        string="Call",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    week_start = fields.Date(
        "Week",
        required=True,
        readonly=True,
        help="The Monday of the company's week (in its time zone) the snapshot was taken in.",
    )
    kpi_id = fields.Many2one(related="call_id.kpi_id", store=True)
    unit = fields.Selection(related="call_id.unit")
    owner_type = fields.Selection(related="call_id.owner_type", store=True)
    user_id = fields.Many2one(related="call_id.user_id", store=True, index=True)
    team_id = fields.Many2one(related="call_id.team_id", store=True, index=True)
    company_id = fields.Many2one(related="call_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="call_id.currency_id", store=True)
    period_id = fields.Many2one(related="call_id.period_id", store=True)
    submitted = fields.Boolean("Submitted", readonly=True)
    adjusted_by = fields.Selection(
        selection=[("leader", "Team leader"), ("manager", "Sales manager")],
        string="Adjusted up to",
        readonly=True,
    )
    submitted_commit = fields.Float("Submitted commit", readonly=True)
    submitted_best = fields.Float("Submitted best case", readonly=True)
    leader_commit = fields.Float("Leader's commit", readonly=True)
    leader_best = fields.Float("Leader's best case", readonly=True)
    manager_commit = fields.Float("Manager's commit", readonly=True)
    manager_best = fields.Float("Manager's best case", readonly=True)
    effective_commit = fields.Float("Effective commit", readonly=True)
    effective_best = fields.Float("Effective best case", readonly=True)
    computed_commit = fields.Float("Computed commit", readonly=True)
    computed_best = fields.Float("Computed best case", readonly=True)
    won_value = fields.Float("Won", readonly=True)
    target_value = fields.Float("Target", readonly=True)

    _sql_constraints = [
        ("week_unique", "UNIQUE(call_id, week_start)", "A call has one snapshot a week."),
    ]

    @api.model
    def _cron_take_snapshots(self):
        """The weekly job: makes the calls of the current periods, keeps the calls of
        the periods now over (accuracy), and takes this week's snapshot of every call of
        a current period."""
        taken = self._take_snapshots()
        _logger.info("Sales objectives: %s forecast call snapshots taken", len(taken))

    @api.model
    def _take_snapshots(self, companies=None):
        """This week's snapshot (the week of each call's company, in its time zone) of
        every call of a current period; again in the same week, the snapshot is updated,
        not repeated. Returns the snapshots."""
        Call = self.env["sales.forecast.call"].sudo()
        Call._so_finalize()
        calls = Call._so_ensure_calls(companies=companies)
        if not calls:
            return self.browse()
        today = calls.company_id._sales_today()
        weeks = {call.id: period_bounds("week", today[call.company_id.id])[0] for call in calls}
        existing = {
            (snapshot.call_id.id, snapshot.week_start): snapshot
            for snapshot in self.sudo().search(
                [("call_id", "in", calls.ids), ("week_start", "in", list(set(weeks.values())))]
            )
        }
        snapshots = self.sudo().browse()
        to_create = []
        for call in calls:
            vals = {name: call[source] for name, source in FIGURES.items()}
            vals.update(
                submitted=bool(call.submitted_at),
                adjusted_by="manager"
                if call.has_manager
                else ("leader" if call.has_leader else False),
            )
            if not call.submitted_at:
                vals.update(submitted_commit=0.0, submitted_best=0.0)
            snapshot = existing.get((call.id, weeks[call.id]))
            if snapshot:
                snapshot.write(vals)
                snapshots |= snapshot
            else:
                to_create.append({"call_id": call.id, "week_start": weeks[call.id], **vals})
        return snapshots | self.sudo().create(to_create)
