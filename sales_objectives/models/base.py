from odoo import api, models

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG


class Base(models.AbstractModel):
    """Every change made through the ORM to a field a KPI reads beyond the records it
    counts reaches the change log of the incremental refresh (sales_kpi_watch.py).
    For the models no KPI reads, each hook costs one dictionary lookup."""

    _inherit = "base"

    def _so_watched(self):
        """{field: watches} of this model, or None (sales.kpi.watch)."""
        if self._abstract or self.env.context.get(MODULE_UNINSTALL_FLAG):
            return None
        return self.env["sales.kpi.watch"]._fields_watched(self._name)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        watched = self._so_watched()
        if watched and records:
            self.env["sales.kpi.watch"]._created(records, watched)
        return records

    def write(self, vals):
        watched = self._so_watched()
        fnames = [fname for fname in vals if fname in watched] if watched else ()
        if fnames and self:
            self.env["sales.kpi.watch"]._relations_written(self, fnames, watched, before=True)
        result = super().write(vals)
        if fnames and self:
            self.env["sales.kpi.watch"]._relations_written(self, fnames, watched, before=False)
        return result

    def _write_multi(self, vals_list):
        watched = self._so_watched()
        if watched and self:
            self.env["sales.kpi.watch"]._written(self, vals_list, watched)
        return super()._write_multi(vals_list)

    def unlink(self):
        watched = self._so_watched()
        if watched and self:
            self.env["sales.kpi.watch"]._unlinking(self, watched)
        return super().unlink()
