"""Numbers and amounts in a language, written exactly as Odoo's ``formatLang`` and
``format_amount`` write them, from the language's data read once. Those look the
language up again for every number (through its cache), which made most of the time
of a list of a few hundred targets with their labels.

One rounding rule for every figure shown: half up (ties away from zero), as Odoo's
``float_round`` and amounts (``currency.round``), and as the web client's widgets of
this add-on (static/src/target_progress/figures.js). ``formatLang`` rounds ties to
even by default; the numbers here are those of ``formatLang(..., rounding_method=
"HALF-UP")``, so that a bar reading "81 %" and a sentence reading the same
attainment agree."""

import ast

from odoo.tools import float_round

from odoo.addons.base.models.res_lang import intersperse

NO_BREAK_SPACE = "\N{NO-BREAK SPACE}"
# the rounding of every figure shown (see above)
ROUNDING = "HALF-UP"


class NumberFormat:
    """``number(value, digits)`` as ``formatLang(env, value, digits,
    rounding_method="HALF-UP")``; ``number.amount(value, currency)`` as
    ``format_amount(env, value, currency)``."""

    def __init__(self, lang):
        self.grouping = ast.literal_eval(lang.grouping)
        self.thousands_sep = lang.thousands_sep or ""
        self.decimal_point = lang.decimal_point

    def _grouped(self, text):
        """``text`` (a "%.Nf" number) with the language's separators."""
        head, dot, tail = text.partition(".")
        head = intersperse(head, self.grouping, self.thousands_sep)[0]
        return f"{head}{self.decimal_point}{tail}" if dot else head

    def __call__(self, value, digits):
        rounded = float_round(value, precision_digits=digits, rounding_method=ROUNDING)
        return self._grouped(f"%.{digits}f" % rounded)

    def amount(self, value, currency):
        text = self._grouped(f"%.{currency.decimal_places}f" % currency.round(value))
        text = text.replace(" ", NO_BREAK_SPACE).replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
        symbol = currency.symbol or ""
        if currency.position == "before":
            return f"{symbol}{NO_BREAK_SPACE}{text}"
        return f"{text}{NO_BREAK_SPACE}{symbol}"
