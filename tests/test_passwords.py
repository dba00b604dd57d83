"""The rules for what people type to prove who they are, with no database."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from hypothesis import given, settings
from hypothesis import strategies as st

from core import passwords
from core.errors import InputError
from core.passwords import check_new_password, check_new_pin, check_username

STRONG = "saffron bicycle glacier 17"
WORDS = passwords.guessable_words("Ana Reyes", "ana", "Pain Management Infusion Clinic")


def new_password(password: str, repeat: str | None = None, **overrides: object) -> str:
    options: dict = {"min_length": 10, "user_inputs": WORDS, "username": "ana", **overrides}
    return check_new_password(password, password if repeat is None else repeat, **options)


def field_of(error: pytest.ExceptionInfo[InputError]) -> str:
    return error.value.field


def test_the_same_password_typed_composed_or_decomposed_matches():
    stored = passwords.hash_secret("café au lait 42")
    assert passwords.matches(stored, "cafe\u0301 au lait 42")
    assert passwords.normalise("１２３４") == "1234"


def test_a_wrong_secret_or_a_damaged_hash_is_a_plain_no():
    stored = passwords.hash_secret(STRONG)
    assert passwords.matches(stored, STRONG)
    assert not passwords.matches(stored, STRONG + " ")
    assert not passwords.matches("not a hash", STRONG)
    assert not passwords.matches("", STRONG)
    assert not passwords.matches(stored, "\ud800 a lone surrogate")


def test_the_hash_does_not_contain_the_password_and_differs_each_time():
    first, second = passwords.hash_secret(STRONG), passwords.hash_secret(STRONG)
    assert first != second
    assert STRONG not in first
    assert first.startswith("$argon2id$")


def test_a_hash_made_with_weaker_settings_needs_rehashing():
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    previous = passwords.use_hasher(weak)
    try:
        old = passwords.hash_secret(STRONG)
        assert not passwords.needs_rehash(old)
        passwords.use_hasher(stronger)
        assert passwords.needs_rehash(old)
        assert passwords.matches(old, STRONG)
    finally:
        passwords.use_hasher(previous)


def test_user_names_are_trimmed_and_lower_case():
    assert check_username("  Ana.Reyes_2 ") == "ana.reyes_2"
    assert check_username("ＡＮＡ") == "ana"


@pytest.mark.parametrize("text", ["", "  ", "ab", "a" * 41, "ana reyes", "ana@clinic", "anä", "an\ta"])
def test_user_names_outside_the_rules_are_refused(text: str):
    with pytest.raises(InputError) as error:
        check_username(text)
    assert field_of(error) == "username"
    assert error.value.message


def test_a_strong_password_is_accepted_and_returned_normalised():
    assert new_password(STRONG) == STRONG
    assert new_password("ﬁne saffron glacier 17") == "fine saffron glacier 17"


@pytest.mark.parametrize(
    "common",
    [
        "password123",
        "qwertyuiop",
        "ketamine2026",
        "chairside1",
        "1234567890",
        "iloveyou12",
        "Password1!",
        "letmein2026",
    ],
)
def test_common_and_guessable_passwords_are_refused_with_what_to_do(common: str):
    with pytest.raises(InputError) as error:
        new_password(common)
    assert field_of(error) == "new_password"
    assert "words" in error.value.advice
    assert common not in str(error.value)


def test_a_password_with_the_user_name_in_it_is_refused():
    with pytest.raises(InputError, match="user name"):
        new_password("saffron ANA glacier 17")


def test_a_password_built_from_the_persons_name_is_refused():
    with pytest.raises(InputError):
        new_password("reyesreyes2026", username=None)


def test_length_limits_follow_the_clinic_minimum_and_a_ceiling():
    with pytest.raises(InputError, match="at least 30"):
        new_password(STRONG, min_length=30)
    with pytest.raises(InputError, match="at most 128"):
        new_password("x" * 129)
    with pytest.raises(InputError, match="Enter a password"):
        new_password("")


def test_the_repeat_must_match_and_is_reported_on_its_own_field():
    with pytest.raises(InputError) as error:
        new_password(STRONG, repeat=STRONG + "x")
    assert field_of(error) == "repeat"


def test_an_administrators_temporary_password_is_reported_on_that_field():
    with pytest.raises(InputError) as error:
        new_password("password123", field="temporary_password")
    assert field_of(error) == "temporary_password"


@pytest.mark.parametrize("pin", ["4096", "73910", "19283746", "０４９６"])
def test_pins_of_four_to_eight_digits_in_no_simple_order_are_accepted(pin: str):
    assert check_new_pin(pin, pin) == passwords.normalise(pin)


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", "12 34", "1111", "00000000", "1234", "987654", "3456"])
def test_short_long_non_digit_repeated_and_straight_pins_are_refused(pin: str):
    with pytest.raises(InputError) as error:
        check_new_pin(pin, pin)
    assert field_of(error) == "pin"


def test_the_pin_repeat_must_match():
    with pytest.raises(InputError) as error:
        check_new_pin("4096", "4069")
    assert field_of(error) == "repeat"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_text_as_a_user_name_is_accepted_only_within_the_rules(text: str):
    try:
        value = check_username(text)
    except InputError as error:
        assert error.field == "username"
    else:
        assert passwords.USERNAME_PATTERN.fullmatch(value)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=140), st.text(max_size=20))
def test_any_text_as_a_new_password_is_accepted_only_within_the_rules(password: str, repeat_suffix: str):
    repeat = password + repeat_suffix
    try:
        value = new_password(password, repeat=repeat)
    except InputError as error:
        assert error.field in {"new_password", "repeat"}
    else:
        assert 10 <= len(value) <= passwords.MAX_PASSWORD_LENGTH
        assert "ana" not in value.lower()
        assert passwords.normalise(repeat) == value


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12), st.text(max_size=12))
def test_any_text_as_a_pin_is_accepted_only_within_the_rules(pin: str, repeat: str):
    try:
        value = check_new_pin(pin, repeat)
    except InputError as error:
        assert error.field in {"pin", "repeat"}
    else:
        assert value.isascii() and value.isdigit() and 4 <= len(value) <= 8
        assert len(set(value)) > 1
