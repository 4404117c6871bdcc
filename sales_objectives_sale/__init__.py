from odoo.tools import SQL

from . import models
from .models.sales_kpi_change import INDEXES


def uninstall_hook(env):
    """The indexes the bridge made on Sales' and Invoicing's tables go with it."""
    for name, *_definition in INDEXES:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
