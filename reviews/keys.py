"""The pseudonymous key that links repeat referrals of the same person, stored only as a hash.

The coordinator types a key such as initials plus date of birth. It is normalised (case, spaces
and punctuation ignored, so "A.B. 01/02/1990" and "ab 01021990" match), then hashed with
HMAC-SHA256 under a secret pepper (``settings.CASE_KEY_PEPPER``, or one derived from the secret
key when that is blank). The panel's id is part of the hashed message, so the same person's
hashes differ between panels: repeats are found only within a panel, and nobody can link a
MARAC case to a CCM case by comparing hashes. The typed key is never stored or logged.
"""

import hmac
import re
from datetime import date
from hashlib import sha256

from django.conf import settings
from django.utils.encoding import force_bytes

MIN_KEY_LENGTH = 6
_NOT_KEPT = re.compile(r"[^0-9a-z]")


def normalise_person_key(raw: str) -> str:
    return _NOT_KEPT.sub("", (raw or "").casefold())


def make_person_key(initials: str, date_of_birth: date) -> str:
    """The usual key: initials and date of birth, in one fixed form."""
    return f"{normalise_person_key(initials)}{date_of_birth:%Y%m%d}"


def _pepper() -> bytes:
    configured = getattr(settings, "CASE_KEY_PEPPER", "")
    if configured:
        return force_bytes(configured)
    # Derived, not the secret key itself, so the hash reveals nothing usable about it.
    return sha256(b"reviews.person-key:" + force_bytes(settings.SECRET_KEY)).digest()


def hash_person_key(panel_id: int, raw: str) -> str:
    """The stored form of a key: 64 hex characters. ValueError if the key is too short."""
    key = normalise_person_key(raw)
    if len(key) < MIN_KEY_LENGTH:
        raise ValueError("too short")
    message = f"{panel_id}:{key}".encode()
    return hmac.new(_pepper(), message, sha256).hexdigest()
