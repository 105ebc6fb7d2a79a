# English pages keep the day-first dates of Vietnamese documents; only the number
# separators change.
from config.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
