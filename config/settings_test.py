"""Test settings: the same project, with fast hashing, synchronous tasks and no e-mail."""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings import *  # noqa: E402,F403
from config.settings import BASE_DIR, Q_CLUSTER  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# django-q2 reads `sync` once at import: set it here, before anything imports django_q.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
if DATABASES["default"]["ENGINE"] == "config.sqlite3":  # noqa: F405
    # In memory, one per process: each pytest-xdist worker has its own (pytest-django only
    # recognises Django's own engine name when it names the workers' databases).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405

# no certificates unless a test configures them (tests/documents/test_signing.py)
DOCUMENT_SIGNERS_FILE = BASE_DIR / "tests" / "no-signers.json"
DOCUMENTS_REQUIRE_SIGNATURE = False
DOCUMENTS_DEMO_CERTIFICATES = False
