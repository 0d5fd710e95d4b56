from django.db import migrations

# Every word of every partner's search text (the lexemes of its full-text vector), each once: the misspelt word
# of a search is looked up here with a trigram index, then the partners are found by the real words it is close
# to (partners.CLOSE_WORDS). The database keeps it: a trigger after each insert or update of partners adds the
# new words of the rows written, in one statement; a word no partner has any more only costs a look-up.
LEARN = """
    INSERT INTO partnerships_searchword (word)
    SELECT DISTINCT lexeme FROM {rows}, unnest(to_tsvector('simple'::regconfig, {rows}.search_text))
    WHERE length(lexeme) >= 3
    ON CONFLICT DO NOTHING
"""


def create_search_words(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite looks for each word as a substring
    for statement in (
        "CREATE TABLE partnerships_searchword (word text PRIMARY KEY)",
        "CREATE INDEX partner_search_word_trgm ON partnerships_searchword USING gin (word gin_trgm_ops)",
        "CREATE FUNCTION partnerships_learn_search_words() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + LEARN.format(rows="written")
        + "; RETURN NULL; END $$",
        *(
            f"CREATE TRIGGER partner_search_words_{event.lower()} AFTER {event} ON partnerships_partner "
            "REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION partnerships_learn_search_words()"
            for event in ("INSERT", "UPDATE")
        ),
        LEARN.format(rows="partnerships_partner"),
        "ANALYZE partnerships_searchword",
    ):
        schema_editor.execute(statement)


def drop_search_words(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for event in ("insert", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS partner_search_words_{event} ON partnerships_partner")
    schema_editor.execute("DROP FUNCTION IF EXISTS partnerships_learn_search_words()")
    schema_editor.execute("DROP TABLE IF EXISTS partnerships_searchword")


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0014_search_indexes_pending_list")]

    operations = [migrations.RunPython(create_search_words, drop_search_words)]
