"""The result texts as data (002 §9.1, §9.2)."""

import pytest

from simulator.at.commands import DialectError
from simulator.dialects.atsharp import codes


def test_the_error_table_has_the_manuals_47_codes():
    assert len(codes.ERRORS) == 47
    assert codes.ERRORS[34881] == "Bad command : Command to long"  # the manual's spelling
    assert codes.ERRORS[35871] == "IP Connectivity library:  SIM removed"
    assert min(codes.ERRORS) == 34817 and max(codes.ERRORS) == 49158


def test_an_error_is_the_applications_own_line():
    error = codes.error(35865)
    assert isinstance(error, DialectError)
    assert (error.family.prefix, error.code) == ("#CME ERROR: ", 35865)
    with pytest.raises(ValueError):
        codes.error(28980)  # printed in §2.2.3.2, absent from the §9.2 table


@pytest.mark.parametrize("name, number", [
    ("Ok_Info_DataBegin", 1025), ("Ok_Info_WaitingForData", 1028), ("Ok_Info_NoMail", 3072),
    ("Ok_Info_Mail", 3073), ("Ok_Info_SocketClosed", 3074), ("Ok_Info_Ppp", 3077),
    ("Ok_Info_GprsActivation", 3086),
])
def test_information_messages_and_their_numbers(name, number):
    assert codes.info_message(name, verbose=True) == name
    assert codes.info_message(name, verbose=False) == str(number)
