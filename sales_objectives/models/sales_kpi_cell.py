"""The engine's cells: a metric's components summed per sales team, salesperson,
company and bucket (local month or day), as the last scheduled pass measured them.

They are derived figures, like the actuals stored on targets, never CRM data: a full
pass rewrites those that changed, and the incremental pass re-measures only the cells
of the owners and buckets whose records changed (sales.kpi.change), then adds up each
target from the cells. A source (a KPI's actuals, the open pipeline of a KPI filter,
the 12-month history) is valid only for the signature it was measured with (metric,
filter, buckets, time zones); a different one is measured again in full.
"""

from odoo import api, fields, models
from odoo.tools import SQL


def _same(old, new):
    """Whether kept components ``old`` equal ``new``: exactly, most often; else within
    rounding (a parallel aggregate may add the same floats in another order and differ
    in the last bit: not a change)."""
    if old == new:
        return True
    if old is None or len(old) != len(new):
        return False
    return all(abs(a - b) <= 1e-9 * max(1.0, abs(b)) for a, b in zip(old, new))


class SalesKpiCell(models.Model):
    _name = "sales.kpi.cell"
    _description = "Sales KPI measured cell"
    _log_access = False

    source = fields.Char(required=True, index=True)
    team_id = fields.Integer()
    user_id = fields.Integer()
    company_id = fields.Integer()
    bucket = fields.Date()

    def init(self):
        # the summed components, one array per cell
        self.env.cr.execute(
            "ALTER TABLE sales_kpi_cell ADD COLUMN IF NOT EXISTS comps float8[] NOT NULL"
            " DEFAULT '{}'"
        )

    @api.model
    def _read(self, source, teams=None, users=None, companies=None):
        """[(team, user, company, bucket, comps)] of ``source``: all of them, or those
        of the given sales teams, salespeople (with the cells of no salesperson of the
        given teams) and companies."""
        where = SQL()
        if teams is not None:
            where = SQL(
                " AND (team_id = ANY(%s) OR user_id = ANY(%s) OR company_id = ANY(%s))",
                sorted(teams),
                sorted(users or ()),
                sorted(companies or ()),
            )
        self.env.cr.execute(
            SQL(
                "SELECT team_id, user_id, company_id, bucket, comps FROM sales_kpi_cell"
                " WHERE source = %s%s",
                source,
                where,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _write(self, source, rows, replaced=None, owners=None):
        """Stores ``rows`` [(team, user, company, bucket, comps)] of ``source``: all of
        them when ``replaced`` is None (only the cells that differ are written), else
        in place of the cells for which ``replaced(team, user, company, bucket)``,
        among those of ``owners`` (teams, users) when given."""
        cr = self.env.cr
        if owners:
            teams, users = owners
            found = self._read(source, teams=teams, users=users, companies=())
        else:
            found = self._read(source)
        current = {(t, u, c, b): comps for t, u, c, b, comps in found}
        new = {(t, u, c, b): list(comps) for t, u, c, b, comps in rows}
        if replaced is None:
            stale = [k for k in current if k not in new]
        else:
            stale = [k for k in current if replaced(*k) and k not in new]
        changed = [(k, v) for k, v in new.items() if not _same(current.get(k), v)]
        drop = stale + [k for k, _v in changed if k in current]
        if drop:
            cr.execute(
                SQL(
                    """DELETE FROM sales_kpi_cell c
                        USING unnest(%s::int4[], %s::int4[], %s::int4[], %s::date[])
                              AS d(t, u, co, b)
                        WHERE c.source = %s AND c.team_id IS NOT DISTINCT FROM d.t
                          AND c.user_id IS NOT DISTINCT FROM d.u
                          AND c.company_id IS NOT DISTINCT FROM d.co
                          AND c.bucket IS NOT DISTINCT FROM d.b""",
                    [k[0] for k in drop],
                    [k[1] for k in drop],
                    [k[2] for k in drop],
                    [k[3] for k in drop],
                    source,
                )
            )
        if changed:
            cr.execute(
                SQL(
                    """INSERT INTO sales_kpi_cell (source, team_id, user_id, company_id, bucket,
                                                   comps)
                       SELECT %s, t, u, co, b, cs::float8[]
                         FROM unnest(%s::int4[], %s::int4[], %s::int4[], %s::date[], %s::text[])
                           AS d(t, u, co, b, cs)""",
                    source,
                    [k[0] for k, _v in changed],
                    [k[1] for k, _v in changed],
                    [k[2] for k, _v in changed],
                    [k[3] for k, _v in changed],
                    [f"{{{','.join(repr(x) for x in v)}}}" for _k, v in changed],
                )
            )
        return len(changed) + len(stale)
