from odoo.tools import SQL

from . import models
from .models.sales_kpi_change import INDEXES


def uninstall_hook(env):
    """The indexes the bridge made on Sales' and Invoicing's tables go with it, and
    the credit splits of orders and invoices (their columns go too)."""
    env.cr.execute(
        "DELETE FROM sales_credit_split WHERE order_id IS NOT NULL OR move_id IS NOT NULL"
    )
    for name, *_definition in INDEXES:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
