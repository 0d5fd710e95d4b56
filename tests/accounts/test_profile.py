import pytest

from tests.factories import HomeInstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _home():
    HomeInstitutionFactory()


def test_a_person_gives_the_passport_spelling_of_their_name_on_their_profile(client):
    student = UserFactory(full_name="Бекзат Ахметов", latin_name="", language="ru")
    client.force_login(student)

    menu = client.get("/en/").content.decode()
    saved = client.post(
        "/en/accounts/profile/",
        {"full_name": " Бекзат Ахметов ", "latin_name": " Akhmetov Bekzat ", "language": "kk"},
        follow=True,
    )

    assert 'href="/en/accounts/profile/"' in menu
    assert "Your profile is saved." in saved.content.decode()
    student.refresh_from_db()
    assert (student.full_name, student.latin_name, student.language) == ("Бекзат Ахметов", "Akhmetov Bekzat", "kk")


def test_a_bad_profile_value_is_explained_in_the_readers_language_not_a_server_error(client):
    student = UserFactory(latin_name="Akhmetov Bekzat", language="ru")
    client.force_login(student)

    answer = client.post("/ru/accounts/profile/", {"full_name": "x", "latin_name": "y" * 201, "language": "xx"})

    assert answer.status_code == 400
    assert "Выберите корректный вариант" in answer.content.decode()
    student.refresh_from_db()
    assert (student.latin_name, student.language) == ("Akhmetov Bekzat", "ru")


def test_the_profile_is_only_for_a_signed_in_person(client):
    assert client.get("/en/accounts/profile/").status_code == 302
