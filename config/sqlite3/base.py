"""Django's SQLite backend, batching bulk writes by the limit SQLite was built with.

Django 5.2 assumes SQLite's historical default of 999 variables per statement, so a bulk
write of a few hundred rows turns into several statements; SQLite ≥ 3.32 allows 32,766 (and
Debian's build 250,000). Django 6.0 reads the real limit the same way."""

import sqlite3

from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property


class DatabaseFeatures(features.DatabaseFeatures):
    # Django declares it as a plain attribute; a cached property reads the limit once
    @cached_property
    def max_query_params(self) -> int:  # type: ignore[override]
        self.connection.ensure_connection()
        return self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
