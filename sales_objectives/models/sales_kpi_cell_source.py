"""The signature of the cells kept per source: when it changes (a KPI's filter, the
companies' clocks), the kept cells of that source are measured again."""

from odoo import api, fields, models
from odoo.tools import SQL


class SalesKpiCellSource(models.Model):
    _name = "sales.kpi.cell.source"
    _description = "Sales KPI measured cells: source"
    _log_access = False

    name = fields.Char(required=True, index=True)
    signature = fields.Text(required=True)

    _sql_constraints = [("name_unique", "UNIQUE(name)", "One signature per source.")]

    @api.model
    def _signature(self, name):
        self.env.cr.execute(
            SQL("SELECT signature FROM sales_kpi_cell_source WHERE name = %s", name)
        )
        row = self.env.cr.fetchone()
        return row[0] if row else None

    @api.model
    def _set(self, name, signature):
        """Records ``signature`` for ``name`` (one statement)."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO sales_kpi_cell_source (name, signature) VALUES (%s, %s)
                   ON CONFLICT (name) DO UPDATE SET signature = EXCLUDED.signature""",
                name,
                signature,
            )
        )
