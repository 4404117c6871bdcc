from . import test_won_by_deadline
