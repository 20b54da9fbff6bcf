"""Changes to the care model that do not come from a message (the client register)."""

from __future__ import annotations

import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings

from .models import Client


def pseudonym(bsn: str) -> str:
    """The keyed pseudonym (HMAC-SHA256) that links all records of one BSN."""
    key = settings.ZORGREGIO_PSEUDONYM_KEY.encode()
    return hmac.digest(key, bsn.encode(), "sha256").hex()


def pseudonyms(bsns) -> dict[str, str]:
    """:func:`pseudonym` of many BSNs at once: ``{bsn: pseudonym}``."""
    key = settings.ZORGREGIO_PSEUDONYM_KEY.encode()
    digest = hmac.digest
    return {bsn: digest(key, bsn.encode(), "sha256").hex() for bsn in bsns}


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt_bsn(bsn: str) -> str:
    return _fernet(settings.ZORGREGIO_ENCRYPTION_KEY).encrypt(bsn.encode()).decode()


def decrypt_bsn(token: str) -> str:
    return _fernet(settings.ZORGREGIO_ENCRYPTION_KEY).decrypt(token.encode()).decode()


def client_for_bsn(bsn: str, birth_date=None) -> Client:
    """The client with this BSN, created when new. The BSN is never stored in plain text."""
    client, created = Client.objects.get_or_create(
        pseudonym=pseudonym(bsn),
        defaults={"bsn_encrypted": encrypt_bsn(bsn), "birth_date": birth_date},
    )
    if not created and birth_date and client.birth_date is None:
        client.birth_date = birth_date
        client.save(update_fields=["birth_date"])
    return client
