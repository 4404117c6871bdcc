from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "so_demo")
class TestInstall(TransactionCase):
    def test_module_installed_with_its_dependencies(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", ("sales_objectives", "crm", "product"))]
        )
        self.assertEqual(
            {m.name: m.state for m in modules},
            {"sales_objectives": "installed", "crm": "installed", "product": "installed"},
        )
