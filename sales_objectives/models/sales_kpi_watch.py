"""What the KPIs read beyond the records they count, watched so that the incremental
refresh sees every change made through Odoo that can move a figure.

A KPI's filter is a domain on the records its metric counts (leads and opportunities
for the CRM's metrics, orders and invoices in the sales bridge), and it may read fields
of related records: ``partner_id.country_id`` is the customer's country, a record of
``res.partner``. A metric may read some too: whether a deal is a customer's first reads
the customer's commercial entity; cross-sell reads the products' categories. The
*watch list* says, for each model and field read that way, which counted records reach
a changed record (a path of fields from them), and how the change is logged in
``sales.kpi.change``:

- ``touched``: the records reached, whose current state the next pass reads (a filter
  moves no record to other owners or dates: their owners' buckets are measured again);
- ``changed``: the same, and the later records of their customers too (a product moving
  to another category changes which later order buys a category for the first time);
- ``before``: their state before the change, read from the database as the change is
  written (what places them moved: their customer's commercial entity).

A KPI counting done activities or objectives filters them on their lead: a change
reaching a lead logs its done activities or objectives.

The list is derived once per registry from the active KPIs (cached, and cleared when a
KPI is created, deleted, archived, or its filter, metric or categories change): a
write of a field no KPI reads costs a dictionary lookup and no query. A write of a field
that is read is noted as it is written and resolved at the end of the transaction (or
when a pass reads the log) with one statement; ``before`` changes are read with one
statement as they are written. The hooks are on every model (models/base.py): the
stored columns are seen where the ORM writes them (``_write_multi``), which also catches
recomputed stored fields and writes that bypass a model's ``write`` (Odoo copies a
company's address to its contacts that way), many2many fields in ``write``, and
``create`` and ``unlink``.

Not seen: changes made in SQL, and fields computed on the fly whose search reads
something else than what they depend on; the daily full pass repairs them.
"""

import ast
from collections import defaultdict, namedtuple

from odoo import api, models, tools
from odoo.osv import expression

from .sales_kpi_refresh import GLOBAL_TABLES

# A watched field: the records of ``kind`` (a kind of sales.kpi.change) reached from
# the changed records: the records of ``source`` whose ``path`` (fields from them to
# the changed model; "" for the changed records themselves) is ``operator`` the
# changed ids, logged as ``mode`` (touched, changed, before). ``relink``: the write
# changes the path itself (the inverse of a one2many or many2many on the way): the
# records reached are read before the write as well as after. ``on_create``: a new
# record may be reached at once (the path ends on a one2many or many2many).
Watch = namedtuple("Watch", "kind source path operator mode relink on_create")
# depth of the paths followed (related and computed fields, nested subdomains)
MAX_DEPTH = 8


class SalesKpiWatch(models.AbstractModel):
    _name = "sales.kpi.watch"
    _description = "What the KPIs read beyond the records they count"

    # ------------------------------------------------------------------
    # The watch list
    # ------------------------------------------------------------------

    @api.model
    def _fields_watched(self, model_name):
        """{field name: (Watch, ...)} of ``model_name``, or None when no KPI reads
        it (the hooks' only cost for the models nobody reads)."""
        if not self.pool.ready:
            return None  # installing or updating modules: the next full pass measures
        return self._watch_list().get(model_name)

    @api.model
    @tools.ormcache()
    def _watch_list(self):
        """{model: {field: (Watch, ...)}} of every active KPI. Read with plain SQL
        (it may be first needed while the ORM writes a record)."""
        found = defaultdict(lambda: defaultdict(set))
        for kpi in self._kpi_rows():
            for model_name, fname, watch in self._kpi_watches(kpi):
                if self.env[model_name]._table in GLOBAL_TABLES:
                    continue  # a change there calls for a full pass anyway
                found[model_name][fname].add(watch)
        return {
            model_name: {fname: tuple(sorted(watches)) for fname, watches in by_field.items()}
            for model_name, by_field in found.items()
        }

    @api.model
    def _kpi_rows(self):
        """The active KPIs, as dicts (id, metric, domain); an add-on adds what its
        metrics read."""
        self.env.cr.execute("SELECT id, metric, domain FROM sales_kpi WHERE active")
        return [
            {"id": kpi_id, "metric": metric, "domain": domain}
            for kpi_id, metric, domain in self.env.cr.fetchall()
        ]

    @api.model
    def _kpi_fields(self):
        """The KPI's fields whose change changes the watch list."""
        return {"active", "metric", "domain"}

    @api.model
    def _invalidate(self, kpis):
        """The KPIs ``kpis`` changed what they read: the list is derived again."""
        kpis.flush_recordset()
        self.env.registry.clear_cache()

    @api.model
    def _kpi_watches(self, kpi):
        """[(model, field, Watch)] of a KPI row: what its filter reads, and what its
        metric reads (``_metric_watches``)."""
        definition = self.env["sales.kpi"]._metric_definitions().get(kpi["metric"])
        if not definition or kpi["metric"] == "manual":
            return []
        source = definition["model"]
        kinds = self._metric_kinds(kpi["metric"], definition)
        watches = [
            (model_name, fname, Watch(kind, source, path, operator, "touched", relink, on_create))
            for model_name, fname, path, operator, relink, on_create in self._domain_reads(
                source, self._parse_domain(kpi["domain"])
            )
            for kind in kinds
        ]
        return watches + list(self._metric_watches(kpi, definition, kinds))

    @api.model
    def _metric_kinds(self, metric, definition):
        """The kinds of change (sales.kpi.change) of the records the metric counts,
        which its filter reaches: the CRM's metrics count leads, done activities on
        leads or objectives on leads."""
        if metric in ("activities_done", "smart_coverage"):
            return ("message",)
        if metric == "objective_achievement_rate":
            return ("objective",)
        return ("lead",) if definition["model"] == "crm.lead" else ()

    @api.model
    def _metric_watches(self, kpi, definition, kinds):
        """What the metric itself reads on related records: whether a deal is its
        customer's first (new customers, repeat revenue) depends on the customer's
        commercial entity, which the change log keeps as the deal's customer."""
        if definition.get("customers") and definition["model"] == "crm.lead":
            yield (
                "res.partner",
                "commercial_partner_id",
                Watch("lead", "crm.lead", "partner_id", "in", "before", False, False),
            )

    @api.model
    def _parse_domain(self, text):
        """A KPI's filter as a normalized domain ([] when it is not one: the KPI's own
        check refuses it)."""
        try:
            domain = ast.literal_eval((text or "").strip() or "[]")
            return expression.normalize_domain(list(domain)) if domain else []
        except (ValueError, SyntaxError, TypeError):
            return []

    @api.model
    def _domain_reads(self, model_name, domain, prefix=(), depth=0):
        """[(model, field, path, operator, relink, on_create)] of the stored fields
        that ``domain`` on ``model_name`` reads; ``path``: the fields from the
        domain's records to that model (``prefix`` first)."""
        reads = []
        for leaf in domain:
            if not expression.is_leaf(leaf) or leaf in (
                expression.TRUE_LEAF,
                expression.FALSE_LEAF,
            ):
                continue
            path, operator, value = leaf
            reads += self._path_reads(
                self.env[model_name], str(path).split("."), prefix, operator, value, depth
            )
        return reads

    @api.model
    def _path_reads(self, model, names, prefix, operator, value, depth):
        """What the domain leaf ``(".".join(names), operator, value)`` on ``model``
        reads (see ``_domain_reads``)."""
        if depth > MAX_DEPTH or not names:
            return []
        name, rest = names[0], names[1:]
        field = model._fields.get(name)
        if field is None:
            return []
        if field.related and not field.store:
            # a related field reads its path
            return self._path_reads(
                model, field.related.split(".") + rest, prefix, operator, value, depth + 1
            )
        if not field.store:
            # computed on the fly: what it depends on (its name, for display_name)
            paths = [path.split(".") for path in self.pool.field_depends[field]]
            if name == "display_name":
                paths += [
                    fname.split(".") for fname in model._rec_names_search or [model._rec_name]
                ]
            return [
                read
                for path in paths
                if path and path[0] != name
                for read in self._path_reads(model, path, prefix, "ilike", value, depth + 1)
            ]
        joined = ".".join(prefix)
        reads = [(model._name, name, joined, "in", False, False)]
        if not field.relational:
            return reads
        inside = (*prefix, name)
        comodel = self.env[field.comodel_name]
        # a related record deleted: the database drops the link (no write is seen)
        reads.append((comodel._name, "id", ".".join(inside), "in", False, False))
        # the other side of the relation: writing it changes which records are reached
        if field.type == "one2many" and field.inverse_name in comodel._fields:
            reads.append((comodel._name, field.inverse_name, ".".join(inside), "in", True, True))
        elif field.type == "many2many":
            reads += [
                (comodel._name, other.name, ".".join(inside), "in", True, True)
                for other in comodel._fields.values()
                if other.type == "many2many"
                and other.relation == field.relation
                and other is not field
            ]
        if rest:
            deeper = self._path_reads(comodel, rest, inside, operator, value, depth + 1)
        elif operator in ("any", "not any") and isinstance(value, list | tuple):
            deeper = self._domain_reads(comodel._name, value, inside, depth + 1)
        elif operator in ("child_of", "parent_of") and comodel._parent_name in comodel._fields:
            # the records reached are the changed ones and their descendants (or
            # ancestors), before and after the move
            deeper = [
                (comodel._name, comodel._parent_name, ".".join(inside), operator, True, False)
            ]
        elif isinstance(value, str) or (
            isinstance(value, list | tuple) and any(isinstance(v, str) for v in value)
        ):
            # a name searched on the related records: the fields their search reads
            deeper = [
                read
                for fname in comodel._rec_names_search or [comodel._rec_name]
                if fname
                for read in self._path_reads(
                    comodel, fname.split("."), inside, "ilike", value, depth + 1
                )
            ]
        else:
            deeper = []
        if field.type in ("one2many", "many2many"):
            # a new related record is reached at once through the relation
            deeper = [
                (m, f, p, o, relink, on_create or p == ".".join(inside))
                for m, f, p, o, relink, on_create in deeper
            ]
        return reads + deeper

    # ------------------------------------------------------------------
    # The hooks (models/base.py)
    # ------------------------------------------------------------------

    @api.model
    def _written(self, records, vals_list, watched):
        """The ORM writes the columns ``vals_list`` of ``records``: notes the records
        reached, for the end of the transaction; reads the state of those logged
        ``before`` now (the database still has it)."""
        by_watch = defaultdict(set)
        for record_id, vals in zip(records._ids, vals_list):
            for fname in vals:
                for watch in watched.get(fname, ()):
                    by_watch[watch].add(record_id)
        if not by_watch:
            return
        created = self.env["sales.kpi.change"]._buffer()["created"].get(records._name)
        if created:
            # records of this transaction: nobody counted them before
            for watch in by_watch:
                if watch.mode == "before":
                    by_watch[watch] -= created
        self._note(records._name, {w: ids for w, ids in by_watch.items() if ids}, now=False)

    @api.model
    def _relations_written(self, records, fnames, watched, before):
        """``write`` of ``fnames`` of ``records``: the records reached through a
        relation the write changes, ``before`` it (read now) or after (noted), and
        after it those whose many2many fields changed (no column: ``_written`` does
        not see them)."""
        columns = records._fields
        by_watch = defaultdict(set)
        for fname in fnames:
            for watch in watched.get(fname, ()):
                if before and watch.relink:
                    by_watch[watch].update(records._ids)
                elif not before and columns[fname].type == "many2many":
                    by_watch[watch].update(records._ids)
        if by_watch:
            self._note(records._name, by_watch, now=before)

    @api.model
    def _created(self, records, watched):
        """New ``records``: those reached at once (through a one2many or a
        many2many), noted; the records of this transaction are known (``_written``
        reads no former state of them)."""
        pending = self.env["sales.kpi.change"]._buffer()
        pending["created"].setdefault(records._name, set()).update(records._ids)
        by_watch = {
            watch: set(records._ids)
            for watches in watched.values()
            for watch in watches
            if watch.on_create
        }
        if by_watch:
            self._note(records._name, by_watch, now=False)

    @api.model
    def _unlinking(self, records, watched):
        """``records`` are about to be deleted: the records reaching them, read now
        (their link goes with them)."""
        by_watch = {
            watch: set(records._ids)
            for watches in watched.values()
            for watch in watches
            if watch.path  # the counted records themselves log their own deletion
        }
        if by_watch:
            self._note(records._name, by_watch, now=True)

    @api.model
    def _note(self, model_name, by_watch, now):
        """Logs the records reached from the changed records of ``model_name``
        ({Watch: ids}): now (``now``, and always for ``before``), or at the end of the
        transaction."""
        if not by_watch:
            return
        Change = self.env["sales.kpi.change"]
        later = Change._buffer()["reached"]
        immediate = defaultdict(set)
        for watch, ids in by_watch.items():
            if watch.mode == "before":
                Change._log_reached_before(watch, ids)
            elif now:
                immediate[watch] |= ids
            else:
                later.setdefault(watch, set()).update(ids)
        if immediate:
            Change._log_reached(immediate, flush=True)
