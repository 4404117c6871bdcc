from . import figures, periods, rates
