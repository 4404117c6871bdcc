from odoo.tools import SQL

from . import models, report, wizard
from .models.sales_kpi_change import INDEXES


def uninstall_hook(env):
    """The indexes the add-on made on CRM's and Discuss's tables go with it (Odoo drops
    the add-on's own tables and columns)."""
    for name, *_definition in INDEXES:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
