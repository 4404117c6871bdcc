"""The per-target path: each target evaluated on its own through the ORM (domains,
``_read_group``, ``search_count``), as Odoo's gamification goals do without batch
mode. Same definitions as the engine; conversions are cached per currency, company and
day, as anyone writing it would."""

from datetime import timedelta

from odoo.addons.sales_objectives.tools.periods import local_day_start_utc

WON = [("active", "=", True), ("stage_id.is_won", "=", True)]
LOST = [("active", "=", False), ("probability", "=", 0)]


class PerTarget:
    def __init__(self, env):
        self.env = env
        self.leads = env["crm.lead"].with_context(active_test=False)
        self.rates = {}

    def convert(self, amount, source, target, day):
        if not amount or source == target.currency_id:
            return amount
        key = (source.id, target.currency_id.id, target.company_id.id, day)
        if key not in self.rates:
            self.rates[key] = source._convert(
                1.0, target.currency_id, target.company_id, day, round=False
            )
        return amount * self.rates[key]

    def owner_domain(self, target, prefix=""):
        if target.owner_type == "team":
            return [(prefix + "team_id", "=", target.team_id.id)]
        if target.owner_type == "user":
            return [
                (prefix + "user_id", "=", target.user_id.id),
                (prefix + "company_id", "in", [target.company_id.id, False]),
            ]
        return [(prefix + "company_id", "=", target.company_id.id)]

    def evaluate(self, target):
        tz = target.company_id.resource_calendar_id.tz or "UTC"
        start = local_day_start_utc(target.date_from, tz)
        stop = local_day_start_utc(target.date_to + timedelta(days=1), tz)
        metric = target.kpi_id.metric
        leads = self.leads.with_context(tz=tz)
        owner = self.owner_domain(target)
        closed = [("date_closed", ">=", start), ("date_closed", "<", stop)]
        if metric in ("won_revenue", "avg_deal_size"):
            groups = leads._read_group(
                WON + closed + owner,
                ["date_closed:day", "company_id"],
                ["expected_revenue:sum", "__count"],
            )
            amount = sum(
                self.convert(
                    total, company.currency_id or target.company_id.currency_id, target, day
                )
                for day, company, total, _count in groups
            )
            count = sum(g[3] for g in groups)
            if metric == "won_revenue":
                return amount
            return amount / count if count else 0.0
        if metric == "won_count":
            return leads.search_count(WON + closed + owner)
        if metric == "cycle_days":
            [(days, count)] = leads._read_group(
                WON + closed + owner, [], ["day_close:sum", "__count"]
            )
            return (days or 0.0) / count if count else 0.0
        if metric == "win_rate":
            won = leads.search_count(WON + closed + owner)
            lost = leads.search_count(LOST + closed + owner)
            return 100.0 * won / (won + lost) if won + lost else 0.0
        if metric == "new_opportunities":
            found = leads.search(
                [("type", "=", "opportunity")]
                + owner
                + ["|", ("date_conversion", ">=", start), ("create_date", ">=", start)]
                + ["|", ("date_conversion", "<", stop), ("create_date", "<", stop)]
            )
            return len(
                found.filtered(
                    lambda lead: start <= (lead.date_conversion or lead.create_date) < stop
                )
            )
        if metric == "activities_done":
            # credited to the author; the opportunity gives the team and the company
            if target.owner_type == "user":
                lead_domain = [("company_id", "in", [target.company_id.id, False])]
            else:
                lead_domain = self.owner_domain(target)
            lead_owner = self.leads._search(lead_domain)
            domain = [
                ("model", "=", "crm.lead"),
                ("mail_activity_type_id", "in", target.kpi_id.activity_type_ids.ids),
                ("date", ">=", start),
                ("date", "<", stop),
                ("res_id", "in", lead_owner),
            ]
            if target.owner_type == "user":
                domain.append(("author_id", "=", target.user_id.partner_id.id))
            return self.env["mail.message"].search_count(domain)
        if metric == "new_customers":
            won = leads.search(WON + closed + owner + [("partner_id", "!=", False)])
            if not won:
                return 0
            customers = won.partner_id.commercial_partner_id
            firsts = {}
            for lead in self.leads.search(
                WON + [("partner_id.commercial_partner_id", "in", customers.ids)],
                order="date_closed, id",
            ):
                key = (lead.partner_id.commercial_partner_id.id, lead.company_id.id)
                firsts.setdefault(key, lead.id)
            return sum(
                1
                for lead in won
                if firsts.get((lead.partner_id.commercial_partner_id.id, lead.company_id.id))
                == lead.id
            )
        raise ValueError(f"the per-target path does not cover {metric}")
