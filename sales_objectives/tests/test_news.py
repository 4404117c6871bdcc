"""A refresh announces once: a target turning at risk or behind (an activity for the
team leader, a notification to the salesperson) and the milestones of its actual, never
on a refresh that changes nothing, nor for a target measured the first time."""

from freezegun import freeze_time

from odoo.tests import RecordCapturer, tagged

from .common import MAIL_CONTEXT, QueryCountsMixin, SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_news")
@freeze_time("2026-03-16 12:00:00")  # half of March's 22 working days have elapsed
class TestNews(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a manual KPI (count, higher is better): its actual is typed, so each step of
        # the test sets exactly where the target stands; expected by now: 50 of 100
        cls.target = cls._target("manual", cls.rep1, value=100, manual_value=10, stretch_value=110)
        cls.target.action_confirm()

    def set_actual(self, value):
        self.target.with_user(self.leader).write({"manual_value": value})
        self.target.with_user(self.rep1).action_refresh()

    def activities(self):
        return self.env["mail.activity"].search(
            [("res_model", "=", "sales.target"), ("res_id", "=", self.target.id)]
        )

    def notes(self, text):
        return self.target.message_ids.filtered(lambda m: text in (m.body or ""))

    def test_status_turning_worse_is_announced_once(self):
        # measured the first time (behind: 10 of 50 expected): nothing announced
        self.assertEqual(self.target.status, "behind")
        self.assertFalse(self.activities())
        self.assertFalse(self.notes("now"))
        self.set_actual(60)
        self.assertEqual(self.target.status, "on_track")
        self.assertFalse(self.activities())
        self.set_actual(45)  # 90 % of the pace: at risk
        self.assertEqual(self.target.status, "at_risk")
        activity = self.activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.leader)
        self.assertEqual(activity.summary, "Now At risk")
        notification = self.notes("This target is now At risk")
        self.assertEqual(len(notification), 1)
        # told: the salesperson and the leader given the activity
        self.assertEqual(notification.partner_ids, self.rep1.partner_id | self.leader.partner_id)
        # refreshing again, a scheduled full pass and an incremental pass: nothing new
        self.target.action_refresh()
        refresh = self.env["sales.kpi.refresh"]
        self.env["sales.kpi.engine"].refresh(self.target, complete=True)
        refresh._incremental_pass("2000-01-01")
        self.assertEqual(len(self.activities()), 1)
        self.assertEqual(len(self.notes("This target is now")), 1)
        # worse again: the salesperson hears of it; the leader's activity is still open
        self.set_actual(30)
        self.assertEqual(self.target.status, "behind")
        self.assertEqual(len(self.activities()), 1)
        self.assertEqual(len(self.notes("This target is now Behind")), 1)
        # the leader deals with it; the target recovers, then slips again
        self.activities().action_feedback(feedback="Called Rep 1")
        self.set_actual(60)
        self.set_actual(44)
        self.assertEqual(len(self.activities()), 1)
        self.assertEqual(len(self.notes("This target is now")), 3)

    def test_the_leaders_activity_is_due_on_the_companys_day(self):
        """Late on Monday evening in UTC it is already Tuesday in Brussels (company
        A's time zone): the leader's activity is due on Tuesday, whatever the clock
        of the user who sends the news (OdooBot, in New York here: still Monday)."""
        self.env.ref("base.user_root").tz = "America/New_York"
        self.set_actual(60)
        with freeze_time("2026-03-16 23:30:00"):
            self.set_actual(30)
            self.assertIn(self.target.status, ("at_risk", "behind"))
        self.assertEqual(str(self.activities().date_deadline), "2026-03-17")

    def test_news_come_from_the_system(self):
        """Rep 1 presses Refresh and their target turns at risk: the news are OdooBot's,
        not Rep 1's (Odoo notifies nobody of their own message, so Rep 1 heard nothing,
        and the leader read "Rep 1 has just assigned you…"). The note tells Rep 1 and
        the leader given the activity: no "assigned to you" mail besides; each gets one
        mail naming the target once."""
        self.set_actual(60)
        odoobot = self.env.ref("base.user_root")
        with (
            RecordCapturer(self.env["mail.message"], []) as capture,
            RecordCapturer(self.env["mail.mail"].sudo(), []) as mails,
        ):
            self.set_actual(45)
        self.assertEqual(self.target.status, "at_risk")
        notification = self.notes("This target is now At risk")
        self.assertEqual(notification.author_id, odoobot.partner_id)
        # rep 1 is notified, although they pressed Refresh; the leader with them
        told = self.rep1.partner_id | self.leader.partner_id
        self.assertEqual(notification.notification_ids.res_partner_id, told)
        self.assertEqual(set(notification.notification_ids.mapped("notification_type")), {"email"})
        activity = self.activities()
        self.assertEqual(activity.create_uid, odoobot)
        self.assertNotIn(self.target.display_name, activity.summary)
        self.assertFalse(capture.records.filtered(lambda m: "assigned to you" in (m.subject or "")))
        self.assertEqual(mails.records.recipient_ids, told)
        for mail in mails.records:
            self.assertEqual(mail.subject.count(self.target.display_name), 1)
            self.assertIn("This target is now At risk.", mail.body_html)
            self.assertEqual(mail.author_id, odoobot.partner_id)
        # the milestone notes too
        self.set_actual(95)
        milestone = self.notes("90 % of the target reached")
        self.assertEqual(milestone.author_id, odoobot.partner_id)

    def test_a_target_set_by_the_leader_is_one_clear_message(self):
        """Not Odoo's "You have been assigned to …" mail: one message saying what was
        set, from whoever set it; nothing to the leader setting their own."""
        Target = self.env["sales.target"].with_user(self.leader).with_context(**MAIL_CONTEXT)
        values = {
            "kpi_id": self.kpi["won_count"].id,
            "owner_type": "user",
            "team_id": self.team1.id,
            "company_id": self.company_a.id,
            "period_type": "month",
            "date_from": "2026-04-01",
            "target_value": 12,
        }
        with RecordCapturer(self.env["mail.message"], []) as capture:
            Target.create({**values, "user_id": self.rep2.id})
        received = capture.records.filtered(lambda m: self.rep2.partner_id in m.partner_ids)
        self.assertEqual(len(received), 1)
        self.assertEqual(received.author_id, self.leader.partner_id)
        self.assertNotIn("You have been assigned", received.subject or "")
        self.assertIn("Won deals · Apr 2026: 12</li>", received.body)

    def test_scheduled_pass_queues_its_news_for_the_news_job(self):
        # Rep 1 has won L1 and L2 in March: 2 deals of 4, on track half-way
        target = self._target("won_count", self.rep1, value=4)
        target.action_confirm()
        self.assertEqual(target.status, "on_track")
        News = self.env["sales.target.news"]
        cron = self.env.ref("sales_objectives.ir_cron_sales_target_news")
        triggers = self.env["ir.cron.trigger"].sudo()
        # L1 turns out lost: the scheduled (incremental) pass finds the target behind
        self.l1.with_user(self.rep1).action_set_lost()
        with RecordCapturer(triggers, [("cron_id", "=", cron.id)]) as capture:
            self.env["sales.kpi.refresh"]._incremental_pass("2999-01-01")
        self.assertEqual(target.status, "behind")
        self.assertEqual(len(capture.records), 1)
        # the figures are stored; the news waits for its job
        news_of = [("res_model", "=", "sales.target"), ("res_id", "=", target.id)]
        self.assertFalse(self.env["mail.activity"].search(news_of))
        queued = News.search([("target_id", "=", target.id)])
        self.assertEqual(queued.mapped("status"), ["behind"])
        pending = News.search_count([])  # this target's and the others' news
        self.assertEqual(News._cron_send(), pending)
        activity = self.env["mail.activity"].search(news_of)
        self.assertEqual(activity.user_id, self.leader)
        self.assertEqual(activity.summary, "Now Behind")
        self.assertEqual(
            len(target.message_ids.filtered(lambda m: "now Behind" in (m.body or ""))), 1
        )
        self.assertFalse(queued.exists())
        # the job run again, a full pass finding nothing new: nothing more
        self.assertEqual(News._cron_send(), 0)
        self.env["sales.kpi.engine"].refresh(target, complete=True)
        self.assertFalse(News.search([("target_id", "=", target.id)]))
        self.assertEqual(len(self.env["mail.activity"].search(news_of)), 1)

    def test_news_job_with_two_turns_of_one_target(self):
        # two scheduled passes queued two turns (at risk, then behind) before the job ran:
        # the leader gets one activity, the salesperson hears of both turns
        Target = self.env["sales.target"]
        Target._so_queue_news({self.target.id: {"status": ("on_track", "at_risk")}})
        Target._so_queue_news({self.target.id: {"status": ("at_risk", "behind")}})
        self.assertEqual(self.env["sales.target.news"]._cron_send(), 2)
        self.assertEqual(len(self.activities()), 1)
        self.assertEqual(len(self.notes("This target is now At risk")), 1)
        self.assertEqual(len(self.notes("This target is now Behind")), 1)

    def test_team_target_warns_the_leader_only(self):
        team = self._target("manual", self.team1, value=100, manual_value=60)
        team.action_confirm()
        team.with_user(self.leader).write({"manual_value": 20})
        team.action_refresh()
        self.assertEqual(team.status, "behind")
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "sales.target"), ("res_id", "=", team.id)]
        )
        self.assertEqual(activity.user_id, self.leader)
        # the note in the team target's chatter tells its leader, and nobody else
        note = team.message_ids.filtered(lambda m: "now Behind" in (m.body or ""))
        self.assertEqual(note.partner_ids, self.leader.partner_id)

    def test_milestones_are_announced_once(self):
        self.assertEqual(self.target.milestone_reached, 0)
        self.set_actual(55)
        self.assertEqual(len(self.notes("50 % of the target reached")), 1)
        self.set_actual(40)  # below again, then above: not announced twice
        self.set_actual(52)
        self.assertEqual(len(self.notes("50 % of the target reached")), 1)
        self.set_actual(100)  # passes 90 and 100 at once: the highest is announced
        self.assertEqual(self.target.milestone_reached, 100)
        self.assertEqual(len(self.notes("100 % of the target reached")), 1)
        self.assertFalse(self.notes("90 % of the target reached"))
        self.set_actual(115)
        self.assertEqual(self.target.milestone_reached, 101)
        self.assertEqual(len(self.notes("Stretch value reached")), 1)
        self.target.action_refresh()
        self.assertEqual(len(self.notes("reached")), 2 + 1)

    def test_first_measure_sets_the_milestone_silently(self):
        target = self._target("manual", self.rep2, value=100, manual_value=95)
        target.action_confirm()
        self.assertEqual(target.milestone_reached, 90)
        self.assertFalse(target.message_ids.filtered(lambda m: "reached" in (m.body or "")))


@tagged("post_install", "-at_install", "sales_objectives", "so_news")
@freeze_time("2026-03-16 12:00:00")
class TestNewsInBatches(QueryCountsMixin, SalesObjectivesCase):
    """The news job sends the milestones of a batch in the same statements whatever
    their number (one note per target, in its reader's language)."""

    def _queue(self, count, start, status=None):
        targets = self.env["sales.target"]
        for index in range(count):
            target = self._target(
                "manual",
                (self.rep1, self.rep2, self.rep4)[index % 3],
                date_from=f"20{30 + start + index}-01-01",
                period="year",
                value=100,
                manual_value=95,
            )
            targets |= target
        self.env["sales.target.news"].create(
            [
                {"target_id": target.id, "milestone": 0 if status else 90, "status": status}
                for target in targets
            ]
        )
        return targets

    def test_milestones_of_a_batch_cost_the_same_statements(self):
        News = self.env["sales.target.news"]
        counts = []
        for count, start in ((2, 0), (8, 10)):
            targets = self._queue(count, start)
            News._cron_send()  # warm: the first batch reads what every batch reads
            targets = self._queue(count, start + 30)
            counts.append(self.queries(News._cron_send))
            for target in targets:
                notes = target.message_ids.filtered(
                    lambda m: "90 % of the target reached" in (m.body or "")
                )
                self.assertEqual(len(notes), 1, target.display_name)
                self.assertEqual(notes.author_id, self.env.ref("base.user_root").partner_id)
        self.assertEqual(counts[0], counts[1], "the same statements for 2 and 8 news")

    def test_status_turns_of_a_batch_cost_the_same_statements(self):
        """Turns tell the salespeople and leaders in their Inbox or by e-mail, as each
        prefers: the same statements for 3 turns as for 9 (one mail per person)."""
        self.rep2.notification_type = "inbox"
        News = self.env["sales.target.news"]
        counts = []
        for count, start in ((3, 0), (9, 10)):
            targets = self._queue(count, start, status="behind")
            News._cron_send()  # warm
            targets = self._queue(count, start + 30, status="behind")
            with RecordCapturer(self.env["mail.mail"].sudo(), []) as mails:
                counts.append(self.queries(News._cron_send))
            for target in targets:
                note = target.message_ids.filtered(lambda m: "now Behind" in (m.body or ""))
                self.assertEqual(len(note), 1, target.display_name)
                rep = target.user_id.partner_id
                self.assertIn(rep, note.notification_ids.res_partner_id)
                kind = "inbox" if target.user_id == self.rep2 else "email"
                self.assertEqual(
                    note.notification_ids.filtered(
                        lambda n, rep=rep: n.res_partner_id == rep
                    ).notification_type,
                    kind,
                )
            # one mail per person told by e-mail, whatever their number of turns
            self.assertEqual(len(mails.records), len(mails.records.recipient_ids))
            self.assertNotIn(self.rep2.partner_id, mails.records.recipient_ids)
        self.assertEqual(counts[0], counts[1], "the same statements for 3 and 9 turns")
