"""The balance check's function runs as its owner with a fixed search_path (SECURITY DEFINER).

Measured by bench/settlement.py (2,000 statements, about 10,000 postings): the commit of a run's
posting transaction, where the deferred constraint trigger checks every posting's entry, took
4.6 s with the function run as the caller, and about 0.1 s like this. The check itself is
unchanged: the postings of the entry touched sum to zero, or the commit fails. The function only
reads the sum of one entry's postings and raises; `search_path` is fixed so that no schema of the
caller's can stand in for `settlements_posting`.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION settlements_entry_balances() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, public AS $$
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

# as 0002 created it: run as the caller (what unapplying this migration goes back to)
CALLER_FUNCTION = """
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


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CALLER_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("settlements", "0005_statement_history")]

    operations = [migrations.RunPython(forwards, backwards)]
