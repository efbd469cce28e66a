"""Password storage: argon2id hashes.

Baton hashes with argon2-cffi's recommended parameters (those of a plain ``PasswordHasher()``,
today RFC 9106's low-memory profile: 64 MiB, three passes), slow on purpose. The test suite logs
in a few hundred times, so its harness switches to argon2-cffi's cheapest parameters with
:func:`use_parameters`; nothing in Baton itself calls it, so no configuration can weaken
production hashes. Every hash carries the parameters it was made with and verifying reads them
from the hash, so a hash made under either set verifies under both.
"""

from __future__ import annotations

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

RECOMMENDED: Parameters = profiles.get_default_parameters()
FOR_TESTS: Parameters = profiles.CHEAPEST


class _Hashing:
    """The hasher in use, and a hash made with it for logins of unknown usernames."""

    def __init__(self, parameters: Parameters) -> None:
        self.parameters = parameters
        self.hasher = PasswordHasher.from_parameters(parameters)
        self._dummy: str | None = None

    @property
    def dummy_hash(self) -> str:
        # Verifying against this keeps a login for an unknown username as slow as a wrong
        # password, so response time does not reveal which usernames exist.
        if self._dummy is None:
            self._dummy = self.hasher.hash("baton-timing-equaliser")
        return self._dummy


_hashing = _Hashing(RECOMMENDED)


def use_parameters(parameters: Parameters) -> None:
    """Hash new passwords with these parameters from now on (the test harness uses FOR_TESTS)."""
    global _hashing
    _hashing = _Hashing(parameters)


def parameters() -> Parameters:
    """The parameters new hashes are made with."""
    return _hashing.parameters


def hash_password(password: str) -> str:
    return _hashing.hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hashing = _hashing
    try:
        return hashing.hasher.verify(password_hash or hashing.dummy_hash, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
