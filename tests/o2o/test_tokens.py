"""API tokens stored hashed (o2o.tokens): what the table holds, what authenticates, and the
migration of DRF's plain-text tokens."""

from __future__ import annotations

import hashlib
from importlib import import_module
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from o2o.api.authentication import TokenAuthentication
from o2o.choices import Role
from o2o.models import ApiToken, User
from o2o.tenancy.rls import as_login_user
from o2o.tokens import TOKENS_PER_USER, issue_token, token_digest

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
PLAIN_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # the shape of DRF's keys: 40 hex digits
migration = import_module("o2o.migrations.0005_api_tokens")


def login(username: str) -> str:
    response = APIClient().post(TOKEN, {"username": username, "password": "pw-secret-42"}, format="json")
    assert response.status_code == 200
    return response.json()["token"]


def me(key: str, tenant: str = "alpha") -> tuple[int, str]:
    """The status of GET /api/v1/me/ with `key`, and the username or the error it answers."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_X_TENANT=tenant)
    response = client.get(ME)
    body = response.json()
    return response.status_code, body.get("username", body.get("detail"))


def stored(user: User) -> list[dict[str, Any]]:
    return [dict(row) for row in ApiToken.objects.filter(user=user).order_by("pk").values()]


# --- what is stored ---------------------------------------------------------------------------


def test_a_token_row_holds_no_usable_key_and_the_key_authenticates(tenant, make_user):
    # given an HQ admin who logged in
    boss = make_user(tenant, Role.HQ_ADMIN, username="boss")
    key = login("boss")
    # when the token table is read, and the key and the stored digest are each tried as a key
    rows = stored(boss)
    with_key, with_digest = me(key), me(rows[0]["digest"])
    # then the row holds the key's sha256 and no trace of the key, which alone authenticates
    assert len(key) == 43  # 32 random bytes, URL-safe base64
    assert [set(row) for row in rows] == [{"id", "user_id", "digest", "created_at"}]
    assert rows[0]["digest"] == hashlib.sha256(key.encode()).hexdigest()
    assert not any(key in str(value) for value in rows[0].values())
    assert with_key == (200, "boss")
    assert with_digest == (401, "Invalid token.")


def test_each_login_issues_a_new_token_and_the_earlier_ones_keep_working(tenant, make_user):
    # given a user who logged in once
    li = make_user(tenant, Role.HQ_STAFF, username="li")
    first = login("li")
    # when they log in again (a second device)
    second = login("li")
    # then both keys work, each stored as its digest
    assert first != second
    assert [row["digest"] for row in stored(li)] == [token_digest(first), token_digest(second)]
    assert (me(first), me(second)) == ((200, "li"), (200, "li"))


def test_a_new_token_retires_the_oldest_beyond_the_newest_ten(tenant, make_user):
    # given a user holding the most tokens kept
    li = make_user(tenant, Role.HQ_STAFF, username="li")
    keys = [issue_token(user=li) for _ in range(TOKENS_PER_USER)]
    # when one more is issued
    keys.append(issue_token(user=li))
    # then the oldest stopped working and the ten newest work
    assert [row["digest"] for row in stored(li)] == [token_digest(key) for key in keys[1:]]
    assert me(keys[0]) == (401, "Invalid token.")
    assert me(keys[1]) == (200, "li")


def test_a_deactivated_users_token_is_a_401(tenant, make_user):
    # given a user who logged in, then was deactivated
    gone = make_user(tenant, Role.HQ_STAFF, username="gone")
    key = login("gone")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    # when they call the API with their token
    answer = me(key)
    # then they are refused
    assert answer == (401, "User inactive or deleted.")


def test_a_new_password_signs_the_user_out_of_every_device_and_no_one_else(tenant, make_user):
    # given two users, one with two tokens
    li = make_user(tenant, Role.HQ_STAFF, username="li")
    make_user(tenant, Role.HQ_STAFF, username="wang")
    lis, wangs = [login("li"), login("li")], login("wang")
    # when li's name is changed, then li's keys still work
    li.name = "Li"
    li.save()
    assert [me(key) for key in lis] == [(200, "li")] * 2
    # when li's password is changed (by li, or reset by an admin)
    li.set_password("An0ther-secret-2026")
    li.save()
    # then neither of li's keys works, and wang's does
    assert [me(key) for key in lis] == [(401, "Invalid token.")] * 2
    assert me(wangs) == (200, "wang")
    assert stored(li) == []


@pytest.mark.postgres
def test_authenticating_a_token_is_one_query(tenant, make_user, django_assert_num_queries):
    # given a user's key
    li = make_user(tenant, Role.HQ_STAFF, username="li")
    key = issue_token(user=li)
    # when the API's authentication looks it up
    with django_assert_num_queries(1):
        user, token = TokenAuthentication().authenticate_credentials(key)
    # then one query found the user
    assert (user.pk, token.digest) == (li.pk, token_digest(key))


# --- DRF's plain tokens -----------------------------------------------------------------------


def test_drf_plain_text_token_table_is_gone():
    # when the database's tables are listed
    tables = connection.introspection.table_names()
    # then DRF's authtoken_token is not among them, and the hashed tokens' table is
    assert "authtoken_token" not in tables
    assert "o2o_apitoken" in tables


def test_a_plain_token_of_drfs_table_keeps_working_once_migrated(tenant, make_user):
    # given a database as DRF left it: a plain key in authtoken_token
    old = make_user(tenant, Role.HQ_ADMIN, username="old")
    with as_login_user(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone NOT NULL, "
            "user_id bigint NOT NULL UNIQUE REFERENCES o2o_user (id))"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, '2026-01-02 03:04:05+00', %s)",
            [PLAIN_KEY, old.pk],
        )
        # when the migration carries the tokens over (as the tables' owner, like `migrate`)
        carried = migration.hash_plain_tokens_into(connection, ApiToken._meta.db_table)
    # then the client's old key still authenticates, stored as its digest only, and the
    # plain-text table is gone
    assert carried == 1
    assert me(PLAIN_KEY) == (200, "old")
    assert [(row["digest"], row["created_at"].isoformat()) for row in stored(old)] == [
        (hashlib.sha256(PLAIN_KEY.encode()).hexdigest(), "2026-01-02T03:04:05+00:00")
    ]
    assert "authtoken_token" not in connection.introspection.table_names()


def test_the_migration_does_nothing_where_drfs_table_never_was():
    # given a database that never had DRF's tokens (this one)
    # when the migration's step runs
    carried = migration.hash_plain_tokens_into(connection, ApiToken._meta.db_table)
    # then nothing was carried over
    assert carried == 0
    assert ApiToken.objects.count() == 0
