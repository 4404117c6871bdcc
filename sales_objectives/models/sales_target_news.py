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

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.job import run_again_on_conflict

_logger = logging.getLogger(__name__)

STRETCH = 101
NEWS_BATCH = 500
# context key of an operation setting many targets (a plan, a split): it tells each
# salesperson once, at its end, rather than once per target
NOTIFY_LATER = "sales_target_notify_later"


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


class SalesTarget(models.Model):
    _inherit = "sales.target"  # pylint: disable=consider-merging-classes-inherited

    milestone_reached = fields.Integer(
        "Milestone reached",
        readonly=True,
        copy=False,
        help="The highest milestone of the actual announced so far: 50, 90 or 100 (% of "
        "the target), 101 for the stretch value.",
    )

    # ------------------------------------------------------------------
    # What was set: one message per salesperson and per operation
    # ------------------------------------------------------------------

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        """The salesperson follows their target, without Odoo's "You have been assigned
        to …" mail for each one: whoever sets targets sends one message per salesperson
        saying what was set (``_so_notify_set``)."""
        return [
            (partner_id, subtypes, False)
            for partner_id, subtypes, _template in super()._message_auto_subscribe_followers(
                updated_values, default_subtype_ids
            )
        ]

    @api.model_create_multi
    def create(self, vals_list):
        targets = super().create(vals_list)
        if not self.env.context.get(NOTIFY_LATER):
            targets._so_notify_set()
        return targets

    def write(self, vals):
        result = super().write(vals)
        if vals.get("user_id") and not self.env.context.get(NOTIFY_LATER):
            self._so_notify_set()
        return result

    def _so_notify_set(self, origin=None):
        """Tells each salesperson, once, the targets of ``self`` that are theirs (an
        operation setting many targets passes ``NOTIFY_LATER`` in the context and calls
        this once with all of them): from whoever set them, in the salesperson's
        language, posted on ``origin`` (a plan, a team target) or on the target."""
        if (
            not self.env.registry.ready  # installing: demo data
            or self.env.context.get("tracking_disable")
            or self.env.context.get("mail_auto_subscribe_no_notify")
        ):
            return
        by_user = {}
        for target in self:
            user = target.user_id
            if target.owner_type == "user" and user and user != self.env.user and not user.share:
                by_user.setdefault(user, []).append(target.id)
        for user, target_ids in by_user.items():
            targets = self.browse(target_ids)
            local = targets.with_context(lang=user.lang or self.env.lang)
            if origin:
                record = origin.with_context(lang=local.env.lang)
                subject = local.env._("Your targets: %(origin)s", origin=record.display_name)
            elif len(targets) == 1:
                record = local
                subject = local.env._("Your target: %(target)s", target=record.display_name)
            else:
                record = local[:1]
                subject = local.env._("Your new targets (%(count)s)", count=len(targets))
            items = Markup("").join(
                Markup("<li>%s</li>")
                % local.env._(
                    "%(kpi)s · %(period)s: %(value)s",
                    kpi=target.kpi_id.name,
                    period=target.period_label,
                    value=target._format_value(target.target_value),
                )
                for target in local.sorted(lambda t: (t.date_from, t.kpi_id.sequence, t.id))
            )
            author = self.env.user.name
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                local.env._(
                    "%(author)s set your targets (%(count)s):", author=author, count=len(targets)
                )
                if len(targets) > 1
                else local.env._("%(author)s set your target:", author=author),
                items,
            )
            record.message_notify(
                partner_ids=user.partner_id.ids,
                subject=subject,
                body=body,
                record_name=record.display_name,
                email_layout_xmlid="mail.mail_notification_layout",
                model_description=local.env["ir.model"]._get(record._name).display_name,
            )

    def _so_queue_news(self, events, send=False):
        """Records the milestones reached and queues the news of ``events`` {target id:
        {"status": (old, new), "milestone": level, "silent": bool}} found by the engine
        (a silent event, the first measure of a target, only records its milestone).
        ``send``: announce them now (a refresh asked for); else the news job is
        triggered."""
        milestones = {tid: e["milestone"] for tid, e in events.items() if "milestone" in e}
        if milestones:
            self.env.cr.execute(
                SQL(
                    "UPDATE sales_target t SET milestone_reached = v.level"
                    " FROM unnest(%s::int4[], %s::int4[]) AS v(id, level) WHERE t.id = v.id",
                    list(milestones),
                    list(milestones.values()),
                )
            )
            self.invalidate_model(["milestone_reached"])
        loud = [(tid, e) for tid, e in events.items() if not e.get("silent")]
        if not loud:
            return
        self.env.cr.execute(
            SQL(
                """INSERT INTO sales_target_news (target_id, status, milestone)
                   SELECT * FROM unnest(%s::int4[], %s::varchar[], %s::int4[])
                   RETURNING id""",
                [tid for tid, _e in loud],
                [e["status"][1] if "status" in e else None for _tid, e in loud],
                [e.get("milestone") for _tid, e in loud],
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if send:
            self.env["sales.target.news"].sudo().browse(ids)._send()
        else:
            cron = self.env.ref("sales_objectives.ir_cron_sales_target_news", False)
            if cron:
                cron.sudo()._trigger()

    def _so_announce(self, events):
        """``events`` {target id: [{"status": new status or None, "milestone": level or
        0}, ...]}: the queued news of the targets ``self``, oldest first. The news are
        the system's (OdooBot's), whoever pressed Refresh: Odoo notifies nobody of their
        own messages, and "Ben has just assigned you…" would be untrue."""
        self = self.with_user(self.env.ref("base.user_root")).with_context(
            mail_notrack=True, tracking_disable=True
        )
        turned = [
            (target, event["status"])
            for target in self
            for event in events[target.id]
            if event["status"]
        ]
        if turned:
            self._so_warn_turned(turned)
        for target in self:
            for event in events[target.id]:
                if event["milestone"]:
                    target._so_post_milestone(event["milestone"])

    def _so_status_name(self, status):
        return dict(self._fields["status"]._description_selection(self.env)).get(status)

    def _so_warn_turned(self, turned):
        """``turned`` [(target, new status)], oldest first: one activity for the team
        leader (unless one is still open for the target) and one notification to the
        salesperson per turn, in their own language; the open activities are read once."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        open_for = {
            (activity.res_id, activity.user_id.id)
            for activity in self.env["mail.activity"].search(
                [
                    ("res_model", "=", "sales.target"),
                    ("res_id", "in", [target.id for target, _new in turned]),
                    ("activity_type_id", "=", todo.id if todo else False),
                ]
            )
        }
        for target, new in turned:
            leader = target.team_id.user_id
            if leader and (target.id, leader.id) not in open_for:
                open_for.add((target.id, leader.id))
                local = target.with_context(lang=leader.lang)
                # the summary follows the target's name in the mail's subject
                # ("<target>: <summary>" assigned to you): it does not repeat it
                target.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=leader.id,
                    summary=local.env._("Now %(status)s", status=local._so_status_name(new)),
                    note=local._so_news_note(),
                )
            rep = target.user_id if target.owner_type == "user" else None
            if rep and rep.partner_id:
                local = target.with_context(lang=rep.lang)
                target.message_post(
                    body=Markup("<p>%s</p>%s")
                    % (
                        local.env._(
                            "This target is now %(status)s.",
                            status=local._so_status_name(new),
                        ),
                        local._so_news_note(),
                    ),
                    partner_ids=rep.partner_id.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )

    def _so_news_note(self):
        """The figures behind the news, in the reader's language."""
        self.ensure_one()
        return Markup("<p>%s</p>") % self.env._(
            "Actual %(actual)s of %(target)s; expected by now: %(expected)s.",
            actual=self._format_value(self.actual_value),
            target=self._format_value(self.target_value),
            expected=self._format_value(self.expected_value),
        )

    def _so_post_milestone(self, level):
        """A note in the chatter, in the language of the salesperson (of the team leader
        for a team target)."""
        reader = self.user_id if self.owner_type == "user" else self.team_id.user_id
        if reader.lang:
            self = self.with_context(lang=reader.lang)
        if level == STRETCH:
            text = self.env._(
                "Stretch value reached: %(actual)s (stretch %(stretch)s).",
                actual=self._format_value(self.actual_value),
                stretch=self._format_value(self.stretch_value),
            )
        else:
            text = self.env._(
                "%(level)s %% of the target reached: %(actual)s of %(target)s.",
                level=level,
                actual=self._format_value(self.actual_value),
                target=self._format_value(self.target_value),
            )
        self.message_post(body=Markup("<p>%s</p>") % text, subtype_xmlid="mail.mt_note")
