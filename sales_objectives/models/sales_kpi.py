import ast
import dataclasses

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

UNITS = [
    ("money", "Money"),
    ("count", "Count"),
    ("percent", "Percent"),
    ("days", "Days"),
]
DIRECTIONS = [
    ("higher", "Higher is better"),
    ("lower", "Lower is better"),
]


class SalesKpi(models.Model):
    _name = "sales.kpi"
    _description = "Sales KPI"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to use this KPI in every company.",
    )
    metric = fields.Selection(
        [
            ("won_revenue", "Won revenue"),
            ("won_count", "Won deals"),
            ("new_leads", "New leads"),
            ("new_opportunities", "New opportunities"),
            ("pipeline_created", "Pipeline created"),
            ("win_rate", "Win rate"),
            ("avg_deal_size", "Average deal size"),
            ("cycle_days", "Sales cycle (days)"),
            ("activities_done", "Activities done"),
            ("new_customers", "New customers"),
            ("repeat_revenue_share", "Revenue share of repeat customers"),
            ("objective_achievement_rate", "Objective achievement rate"),
            ("smart_coverage", "Calls and meetings with a SMART objective"),
            ("manual", "Manual (typed on each target)"),
        ],
        string="Base metric",
        required=True,
        default="won_revenue",
        help="What is measured. Every base metric is computed from the CRM's own records, "
        "except Manual, whose actual is typed on each target.",
    )
    description = fields.Text(translate=True)
    domain = fields.Char(
        string="Filter",
        default="[]",
        help="Only the leads and opportunities matching this filter are counted, and the "
        "activities done on them (for example a tag, a UTM source or medium, a country, "
        "or [('type', '=', 'opportunity')] for opportunities only). The filter uses fixed "
        "values: it cannot depend on the user or on today's date.",
    )
    count_overlay = fields.Boolean(
        "Count overlay credit",
        help="Salespeople credited with overlay credit on a deal or an order (specialists "
        "helping on it, on top of the revenue credit that totals 100 %) count their share "
        "in their own figures on this KPI. Teams and the company count each record once, "
        "whatever this setting.",
    )
    activity_type_ids = fields.Many2many(
        "mail.activity.type",
        string="Activity types",
        help="Activities done of these types are counted; leave empty to count every type.",
    )
    unit = fields.Selection(
        UNITS,
        compute="_compute_unit_direction",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    direction = fields.Selection(
        DIRECTIONS,
        compute="_compute_unit_direction",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    is_manual = fields.Boolean(compute="_compute_is_manual")
    filter_model = fields.Char(
        compute="_compute_filter_model", help="The model of the records the metric counts."
    )
    filter_title = fields.Char(compute="_compute_filter_model")
    target_ids = fields.One2many("sales.target", "kpi_id", string="Targets")
    target_count = fields.Integer(compute="_compute_target_count")
    last_refresh = fields.Datetime("Last refresh", readonly=True)
    last_failed = fields.Boolean("Last refresh failed", readonly=True)
    last_error = fields.Text(
        "Last refresh error", readonly=True, groups="sales_team.group_sale_manager"
    )

    @api.depends("metric")
    def _compute_unit_direction(self):
        definitions = self._metric_definitions()
        for kpi in self:
            definition = definitions.get(kpi.metric)
            if definition and (kpi.metric != "manual" or not kpi.unit):
                kpi.unit = definition.unit
                kpi.direction = definition.direction

    @api.depends("metric")
    def _compute_is_manual(self):
        for kpi in self:
            kpi.is_manual = kpi.metric == "manual"

    @api.depends("metric")
    def _compute_filter_model(self):
        for kpi in self:
            kpi.filter_model = kpi._filter_model() if kpi.metric else "crm.lead"
            if kpi.filter_model == "crm.lead":
                kpi.filter_title = self.env._("Only count leads and opportunities matching")
            else:
                kpi.filter_title = self.env._(
                    "Only count the %(records)s matching",
                    records=self.env["ir.model"]._get(kpi.filter_model).name,
                )

    def _compute_target_count(self):
        counts = dict(
            self.env["sales.target"]._read_group(
                [("kpi_id", "in", self.ids)], ["kpi_id"], ["__count"]
            )
        )
        for kpi in self:
            kpi.target_count = counts.get(kpi, 0)

    @api.constrains("domain", "metric")
    def _check_domain(self):
        for kpi in self:
            try:
                kpi._get_filter_domain()
            except (ValueError, SyntaxError, TypeError, KeyError, AttributeError) as error:
                raise ValidationError(
                    self.env._(
                        "The filter of the KPI “%(kpi)s” is not a valid filter on %(records)s: "
                        "%(error)s",
                        kpi=kpi.name,
                        records=self.env["ir.model"]._get(kpi._filter_model()).name,
                        error=error,
                    )
                ) from error

    @api.constrains("unit", "metric")
    def _check_unit(self):
        definitions = self._metric_definitions()
        for kpi in self:
            if kpi.metric != "manual" and kpi.unit != definitions[kpi.metric].unit:
                raise ValidationError(
                    self.env._(
                        "The KPI “%(kpi)s” measures %(metric)s, whose unit cannot be changed.",
                        kpi=kpi.name,
                        metric=dict(self._fields["metric"]._description_selection(self.env))[
                            kpi.metric
                        ],
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = self.filtered("target_ids")
        if used:
            raise ValidationError(
                self.env._(
                    "The KPI “%(kpi)s” has targets: archive it instead of deleting it.",
                    kpi=used[0].name,
                )
            )

    def action_open_targets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_objectives.sales_target_action"
        )
        action["domain"] = [("kpi_id", "=", self.id)]
        action["context"] = {"default_kpi_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _filter_model(self):
        """The model the KPI's filter applies to: the records its metric counts."""
        self.ensure_one()
        definition = self._metric_definitions().get(self.metric)
        return definition.model if definition else "crm.lead"

    def _pipeline_key(self):
        """What the open pipeline of this KPI is measured with: its filter, and whether
        overlay credit counts (KPIs with the same key share one scan)."""
        self.ensure_one()
        key = str(self._get_filter_domain())
        return f"{key}|overlay" if self.count_overlay else key

    def _get_filter_domain(self):
        """The KPI's filter as a domain on the records its metric counts (leads and
        opportunities for the CRM's metrics), checked against that model.
        Raises ValueError (or SyntaxError) when it is not a valid domain."""
        self.ensure_one()
        text = (self.domain or "").strip() or "[]"
        names = sorted(
            {
                node.id
                for node in ast.walk(ast.parse(text, mode="eval"))
                if isinstance(node, ast.Name)
            }
        )
        if names:
            raise ValueError(
                self.env._(
                    "it uses %(names)s, but a KPI's filter may not depend on the user or on "
                    "the date: a KPI is measured for every salesperson and every period, not "
                    "for the person looking at it. Use fixed values (ids, texts, numbers).",
                    names=", ".join(names),
                )
            )
        domain = ast.literal_eval(text)
        if not isinstance(domain, list | tuple):
            raise ValueError(self.env._("a filter is a list of conditions"))
        if not domain:
            return []
        domain = expression.normalize_domain(list(domain))
        # building the query checks every field and operator
        self.env[self._filter_model()].sudo().with_context(active_test=False)._search(domain)
        return domain

    @api.model
    def _metric_definitions(self):
        """{metric: MetricDefinition} (engine/metrics.py) of every base metric: those
        registered with their query builder in the engine (``@metric``), and
        ``manual``. An add-on adds a metric there, and to the ``metric`` selection
        (docs/extending.md)."""
        return self.env["sales.kpi.engine"].metric_definitions()

    def _metric_definition(self):
        """The MetricDefinition of the KPI's metric; a manual KPI adds up over the
        period when it counts or sums (money, count) and higher is better."""
        self.ensure_one()
        definition = self._metric_definitions()[self.metric]
        if self.metric == "manual":
            additive = self.unit in ("money", "count") and self.direction == "higher"
            definition = dataclasses.replace(definition, additive=additive)
        return definition

    # ------------------------------------------------------------------
    # A KPI created, deleted, archived, or whose filter, metric or categories change,
    # changes what is watched (sales_kpi_watch.py)
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        kpis = super().create(vals_list)
        self.env["sales.kpi.watch"]._invalidate(kpis)
        return kpis

    def write(self, vals):
        result = super().write(vals)
        if self.env["sales.kpi.watch"]._kpi_fields() & set(vals):
            self.env["sales.kpi.watch"]._invalidate(self)
        return result

    def unlink(self):
        result = super().unlink()
        self.env["sales.kpi.watch"]._invalidate(self.browse())
        return result
