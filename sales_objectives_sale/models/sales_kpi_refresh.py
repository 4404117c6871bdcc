from collections import defaultdict

from odoo import models
from odoo.tools import SQL


class SalesKpiRefresh(models.AbstractModel):
    _inherit = "sales.kpi.refresh"

    def _customer_states(self, states, touched):
        """Also the later confirmed orders of the customers whose orders changed
        customer, company or order date, were confirmed, cancelled, created or
        deleted: whether an order is a customer's first one (repeat sales, cross-sell)
        depends on the customer's earlier orders."""
        customers = super()._customer_states(states, touched)
        by_order = defaultdict(list)
        for change in states:
            if change.kind == "order":
                by_order[change.record_id].append(change)
        since = {}
        for order_id, versions in by_order.items():
            if ("order", order_id) in touched and len(versions) == 1:
                continue  # only its lines changed: nothing placing it moved
            # (a confirmation or a cancellation moves no logged field: no shortcut)
            keys = {(c.partner_id, c.company_id, c.moments[0]) for c in versions}
            for partner, _company, moment in keys:
                if partner and moment:
                    first = min(m for _p, _c, m in keys if m)
                    since[partner] = min(since.get(partner, first), first)
        if not since:
            return customers
        self.env.cr.execute(
            SQL(
                """SELECT o.id FROM sale_order o
                     JOIN res_partner p ON p.id = o.partner_id
                     JOIN unnest(%s::int4[], %s::timestamp[]) AS c(partner, since)
                       ON c.partner = p.commercial_partner_id AND o.date_order >= c.since
                    WHERE o.state = 'sale'""",
                list(since),
                [str(moment) for moment in since.values()],
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return customers + self._states(
            "order", self.env["sales.kpi.change"]._current_states("order", ids)
        )
