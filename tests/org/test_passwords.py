"""Passwords are argon2id hashes made with argon2-cffi's recommended parameters; only the test
harness hashes cheaply, and a hash made either way lets its person log in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from argon2 import PasswordHasher, extract_parameters, profiles

from store import passwords

ROOT = Path(__file__).resolve().parents[2]


def test_baton_hashes_with_the_recommended_parameters_unless_told_otherwise() -> None:
    made = subprocess.run(
        [sys.executable, "-c", "from store.passwords import hash_password; print(hash_password('s3cret'))"],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert made.startswith("$argon2id$")
    default = PasswordHasher()
    used = extract_parameters(made)
    assert used == profiles.get_default_parameters()
    assert (used.time_cost, used.memory_cost, used.parallelism, used.hash_len) == (
        default.time_cost,
        default.memory_cost,
        default.parallelism,
        default.hash_len,
    )
    assert passwords.verify_password(made, "s3cret")


def test_the_harness_hashes_cheaply() -> None:
    assert passwords.parameters() == passwords.FOR_TESTS
    assert extract_parameters(passwords.hash_password("s3cret")) == profiles.CHEAPEST


def test_a_hash_made_with_either_parameters_verifies_under_both() -> None:
    recommended = PasswordHasher.from_parameters(passwords.RECOMMENDED).hash("s3cret")
    cheap = PasswordHasher.from_parameters(passwords.FOR_TESTS).hash("s3cret")
    for active in (passwords.RECOMMENDED, passwords.FOR_TESTS):
        passwords.use_parameters(active)
        try:
            assert passwords.verify_password(recommended, "s3cret") and passwords.verify_password(cheap, "s3cret")
        finally:
            passwords.use_parameters(passwords.FOR_TESTS)
    assert not passwords.verify_password(cheap, "wrong") and not passwords.verify_password("not a hash", "s3cret")
    assert not passwords.verify_password(None, "s3cret"), "an unknown username never logs in"
