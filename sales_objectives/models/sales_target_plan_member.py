"""A plan's salesperson: their weight, and whether they are ramping up
(sales_target_plan.py)."""

from odoo import fields, models


class SalesTargetPlanMember(models.Model):
    _name = "sales.target.plan.member"
    _description = "Sales target plan salesperson"

    plan_id = fields.Many2one("sales.target.plan", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True)
    weight = fields.Float(default=1.0)
    is_new = fields.Boolean(
        "New",
        help="Ramping up: gets the plan's new salesperson's share of an average part.",
    )

    _sql_constraints = [
        ("user_unique", "UNIQUE(plan_id, user_id)", "A salesperson is once in a plan."),
    ]
