"""Rules for user names, passwords and PINs, and their hashing. Pure: no database, no clock.

Every secret is normalised (Unicode NFKC) before it is hashed or compared, so the same password typed
on two keyboards, or pasted from another program, matches. Only argon2 hashes are ever kept.

The ``InputError`` fields raised here and by ``core.people`` (forms bind their widgets by these names):

``username``           a user name (sign-in, a new account, a reset giving one)
``name``               a person's name as shown on records
``role``               the role of a new account
``password``           the password being typed to prove who one is (sign-in, unlock, confirming)
``current_password``   the password being replaced, when changing one's own
``new_password``       a password being chosen (a change, or the first administrator's)
``temporary_password`` a password an administrator gives (a new account, a reset)
``repeat``             the same new password or PIN typed again
``pin``                a new PIN
``reason``             why an account is deactivated
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import InputError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MAX_PASSWORD_LENGTH = 128
MIN_SCORE = 3
"""zxcvbn's scale runs 0–4; below 3 a password falls to an offline guessing attack in hours."""
PIN_LENGTHS = range(4, 9)
USERNAME_PATTERN = re.compile(r"[a-z0-9._-]{3,40}")
ALWAYS_GUESSABLE = ("chairside", "ketamine", "infusion", "clinic", "nurse")
"""Words anyone near the workstation would try first."""


@dataclass
class _Hashing:
    hasher: PasswordHasher | None = None
    """None until a secret is first hashed or checked: argon2 is loaded then, at the first sign-in, not at start."""
    decoy: str | None = None


_hashing = _Hashing()


def _in_force() -> PasswordHasher:
    if _hashing.hasher is None:
        from argon2 import PasswordHasher

        _hashing.hasher = PasswordHasher()  # argon2's default settings
    return _hashing.hasher


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Swap the hasher (tests use a cheap one so they stay fast); returns the one it replaces."""
    previous = _in_force()
    _hashing.hasher = hasher
    _hashing.decoy = None
    return previous


def hasher() -> PasswordHasher:
    """The hasher in force (one that wraps it for a while puts it back with ``use_hasher``)."""
    return _in_force()


def normalise(secret: str) -> str:
    """The same password typed on two keyboards (composed or decomposed accents, full-width
    digits) must give the same bytes to hash."""
    return unicodedata.normalize("NFKC", secret)


def _bytes(secret: str) -> bytes:
    # surrogatepass: any str a widget hands over can be hashed, never a UnicodeEncodeError.
    return normalise(secret).encode("utf-8", "surrogatepass")


def hash_secret(secret: str) -> str:
    return _in_force().hash(_bytes(secret))


def matches(hash: str, secret: str) -> bool:
    """False for a wrong secret and for a damaged hash alike: a sign-in is refused, never crashes."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _in_force().verify(hash, _bytes(secret))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(hash: str) -> bool:
    """True when the hash was made with weaker settings than today's: it is replaced at the next
    successful sign-in, the only moment the plain password is at hand."""
    from argon2.exceptions import InvalidHashError

    try:
        return _in_force().check_needs_rehash(hash)
    except InvalidHashError:
        return True


def spend_hashing_time(secret: str) -> None:
    """Check a secret against a decoy hash, so an unknown user name takes as long to refuse as a
    wrong password and the time taken does not tell which user names exist."""
    if _hashing.decoy is None:
        _hashing.decoy = hash_secret("decoy for unknown user names")
    matches(_hashing.decoy, secret)


def check_username(text: str) -> str:
    """User names are compared lower-case, so "Ana" and "ana" cannot be two people."""
    value = normalise(text or "").strip().lower()
    if not value:
        raise InputError("username", "Enter a user name.")
    if not USERNAME_PATTERN.fullmatch(value):
        raise InputError(
            "username",
            "A user name is 3 to 40 characters: letters a–z, digits, dots, dashes or underscores.",
            "For example ana.reyes or areyes2.",
        )
    return value


def guessable_words(*texts: str) -> list[str]:
    """Words from names and places that a guesser would try: fed to zxcvbn as ``user_inputs``."""
    words = [word for text in texts for word in re.split(r"[\W_]+", text.lower()) if len(word) >= 3]
    return [*words, *ALWAYS_GUESSABLE]


def check_new_password(
    password: str,
    repeat: str,
    *,
    min_length: int,
    user_inputs: Iterable[str],
    username: str | None = None,
    field: str = "new_password",
) -> str:
    """A password someone will sign in with: long enough and hard to guess. Returns it normalised.

    ``field`` names the entry being chosen (``new_password``, or ``temporary_password`` when an
    administrator gives one). The password itself never appears in a message.
    """
    value = normalise(password or "")
    if not value:
        raise InputError(field, "Enter a password.")
    if len(value) < min_length:
        raise InputError(
            field,
            f"The password is too short: use at least {min_length} characters.",
            "A few unrelated words make a long password that is easy to remember.",
        )
    if len(value) > MAX_PASSWORD_LENGTH:
        raise InputError(field, f"The password is too long: use at most {MAX_PASSWORD_LENGTH} characters.")
    if username and username.lower() in value.lower():
        raise InputError(field, "The password contains the user name.", "Choose a password without it.")
    from zxcvbn import zxcvbn  # here, not at the top: its word lists cost every start ~35 ms, used only here

    verdict = zxcvbn(value, user_inputs=list(user_inputs), max_length=MAX_PASSWORD_LENGTH)
    if verdict["score"] < MIN_SCORE:
        feedback = verdict["feedback"]
        warning = feedback["warning"] or "This password would be easy to guess."
        hints = " ".join(feedback["suggestions"])
        raise InputError(field, warning, f"{hints} Three or four unrelated words make a strong password.".strip())
    if normalise(repeat or "") != value:
        raise InputError("repeat", "The two passwords are not the same.", "Type the new password again in both boxes.")
    return value


def _is_straight_run(digits: str) -> bool:
    steps = {int(b) - int(a) for a, b in itertools.pairwise(digits)}
    return steps in ({1}, {-1})


def check_new_pin(pin: str, repeat: str) -> str:
    """A PIN only unlocks the owner's own screen, so it is short; the runs anyone tries are refused."""
    value = normalise(pin or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) in PIN_LENGTHS):
        raise InputError("pin", "A PIN is 4 to 8 digits.", "Type digits only.")
    if len(set(value)) == 1 or _is_straight_run(value):
        raise InputError("pin", "That PIN is one of the first anyone would try.", "Choose digits in no simple order.")
    if normalise(repeat or "").strip() != value:
        raise InputError("repeat", "The two PINs are not the same.", "Type the new PIN again in both boxes.")
    return value
