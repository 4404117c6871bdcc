"""A teammate's objective, as the team reads it: salespeople read the objectives of
their teams (the rules), not always the opportunities they are on (Odoo's "own
documents only"). The SMART check reads the opportunity's expected revenue and closing
date: it is worked out as the add-on, so that the objective opens for the team (the
opportunity is named, as Odoo names any record it links to, and not opened)."""

from odoo import fields, models


class SalesObjective(models.Model):
    _inherit = "sales.objective"  # pylint: disable=consider-merging-classes-inherited

    smart_specific = fields.Boolean(compute_sudo=True)
    smart_measurable = fields.Boolean(compute_sudo=True)
    smart_achievable = fields.Boolean(compute_sudo=True)
    smart_relevant = fields.Boolean(compute_sudo=True)
    smart_timebound = fields.Boolean(compute_sudo=True)
    smart_message = fields.Char(compute_sudo=True)
    smart_html = fields.Html(compute_sudo=True)
