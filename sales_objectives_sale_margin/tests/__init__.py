from . import test_margin, test_margin_i18n
