import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from partnerships.models import Partner

pytestmark = pytest.mark.django_db


def write(tmp_path, content):
    path = tmp_path / "universities.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_import_command_reports_what_it_did_and_why_records_were_rejected(tmp_path, capsys):
    path = write(
        tmp_path,
        [
            {"name": "Xinjiang University", "alpha_two_code": "CN", "domains": ["xju.edu.cn"], "web_pages": []},
            {"name": "", "alpha_two_code": "CN", "domains": ["nameless.cn"]},
        ],
    )

    call_command("import_universities", str(path))
    call_command("import_universities", str(path))

    out = capsys.readouterr().out
    assert "Created 1, updated 0, unchanged 0, rejected 1." in out
    assert "Created 0, updated 0, unchanged 1, rejected 1." in out
    assert "Record 2 rejected: no name" in out
    assert Partner.objects.count() == 1


@pytest.mark.parametrize(("content", "message"), [("{not json", "not valid JSON"), ({"name": "x"}, "list")])
def test_import_command_refuses_a_malformed_file(tmp_path, content, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_universities", str(write(tmp_path, content)))


def test_import_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_universities", str(tmp_path / "missing.json"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the word table is PostgreSQL's")
def test_after_an_import_the_word_table_holds_every_word_of_the_directory(tmp_path):
    records = [
        {"name": f"Qwertyville Polytechnic {n}", "alpha_two_code": "US", "domains": [f"q{n}.edu"], "web_pages": []}
        for n in range(300)
    ] + [{"name": "Zanzibarton Institute", "alpha_two_code": "TZ", "domains": ["zanzibarton.ac.tz"]}]

    call_command("import_universities", str(write(tmp_path, records)))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme FROM partnerships_partner, unnest(to_tsvector('simple'::regconfig, search_text)) "
            "WHERE length(lexeme) >= 3 EXCEPT SELECT word FROM partnerships_searchword"
        )
        assert cursor.fetchall() == []
    assert list(Partner.objects.search("Zanzibartn").values_list("name", flat=True)) == ["Zanzibarton Institute"]
