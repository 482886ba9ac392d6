"""artclean: turn a scraped news article (plain text or HTML) into a clean, structured one."""

__version__ = "0.1.0"

from .errors import ArtcleanError, ConfigError, InputError, OutputError, RulePackError  # noqa: E402
from .model import Article, BodyBlock, Caption, Removal  # noqa: E402
from .pipeline import clean  # noqa: E402

__all__ = ["clean", "Article", "BodyBlock", "Caption", "Removal", "ArtcleanError", "ConfigError", "InputError",
           "OutputError", "RulePackError", "__version__"]
