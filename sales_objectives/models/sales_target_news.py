"""What a refresh announces, once: a target turning at risk or behind (an activity for
the team leader, a notification to the salesperson) and the milestones of its actual
(50 %, 90 %, 100 % of the target, the stretch value) in its chatter. The engine finds
the news while it stores the figures (sales_kpi_engine.py, ``_store``); nothing is
announced on a refresh that changes nothing, nor for a target measured the first time.
"""

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import SQL

STRETCH = 101


class SalesTarget(models.Model):
    _inherit = "sales.target"  # pylint: disable=consider-merging-classes-inherited

    milestone_reached = fields.Integer(
        "Milestone reached",
        readonly=True,
        copy=False,
        help="The highest milestone of the actual announced so far: 50, 90 or 100 (% of "
        "the target), 101 for the stretch value.",
    )

    def _so_announce(self, events):
        """``events`` {target id: {"status": (old, new), "milestone": level, "silent":
        bool}} found by the engine for the targets ``self``."""
        self = self.sudo().with_context(mail_notrack=True, tracking_disable=True)
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
        loud = self.filtered(lambda t: not events[t.id].get("silent"))
        turned = loud.filtered(lambda t: "status" in events[t.id])
        if turned:
            turned._so_warn_turned(events)
        for target in loud.filtered(lambda t: "milestone" in events[t.id]):
            target._so_post_milestone(events[target.id]["milestone"])

    def _so_status_name(self, status):
        return dict(self._fields["status"]._description_selection(self.env)).get(status)

    def _so_warn_turned(self, events):
        """One activity for the team leader (unless one is still open for this target)
        and one notification to the salesperson, in their own language."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        open_for = {
            (activity.res_id, activity.user_id.id)
            for activity in self.env["mail.activity"].search(
                [
                    ("res_model", "=", "sales.target"),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", todo.id if todo else False),
                ]
            )
        }
        for target in self:
            _old, new = events[target.id]["status"]
            leader = target.team_id.user_id
            if leader and (target.id, leader.id) not in open_for:
                local = target.with_context(lang=leader.lang)
                target.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=leader.id,
                    summary=local.env._(
                        "%(target)s: now %(status)s",
                        target=local.display_name,
                        status=local._so_status_name(new),
                    ),
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
