"""The per-target path: each target evaluated on its own through the ORM (domains,
``_read_group``, ``search_count``), as Odoo's gamification goals do without batch
mode (the sales bridge's metrics: orders, invoices and customers read through the ORM
too). Same definitions as the engine; conversions are cached per currency, company and
day, as anyone writing it would.

When opportunities are split (sales.credit.split, bench --split-won), the CRM's metrics
read each target's deals with the share credited to its owner (``credited``): the
owner's own unsplit deals in full, and the lines naming the owner."""

from datetime import timedelta

import pytz

from odoo.addons.sales_objectives.engine.buckets import previous_period
from odoo.addons.sales_objectives.tools.periods import local_day_start_utc

SALE_METRICS = {
    "ordered_amount",
    "orders_count",
    "avg_order_value",
    "avg_discount",
    "repeat_sales_share",
    "invoiced_amount",
    "customers_served",
    "retention_rate",
    "churned_customers",
    "cross_sell_customers",
    "margin",
    "margin_percent",
}


def local_day(moment, tz):
    """The local day (in ``tz``) of the naive UTC datetime ``moment``."""
    return pytz.utc.localize(moment).astimezone(pytz.timezone(tz)).date()


WON = [("active", "=", True), ("stage_id.is_won", "=", True)]
LOST = [("active", "=", False), ("probability", "=", 0)]


class PerTarget:
    def __init__(self, env):
        self.env = env
        self.leads = env["crm.lead"].with_context(active_test=False)
        self.rates = {}
        self.split = bool(env["sales.credit.split"].search_count([("lead_id", "!=", False)]))

    def credited(self, target, domain, leads):
        """[(lead, share)]: the leads of ``domain`` credited to ``target``'s owner and
        the fraction of each credited: a lead without revenue lines in full to its own
        salesperson and team; a split one by its lines (overlay lines for the
        salesperson, on a KPI counting overlay); the company's every lead in full."""
        owner = self.owner_domain(target)
        if target.owner_type == "company":
            return [(lead, 1.0) for lead in leads.search(domain + owner)]
        unsplit = [("so_credit_split_ids", "not any", [("kind", "=", "revenue")])]
        found = [(lead, 1.0) for lead in leads.search(domain + owner + unsplit)]
        kinds = ["revenue"] + (["overlay"] if target.kpi_id.count_overlay else [])
        if target.owner_type == "user":
            mine = [
                ("user_id", "=", target.user_id.id),
                ("lead_id.company_id", "in", [target.company_id.id, False]),
            ]
        else:
            mine = [("team_id", "=", target.team_id.id), ("kind", "=", "revenue")]
        lines = self.env["sales.credit.split"].search(
            [("kind", "in", kinds), ("lead_id", "any", domain)] + mine
        )
        return found + [(line.lead_id.with_env(leads.env), line.share / 100.0) for line in lines]

    def evaluate_split(self, target, metric, leads, tz, closed):
        """The CRM's metrics of ``target`` with split deals (see ``credited``)."""
        if metric in ("won_revenue", "avg_deal_size", "won_count", "cycle_days"):
            pairs = self.credited(target, WON + closed, leads)
            count = sum(share for _lead, share in pairs)
            if metric == "won_count":
                return count
            if metric == "cycle_days":
                days = sum(lead.day_close * share for lead, share in pairs)
                return days / count if count else 0.0
            amount = sum(
                self.convert(
                    lead.expected_revenue * share,
                    lead.company_id.currency_id or target.company_id.currency_id,
                    target,
                    local_day(lead.date_closed, tz),
                )
                for lead, share in pairs
            )
            if metric == "won_revenue":
                return amount
            return amount / count if count else 0.0
        if metric == "win_rate":
            won = sum(share for _lead, share in self.credited(target, WON + closed, leads))
            lost = sum(share for _lead, share in self.credited(target, LOST + closed, leads))
            return 100.0 * won / (won + lost) if won + lost else 0.0
        raise ValueError(metric)

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
        if self.split and metric in (
            "won_revenue",
            "avg_deal_size",
            "won_count",
            "cycle_days",
            "win_rate",
        ):
            return self.evaluate_split(target, metric, leads, tz, closed)
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
            domain = (
                [("type", "=", "opportunity")]
                + ["|", ("date_conversion", ">=", start), ("create_date", ">=", start)]
                + ["|", ("date_conversion", "<", stop), ("create_date", "<", stop)]
            )
            if self.split:
                return sum(
                    share
                    for lead, share in self.credited(target, domain, leads)
                    if start <= (lead.date_conversion or lead.create_date) < stop
                )
            found = leads.search(domain + owner)
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
            domain = WON + closed + [("partner_id", "!=", False)]
            if self.split:
                pairs = self.credited(target, domain, leads)
            else:
                pairs = [(lead, 1.0) for lead in leads.search(domain + owner)]
            won = leads.browse([lead.id for lead, _share in pairs])
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
                share
                for lead, share in pairs
                if firsts.get((lead.partner_id.commercial_partner_id.id, lead.company_id.id))
                == lead.id
            )
        if metric in SALE_METRICS:
            return self.evaluate_sales(target, metric, tz, start, stop)
        raise ValueError(f"the per-target path does not cover {metric}")

    # -- the sales bridge --------------------------------------------------------------

    def orders_of(self, target, tz, date_from, date_to):
        """The confirmed orders of ``target``'s owner dated (local day) in the days."""
        start = local_day_start_utc(date_from, tz)
        stop = local_day_start_utc(date_to + timedelta(days=1), tz)
        return self.env["sale.order"].search(
            [("state", "=", "sale"), ("date_order", ">=", start), ("date_order", "<", stop)]
            + self.owner_domain(target),
            order="id",
        )

    def amount(self, order, target, tz, value):
        """``value`` of ``order`` (in the order's currency) in the target's currency."""
        day = local_day(order.date_order, tz)
        return self.convert(
            value / (order.currency_rate or 1.0), order.company_id.currency_id, target, day
        )

    def firsts(self, customers, by_category=False):
        """{(customer, company[, category]): id of its first confirmed order}."""
        found = {}
        orders = self.env["sale.order"].search(
            [("state", "=", "sale"), ("partner_id.commercial_partner_id", "in", customers.ids)],
            order="date_order, id",
        )
        for order in orders:
            key = (order.partner_id.commercial_partner_id.id, order.company_id.id)
            if not by_category:
                found.setdefault(key, order.id)
                continue
            for line in order.order_line:
                if not line.display_type and line.product_id:
                    found.setdefault((*key, line.product_id.categ_id.id), order.id)
        return found

    def customers_of(self, target, tz, date_from, date_to):
        orders = self.orders_of(target, tz, date_from, date_to)
        return set(orders.partner_id.commercial_partner_id.ids)

    def evaluate_sales(self, target, metric, tz, start, stop):
        if metric == "invoiced_amount":
            owner = self.owner_domain(target)
            owner = [
                ("invoice_user_id" if leaf[0] == "user_id" else leaf[0], *leaf[1:])
                for leaf in owner
            ]
            groups = self.env["account.move"]._read_group(
                [
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("invoice_date", ">=", target.date_from),
                    ("invoice_date", "<=", target.date_to),
                ]
                + owner,
                ["invoice_date:day", "company_id"],
                ["amount_untaxed_signed:sum"],
            )
            return sum(
                self.convert(total, company.currency_id, target, day)
                for day, company, total in groups
            )
        if metric in ("customers_served", "retention_rate", "churned_customers"):
            current = self.customers_of(target, tz, target.date_from, target.date_to)
            if metric == "customers_served":
                return len(current)
            before = self.customers_of(
                target, tz, *previous_period(target.date_from, target.date_to)
            )
            if metric == "churned_customers":
                return len(before - current)
            return 100.0 * len(before & current) / len(before) if before else 0.0
        orders = self.orders_of(target, tz, target.date_from, target.date_to)
        if metric == "orders_count":
            return len(orders)
        if metric == "cross_sell_customers":
            customers = orders.partner_id.commercial_partner_id
            if not customers:
                return 0
            firsts = set(self.firsts(customers).values())
            category_firsts = set(self.firsts(customers, by_category=True).values())
            return len(
                {
                    order.partner_id.commercial_partner_id.id
                    for order in orders
                    if order.id in category_firsts and order.id not in firsts
                }
            )
        amounts = [self.amount(o, target, tz, o.amount_untaxed) for o in orders]
        total = sum(amounts)
        if metric == "ordered_amount":
            return total
        if metric == "avg_order_value":
            return total / len(orders) if orders else 0.0
        if metric == "avg_discount":
            granted = gross = 0.0
            for order in orders:
                for line in order.order_line:
                    if line.display_type:
                        continue
                    value = line.price_unit * line.product_uom_qty
                    granted += self.amount(order, target, tz, value * (line.discount or 0) / 100)
                    gross += self.amount(order, target, tz, value)
            return 100.0 * granted / gross if gross else 0.0
        if metric == "repeat_sales_share":
            customers = orders.partner_id.commercial_partner_id
            firsts = set(self.firsts(customers).values()) if customers else set()
            repeat = sum(a for o, a in zip(orders, amounts) if o.id not in firsts)
            return 100.0 * repeat / total if total else 0.0
        margin = sum(self.amount(o, target, tz, o.margin) for o in orders)
        if metric == "margin":
            return margin
        return 100.0 * margin / total if total else 0.0
