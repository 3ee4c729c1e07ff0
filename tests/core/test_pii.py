"""core.pii: encryption with rotation, keyed hashes over normalized values, masking."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from core import pii


def test_encrypt_round_trips_and_hides_the_value():
    token = pii.encrypt("35202-1234567-1")
    assert "1234567" not in token
    assert pii.decrypt(token) == "35202-1234567-1"


def test_encryption_is_randomized():
    assert pii.encrypt("35202-1234567-1") != pii.encrypt("35202-1234567-1")


def test_first_key_encrypts_and_every_key_decrypts(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PII_KEYS = [old]
    token = pii.encrypt("AB1234567")
    settings.PII_KEYS = [new, old]
    assert pii.decrypt(token) == "AB1234567"
    rotated = pii.rotate(token)
    settings.PII_KEYS = [new]
    assert pii.decrypt(rotated) == "AB1234567"
    with pytest.raises(pii.InvalidToken):
        pii.decrypt(token)


def test_keyed_hash_ignores_formatting():
    assert pii.keyed_hash("35202-1234567-1") == pii.keyed_hash(" 3520212345671 ")
    assert pii.keyed_hash("ab1234567") == pii.keyed_hash("AB 1234567")
    assert pii.keyed_hash("35202-1234567-1") != pii.keyed_hash("35202-1234567-3")


def test_keyed_hash_depends_on_the_key(settings):
    before = pii.keyed_hash("35202-1234567-1")
    settings.PII_HASH_KEY = "another-key"
    assert pii.keyed_hash("35202-1234567-1") != before


def test_mask_keeps_the_shape_and_the_last_four():
    assert pii.mask("35202-1234567-1") == "*****-****567-1"
    assert pii.mask("AB1234567") == "*****4567"
    assert pii.mask("") == ""


def test_empty_values_stay_empty():
    assert pii.encrypt("") == "" and pii.decrypt("") == "" and pii.keyed_hash("") == ""
