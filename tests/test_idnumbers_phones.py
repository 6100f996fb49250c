"""ID numbers are checked as GB 11643 defines them; phones are stored in one form;
both are shown masked."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from xiangli.people.idnumbers import birth_date, check_digit, gender, normalise_id_number
from xiangli.people.masking import mask_id_number, mask_phone
from xiangli.people.phones import national, normalise_phone


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted as written in the code, whatever the catalogues say.
    with translation.override("en"):
        yield


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


def test_a_valid_id_number_is_accepted():
    number = with_check("41030219500304123")
    assert normalise_id_number(number) == number
    assert birth_date(number).isoformat() == "1950-03-04"
    assert gender(number) == "M"  # the 17th digit, 3, is odd
    assert gender(with_check("41030219500304122")) == "F"


def test_an_id_number_ending_in_x_is_accepted_in_either_case():
    assert check_digit("11010519491231002") == "X"
    assert normalise_id_number("11010519491231002x") == "11010519491231002X"
    assert normalise_id_number(" 110105 19491231 002X ") == "11010519491231002X"


def test_a_wrong_check_character_is_refused_with_a_clear_message():
    good = with_check("41030219500304123")
    wrong = good[:17] + ("1" if good[17] != "1" else "2")
    with pytest.raises(ValidationError) as exc:
        normalise_id_number(wrong)
    assert exc.value.messages == ["This ID number is wrong: its last character does not match."]


@pytest.mark.parametrize("first17", ["41030219500230123", "41030219501301123", "41030218991231123"])
def test_an_id_number_with_an_impossible_birth_date_is_refused(first17):
    with pytest.raises(ValidationError) as exc:
        normalise_id_number(with_check(first17))
    assert exc.value.messages == ["The birth date inside this ID number does not exist."]


def test_an_id_number_with_a_birth_date_in_the_future_is_refused():
    with pytest.raises(ValidationError) as exc:
        normalise_id_number(with_check("41030221000101123"))
    assert exc.value.messages == ["The birth date inside this ID number does not exist."]


@pytest.mark.parametrize("raw", ["41030219500304123", "4103021950030412345", "41030219500304123Y", ""])
def test_an_id_number_of_the_wrong_shape_is_refused(raw):
    with pytest.raises(ValidationError) as exc:
        normalise_id_number(raw)
    assert exc.value.messages == ["An ID number has 18 characters: 17 digits, then a digit or X."]


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086 13812345678",
    ],
)
def test_a_mobile_number_is_stored_in_one_form_however_it_is_typed(raw):
    assert normalise_phone(raw) == "+8613812345678"
    assert normalise_phone(raw, mobile_only=True) == "+8613812345678"


def test_a_landline_is_a_phone_but_cannot_receive_login_codes():
    assert normalise_phone("0379-63912345") == "+8637963912345"
    assert national("+8637963912345") == "037963912345"
    with pytest.raises(ValidationError) as exc:
        normalise_phone("0379-63912345", mobile_only=True)
    assert exc.value.messages == ["Please give a mobile number: codes are sent by text message."]


@pytest.mark.parametrize("raw", ["12345", "1381234567", "23812345678", "138123456789"])
def test_a_number_with_wrong_digits_is_refused(raw):
    with pytest.raises(ValidationError) as exc:
        normalise_phone(raw)
    assert exc.value.messages == ["This phone number does not exist: check the digits."]


def test_text_that_is_not_a_phone_is_refused():
    with pytest.raises(ValidationError) as exc:
        normalise_phone("call me")
    assert exc.value.messages == ["This is not a phone number."]


def test_a_number_outside_china_is_refused():
    with pytest.raises(ValidationError) as exc:
        normalise_phone("+1 650 253 0000")
    assert exc.value.messages == ["Please give a phone number in mainland China."]


def test_id_numbers_are_masked_keeping_the_region_and_the_last_four():
    assert mask_id_number("410302195003041234") == "410302********1234"
    assert mask_id_number("") == ""


def test_phones_are_masked_keeping_the_first_three_and_the_last_four():
    assert mask_phone("+8613856785678") == "138****5678"
    assert mask_phone("13856785678") == "138****5678"
    assert mask_phone("") == ""


def test_the_registry_shows_masked_values_of_what_it_stores(world):
    alice = world.alice_resident
    alice.refresh_from_db()
    assert alice.phone == "+8613800000001"
    assert alice.masked_phone == "138****0001"
    assert alice.masked_id_number == alice.id_number[:6] + "********" + alice.id_number[-4:]
    assert world.alice.masked_phone == "138****0001"
