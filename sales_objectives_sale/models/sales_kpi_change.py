from datetime import datetime, time

from odoo import api, fields, models
from odoo.tools import SQL, create_index

# indexes on Sales' and Invoicing's tables, dropped when the bridge is uninstalled
INDEXES = (
    (
        "sales_objectives_order_user_date_idx",
        "sale_order",
        ["user_id", "date_order"],
        "state = 'sale'",
    ),
    (
        "sales_objectives_invoice_user_date_idx",
        "account_move",
        ["invoice_user_id", "invoice_date"],
        "move_type IN ('out_invoice', 'out_refund') AND state = 'posted'",
    ),
)


class SalesKpiChange(models.Model):
    _inherit = "sales.kpi.change"

    kind = fields.Selection(
        selection_add=[("order", "Sales order"), ("invoice", "Customer invoice")],
        ondelete={"order": "cascade", "invoice": "cascade"},
    )

    def init(self):
        """Indexes taking the incremental pass to a salesperson's orders and invoices
        over a few buckets (INDEXES)."""
        result = super().init()
        for name, table, expressions, where in INDEXES:
            create_index(self.env.cr, name, table, expressions, where=where)
        return result

    @api.model
    def _state_query(self, kind, ids):
        """An order or an invoice counts for its salesperson and team, and for the
        people and teams its credit is split with (a row each)."""
        if kind == "order":
            return SQL(
                """SELECT o.id, COALESCE(c.team_id, o.team_id), COALESCE(c.user_id, o.user_id),
                          o.company_id, p.commercial_partner_id,
                          o.date_order, NULL::timestamp, NULL::timestamp, NULL::timestamp
                     FROM sale_order o LEFT JOIN res_partner p ON p.id = o.partner_id
                     LEFT JOIN LATERAL (%s) AS c ON TRUE
                    WHERE o.id = ANY(%s)""",
                self._credited_sql("order_id", SQL("o.id")),
                ids,
            )
        if kind == "invoice":
            return SQL(
                """SELECT m.id, COALESCE(c.team_id, m.team_id),
                          COALESCE(c.user_id, m.invoice_user_id), m.company_id,
                          m.commercial_partner_id, NULL::timestamp, NULL::timestamp,
                          NULL::timestamp, m.invoice_date::timestamp
                     FROM account_move m
                     LEFT JOIN LATERAL (%s) AS c ON TRUE
                    WHERE m.id = ANY(%s) AND m.move_type IN ('out_invoice', 'out_refund')""",
                self._credited_sql("move_id", SQL("m.id")),
                ids,
            )
        return super()._state_query(kind, ids)

    @api.model
    def _credited_sql(self, link, record):
        """SQL: the (team_id, user_id) of the people credited with ``record`` (the SQL
        of its id; ``link``: the column of sales_credit_split naming it), after a row of
        NULLs standing for the record's own salesperson and team."""
        return SQL(
            """SELECT NULL::int4 AS team_id, NULL::int4 AS user_id
                UNION ALL
               SELECT s.team_id, s.user_id FROM sales_credit_split s WHERE %s = %s""",
            SQL.identifier("s", link),
            record,
        )

    @api.model
    def _counted_of(self, kind, source, sources, touched):
        if kind == "invoice":
            return SQL(
                """SELECT 'invoice', m.id, %s FROM account_move m
                    WHERE m.id IN %s AND m.move_type IN ('out_invoice', 'out_refund')""",
                touched,
                sources,
            )
        return super()._counted_of(kind, source, sources, touched)

    @api.model
    def _log_orders_before(self, orders):
        """The state of ``orders`` before a change, from their fields: a row for the
        salesperson and one per person their credit is split with."""
        rows = self._buffer()["rows"]
        for order in orders.sudo():
            state = (
                order.company_id.id or None,
                order.partner_id.commercial_partner_id.id or None,
                order.date_order or None,
                None,
                None,
                None,
                False,
            )
            rows.append(
                ("order", order.id, order.team_id.id or None, order.user_id.id or None, *state)
            )
            rows.extend(
                ("order", order.id, line.team_id.id or None, line.user_id.id, *state)
                for line in order.so_credit_split_ids
            )

    @api.model
    def _log_invoices_before(self, invoices):
        """The state of customer ``invoices`` before a change, from their fields (the
        invoice date is logged as the fourth moment: a date, not a moment in time): a
        row for the salesperson and one per person their credit is split with."""
        rows = self._buffer()["rows"]
        for invoice in invoices.sudo():
            day = invoice.invoice_date and datetime.combine(invoice.invoice_date, time.min)
            state = (
                invoice.company_id.id or None,
                invoice.commercial_partner_id.id or None,
                None,
                None,
                None,
                day or None,
                False,
            )
            rows.append(
                (
                    "invoice",
                    invoice.id,
                    invoice.team_id.id or None,
                    invoice.invoice_user_id.id or None,
                    *state,
                )
            )
            rows.extend(
                ("invoice", invoice.id, line.team_id.id or None, line.user_id.id, *state)
                for line in invoice.so_credit_split_ids
            )
