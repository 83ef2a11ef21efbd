"""Every journal entry balances, enforced by PostgreSQL: a constraint trigger on the postings,
DEFERRABLE INITIALLY DEFERRED, checks at commit that the postings of each entry touched in the
transaction sum to zero, and fails the commit otherwise. (SQLite, the embedded default, relies on
the posting service's own check.)"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION settlements_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched bigint;
    total numeric;
BEGIN
    IF TG_OP = 'DELETE' THEN
        touched := OLD.entry_id;
    ELSE
        touched := NEW.entry_id;
    END IF;
    SELECT COALESCE(SUM(amount), 0) INTO total FROM settlements_posting WHERE entry_id = touched;
    IF total <> 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance: its postings sum to %', touched, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;
"""
TRIGGER = """
CREATE CONSTRAINT TRIGGER settlements_posting_balances
    AFTER INSERT OR UPDATE OR DELETE ON settlements_posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION settlements_entry_balances();
"""
DROP = """
DROP TRIGGER IF EXISTS settlements_posting_balances ON settlements_posting;
DROP FUNCTION IF EXISTS settlements_entry_balances();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        schema_editor.execute(TRIGGER, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("settlements", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
