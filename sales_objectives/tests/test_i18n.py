"""Translations stay complete: the .pot matches the code and every language of the
project translates every string, with the same placeholders."""

import re
from pathlib import Path

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

LANGUAGES = ("fa", "vi", "th", "zh_CN", "nl")
# the Odoo language each file serves (fa.po serves fa_IR, ...)
ODOO_LANGS = {"fa": "fa_IR", "vi": "vi_VN", "th": "th_TH", "zh_CN": "zh_CN", "nl": "nl_NL"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%%|%s")


@tagged("post_install", "-at_install", "sales_objectives", "so_i18n")
class TestTranslations(TransactionCase):
    """Each add-on of the repository runs these on its own files (a subclass naming
    its module and one of its translated records)."""

    module = "sales_objectives"
    record_xmlid = "sales_objectives.sales_kpi_won_revenue"
    record_name = "Won revenue"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.i18n = Path(get_module_path(cls.module)) / "i18n"
        cls.pot = polib.pofile(str(cls.i18n / f"{cls.module}.pot"))

    def test_pot_is_up_to_date(self):
        in_code = {
            source
            for module, _type, _name, _res_id, source, _value, _comments in TranslationModuleReader(
                self.env.cr, modules=[self.module]
            )
            if module == self.module and source
        }
        in_pot = {entry.msgid for entry in self.pot}
        self.assertFalse(in_code - in_pot, "strings missing from the .pot: run scripts/i18n")
        self.assertFalse(in_pot - in_code, "strings no longer used in the .pot: run scripts/i18n")

    def test_every_language_is_complete(self):
        for lang in LANGUAGES:
            with self.subTest(lang=lang):
                po = polib.pofile(str(self.i18n / f"{lang}.po"))
                translated = {e.msgid: e for e in po if e.msgstr and "fuzzy" not in e.flags}
                missing = [e.msgid for e in self.pot if e.msgid not in translated]
                self.assertFalse(missing, f"{lang}: untranslated strings")
                for entry in self.pot:
                    msgstr = translated[entry.msgid].msgstr
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(entry.msgid)),
                        sorted(PLACEHOLDER.findall(msgstr)),
                        f"{lang}: placeholders differ in {entry.msgid!r}",
                    )

    def test_languages_load(self):
        """Each translation loads into Odoo and is used."""
        kpi = self.env.ref(self.record_xmlid)
        for lang, code in ODOO_LANGS.items():
            with self.subTest(lang=lang):
                self.env["res.lang"]._activate_lang(code)
                self.env["ir.module.module"]._load_module_terms(
                    [self.module], [code], overwrite=True
                )
                expected = polib.pofile(str(self.i18n / f"{lang}.po")).find(self.record_name).msgstr
                self.assertEqual(kpi.with_context(lang=code).name, expected)
