"""What a refresh announces, once: a target turning at risk or behind (an activity for
the team leader, a notification to the salesperson) and the milestones of its actual
(50 %, 90 %, 100 % of the target, the stretch value) in its chatter. The engine finds
the news while it stores the figures (sales_kpi_engine.py, ``_store``); nothing is
announced on a refresh that changes nothing, nor for a target measured the first time.

The refresh only queues the news (sales.target.news, one INSERT) and records the
milestone reached, in its own transaction: a scheduled refresh costs what changed in
the figures, and a mail failure cannot undo figures. A refresh asked for (the Refresh
button) sends its news at once; the scheduled passes leave them to the job "send
target news", triggered as soon as they commit.
"""

import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.job import run_again_on_conflict

_logger = logging.getLogger(__name__)

NEWS_BATCH = 500


class SalesTargetNews(models.Model):
    _name = "sales.target.news"
    _description = "Sales target news to announce"
    _order = "id"
    _log_access = False

    target_id = fields.Many2one("sales.target", required=True, ondelete="cascade", index=True)
    status = fields.Char(help="The status the target turned to (at risk, behind).")
    milestone = fields.Integer(help="The milestone the actual passed (50, 90, 100, 101).")

    @api.model
    @run_again_on_conflict
    def _cron_send(self, limit=NEWS_BATCH):
        """Announces the queued news, oldest first, ``limit`` at a time (the job calls
        again while some remain)."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sales_target_news ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                limit + 1,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        news = self.sudo().browse(ids[:limit])
        news._send()
        if len(ids) > limit:
            self.env["ir.cron"]._notify_progress(done=limit, remaining=len(ids) - limit)
        return len(news)

    def _send(self):
        """Announces and removes these news (in their order)."""
        if not self:
            return
        events = {}
        for item in self:
            target_events = events.setdefault(item.target_id.id, [])
            target_events.append({"status": item.status, "milestone": item.milestone})
        self.env.cr.execute(SQL("DELETE FROM sales_target_news WHERE id = ANY(%s)", self.ids))
        self.invalidate_model()
        targets = self.env["sales.target"].browse(list(events)).exists()
        targets._so_announce({tid: events[tid] for tid in targets.ids})
        _logger.info("Sales objectives: %s target news announced", len(self))
