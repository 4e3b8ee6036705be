"""Table definitions, one module per domain, all on one MetaData so migrations see them all.

Every module in this package is imported here, so a domain adds its tables by adding a module.
"""

import importlib
import pkgutil

from adapters.sql.tables.base import metadata

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["metadata"]
