"""Records whose changes move KPI figures (leads, done activities, meetings, objectives,
and a bridge's orders and invoices): each change is logged for the incremental refresh
(sales_kpi_change.py). A model inherits the mixin and says what it logs; a bridge that
counts a new kind of record does the same (docs/extending.md)."""

from odoo import api, models


class SalesKpiLogged(models.AbstractModel):
    """What a logged model says:

    - ``_so_log_kind``: its kind in the change log ("lead", "order"…), read back by the
      kind's state query (``sales.kpi.change._state_query``);
    - ``_so_log_fields``: the fields whose change may move a record to other owners,
      customers or days, or in or out of the figures: before such a change its state
      is kept, so that the next pass takes it out of where it counted (``None``: any
      change may);
    - ``_so_log_touch``: whether a change of other fields is logged too (the record
      counts where it did, but an amount of it may have changed);
    - ``_so_logged()``: which of the records may count at all (all by default; only
      customer invoices…); ``_so_logged_new()``: which of the records just created count
      (those of ``_so_logged()`` by default; only done activities on opportunities…: a
      change may bring a record into the figures, a creation says where it is);
    - ``_so_log_ids()``: the ids logged for them (their own by default; an order line
      logs its order);
    - ``_so_log_before(vals)``: how the state before a change is kept (``vals``: the
      values written, ``None`` when the records go).
    """

    _name = "sales.kpi.logged"
    _description = "Records logged for the incremental refresh of KPI figures"

    _so_log_kind = None
    _so_log_fields = None
    _so_log_touch = False

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._so_logged_new()._so_log_created()
        return records

    def write(self, vals):
        logged = self._so_logged()
        if logged:
            if self._so_log_fields is None or not self._so_log_fields.isdisjoint(vals):
                logged._so_log_before(vals)
            elif self._so_log_touch:
                logged._so_log_created(touched=True)
        return super().write(vals)

    def unlink(self):
        self._so_logged()._so_log_before(None)
        return super().unlink()

    def _so_logged(self):
        """The records that count in some figure (a recordset of ``self``)."""
        return self

    def _so_logged_new(self):
        """The records just created that count in some figure."""
        return self._so_logged()

    def _so_log_ids(self):
        return self.ids

    def _so_log_created(self, touched=False):
        """Created (or ``touched``): the next pass reads their state."""
        ids = self._so_log_ids()
        if ids:
            self.env["sales.kpi.change"].sudo()._log_created(self._so_log_kind, ids, touched)

    def _so_log_before(self, vals):
        """Their state now, read back by the kind's state query, then read again after
        the change by the next pass."""
        ids = self._so_log_ids()
        if ids:
            self.flush_recordset()
            log = self.env["sales.kpi.change"].sudo()
            log._log_before(self._so_log_kind, ids)
            log._log_created(self._so_log_kind, ids)
