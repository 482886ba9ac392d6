import pytest

from artclean.dates import is_relative, parse_date

DE = {"januar": 1, "jan.": 1, "juni": 6, "märz": 3, "september": 9, "sept.": 9}
EN = {"september": 9, "sept.": 9, "sept": 9, "nov.": 11, "november": 11, "june": 6}
ES = {"septiembre": 9}
FR = {"février": 2}
IT = {"settembre": 9}


@pytest.mark.parametrize("text, months, expected", [
    ("Stand: 12.06.2025, 18:30 Uhr", DE, "2025-06-12"),
    ("Veröffentlicht am 3. März 2025", DE, "2025-03-03"),
    ("Published Sept. 4, 2025", EN, "2025-09-04"),
    ("Nov. 19, 2019 8:03 am ET", EN, "2019-11-19"),
    ("Publié le 3 février 2025 à 10h12", FR, "2025-02-03"),
    ("Pubblicato il 4 settembre 2025", IT, "2025-09-04"),
    ("2025-06-12T18:30:00+02:00", {}, "2025-06-12T18:30:00+02:00"),
    ("2025-06-12T16:30:00Z", {}, "2025-06-12T16:30:00+00:00"),
    ("2025-06-12 18:30", {}, "2025-06-12"),
    ("Publicado el 4 de septiembre de 2025 - 10:15 CEST", ES, "2025-09-04T10:15:00+02:00"),
    ("Updated 3:42 PM PDT, September 4, 2025", EN, "2025-09-04T15:42:00-07:00"),
    ("Health PolicyNOVEMBER 19, 2019Updated: JUNE 2, 2025", EN, "2019-11-19"),
    ("Dismay 4, 2025", {"may": 5}, None),
    ("PHP 8.4.13 Release Announcement", {}, None),
    ("Python 3.12.10 and 3.13.1 released", {}, None),
    ("Stand: 08.04.13", {}, "2013-04-08"),
    ("vor 2 Stunden", DE, None),
    ("Die 200.000 Soldaten", DE, None),
    ("31.02.2025", DE, None),
])
def test_parse_date(text, months, expected):
    assert parse_date(text, months) == expected


def test_us_order_when_preferred():
    assert parse_date("06/12/2025", {}, prefer_mdy=True) == "2025-06-12"
    assert parse_date("06/12/2025", {}) == "2025-12-06"
    assert parse_date("Posted on the 15/12/2025 at 19:00", {}, prefer_mdy=True) == "2025-12-15"  # no 15th month


def test_relative_dates_are_recognised():
    assert is_relative("Updated 3 hours ago")
    assert is_relative("vor 2 Stunden")
    assert not is_relative("Stand: 12.06.2025")
