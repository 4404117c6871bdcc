"""What a refresh announces, once: a target turning at risk or behind (an activity for
the team leader, a note telling the salesperson and that leader) and the milestones of its actual
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
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from odoo.addons.mail.tools.discuss import Store

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

    @api.model
    def _post_notes(self, notes):
        """Posts ``notes`` [(target, body, partner ids to tell)] as the system's notes in
        the targets' chatters and tells each partner as they prefer (their user's
        notification setting): in their Inbox (a notification per note, live through
        the bus), or by e-mail (one mail for the whole batch, in their language, listing
        their notes; sent by Odoo's mail queue). Odoo's ``message_post`` notifies one
        message at a time (about twenty statements and a mail each); this costs the same
        statements for two notes as for two hundred."""
        if not notes:
            return
        Target = self.env["sales.target"].sudo()
        author = self.env.ref("base.user_root").partner_id
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        email_from = author.email_formatted
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
        messages = Target._message_create(
            [
                {
                    "author_id": author.id,
                    "email_from": email_from,
                    "reply_to": reply_to,
                    "model": Target._name,
                    "res_id": target.id,
                    "body": body,
                    "message_type": "comment",
                    "subtype_id": note,
                    "is_internal": True,
                    "partner_ids": told,
                    "message_id": generate_tracking_message_id("message-notify"),
                }
                for target, body, told in notes
            ]
        )
        partner_ids = {pid for _target, _body, told in notes for pid in told}
        if not partner_ids:
            return
        users = {}
        for user in (
            self.env["res.users"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", list(partner_ids)), ("share", "=", False)],
                ["partner_id", "notification_type", "lang"],
            )
        ):
            users.setdefault(user.partner_id.id, user)
        inbox = []  # (user, message)
        by_mail = defaultdict(list)  # user -> [(target, body, message)]
        for message, (target, body, told) in zip(messages, notes):
            for pid in told:
                user = users.get(pid)
                if not user:
                    continue
                if user.notification_type == "inbox":
                    inbox.append((user, message))
                else:
                    by_mail[user].append((target, body, message))
        if inbox:
            self._tell_inbox(inbox, author)
        if by_mail:
            self._tell_by_mail(by_mail, author)

    @api.model
    def _tell_inbox(self, inbox, author):
        """``inbox`` [(user, message)]: an Inbox notification each, created together, and
        the message pushed to each user's open browser tabs."""
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": author.id,
                    "mail_message_id": message.id,
                    "notification_status": "sent",
                    "notification_type": "inbox",
                    "res_partner_id": user.partner_id.id,
                }
                for user, message in inbox
            ]
        )
        messages = self.env["mail.message"].sudo().union(*(message for _user, message in inbox))
        followers = (
            self.env["mail.followers"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "sales.target"),
                    ("res_id", "in", messages.mapped("res_id")),
                    ("partner_id", "in", [user.partner_id.id for user, _message in inbox]),
                ]
            )
        )
        for user, message in inbox:
            user._bus_send_store(
                Store(
                    message.with_user(user).with_context(allowed_company_ids=[]),
                    # not scheduled: spares a read of the schedules per message
                    msg_vals={"scheduled_date": False},
                    for_current_user=True,
                    add_followers=True,
                    followers=followers,
                ),
                notification_type="mail.message/inbox",
            )

    @api.model
    def _tell_by_mail(self, by_mail, author):
        """``by_mail`` {user: [(target, body, message)]}: one e-mail per user listing
        their notes, in their language, created together and left to Odoo's mail queue;
        each note's e-mail notification follows that mail (sent, or failed with its
        reason, as Odoo shows on the message)."""
        mails = []
        for user, items in by_mail.items():
            local = self.with_context(lang=user.lang or self.env.lang)
            # the targets named in the reader's language (their KPI, their period)
            names = {
                target: target.with_context(lang=local.env.lang).display_name
                for target, _note, _message in items
            }
            if len(items) == 1:
                subject = local.env._("%(target)s: its status changed", target=names[items[0][0]])
            else:
                subject = local.env._("%(count)s sales targets changed status", count=len(items))
            body = Markup("<div><p>%s</p><ul>%s</ul></div>") % (
                local.env._("Dear %(name)s, a refresh of the sales figures found:", name=user.name),
                Markup().join(
                    Markup('<li><p><a href="%s">%s</a></p>%s</li>')
                    % (target._notify_get_action_link("view"), names[target], note)
                    for target, note, _message in items
                ),
            )
            mails.append(
                {
                    "author_id": author.id,
                    "email_from": author.email_formatted,
                    "subject": subject,
                    "body_html": body,
                    "recipient_ids": [Command.set(user.partner_id.ids)],
                    "message_type": "user_notification",
                    "is_notification": True,
                    "auto_delete": True,
                }
            )
        mails = self.env["mail.mail"].sudo().create(mails)
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": author.id,
                    "mail_message_id": message.id,
                    "mail_mail_id": mail.id,
                    "notification_status": "ready",
                    "notification_type": "email",
                    "res_partner_id": user.partner_id.id,
                }
                for mail, (user, items) in zip(mails, by_mail.items())
                for _target, _note, message in items
            ]
        )
        queue = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
        if queue:
            queue.sudo()._trigger()
