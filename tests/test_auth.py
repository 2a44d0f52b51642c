from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import timedelta

import httpx
import jwt
import pytest
from sqlalchemy import func, select

from mafqood.audit.models import AuditLog
from mafqood.composition.container import Container
from mafqood.users import tokens as tokens_module
from mafqood.users.models import RefreshToken
from mafqood.users.tokens import TokenError, TokenService
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, register


async def test_register_returns_user_and_tokens(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/register",
        json={
            "email": "Ahmad@Example.com",
            "password": "SecurePassword123!",
            "full_name": "Ahmad Ali",
            "phone": "+971 50 123 4567",
            "is_venue": False,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"user", "token", "refresh_token"}
    user = body["user"]
    assert user["email"] == "ahmad@example.com"
    assert user["phone"] == "+971501234567"
    assert user["avatar_url"] is None and user["is_venue"] is False
    assert {"id", "full_name", "created_at"} <= set(user)
    claims = jwt.decode(body["token"], TEST_SECRET, algorithms=["HS256"])
    assert claims["type"] == "access" and claims["user_id"] == user["id"]
    assert claims["email"] == "ahmad@example.com" and claims["is_venue"] is False
    assert claims["exp"] - claims["iat"] == 3600
    refresh = jwt.decode(body["refresh_token"], TEST_SECRET, algorithms=["HS256"])
    assert refresh["type"] == "refresh" and uuid.UUID(refresh["token_id"])
    assert refresh["exp"] - refresh["iat"] == 30 * 86400


async def test_refresh_tokens_are_stored_hashed(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    async with container.sessionmaker() as session:
        rows = (await session.execute(select(RefreshToken))).scalars().all()
    assert len(rows) == 1
    assert rows[0].token_hash != account.refresh_token
    assert len(rows[0].token_hash) == 64


@pytest.mark.parametrize(
    ("password", "reasons"),
    [
        ("short1A", ["too_short"]),
        ("alllowercase1", ["no_upper"]),
        ("ALLUPPERCASE1", ["no_lower"]),
        ("NoDigitsHere", ["no_digit"]),
        ("abc", ["too_short", "no_upper", "no_digit"]),
    ],
)
async def test_register_rejects_weak_passwords(
    client: httpx.AsyncClient, password: str, reasons: list[str]
) -> None:
    response = await client.post(
        "/auth/register",
        json={"email": "weak@example.com", "password": password, "full_name": "A"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    [error] = body["detail"]
    assert error["loc"] == ["body", "password"] and error["type"] == "password_policy"
    english = {
        "too_short": "at least 8 characters",
        "no_upper": "an uppercase letter",
        "no_lower": "a lowercase letter",
        "no_digit": "a digit",
    }
    for reason in reasons:
        assert english[reason] in error["msg"]


@pytest.mark.parametrize(
    ("body", "field", "error_type"),
    [
        ({"password": PASSWORD, "full_name": "A"}, "email", "missing"),
        ({"email": "not-an-email", "password": PASSWORD, "full_name": "A"}, "email", "value_error"),
        ({"email": "a@example.com", "full_name": "A"}, "password", "missing"),
        ({"email": "a@example.com", "password": PASSWORD}, "full_name", "missing"),
        (
            {"email": "a@example.com", "password": PASSWORD, "full_name": "   "},
            "full_name",
            "blank",
        ),
        (
            {"email": "a@example.com", "password": PASSWORD, "full_name": "x" * 256},
            "full_name",
            "string_too_long",
        ),
        (
            {"email": "a@example.com", "password": PASSWORD, "full_name": "A", "phone": "call me"},
            "phone",
            "invalid_phone",
        ),
        (
            {"email": "a@example.com", "password": PASSWORD, "full_name": "A", "is_venue": "maybe"},
            "is_venue",
            "bool_parsing",
        ),
    ],
)
async def test_register_validation_names_the_field(
    client: httpx.AsyncClient, body: dict[str, object], field: str, error_type: str
) -> None:
    response = await client.post("/auth/register", json=body)
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "validation_error"
    assert any(e["loc"] == ["body", field] and e["type"] == error_type for e in data["detail"])
    assert field in data["message"]


async def test_malformed_json_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/register", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


async def test_duplicate_email_is_409_whatever_the_case(client: httpx.AsyncClient) -> None:
    await register(client, email="taken@example.com")
    response = await client.post(
        "/auth/register",
        json={"email": "TAKEN@example.com", "password": PASSWORD, "full_name": "B"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"
    assert "already exists" in response.json()["detail"]


async def test_login(client: httpx.AsyncClient, container: Container) -> None:
    account = await register(client)
    response = await client.post(
        "/auth/login", json={"email": account.email.upper(), "password": account.password}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["id"] == account.id and body["token"] and body["refresh_token"]
    async with container.sessionmaker() as session:
        actions = (await session.execute(select(AuditLog.action))).scalars().all()
    assert "login" in actions


async def test_wrong_password_and_unknown_email_look_the_same(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    wrong = await client.post(
        "/auth/login", json={"email": account.email, "password": "WrongPassword1"}
    )
    unknown = await client.post(
        "/auth/login", json={"email": "nobody@example.com", "password": "WrongPassword1"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["code"] == unknown.json()["code"] == "invalid_credentials"
    assert wrong.json()["message"] == unknown.json()["message"]
    async with container.sessionmaker() as session:
        failures = await session.scalar(
            select(func.count()).where(AuditLog.action == "login_failed")
        )
    assert failures == 2


async def test_unknown_email_still_checks_a_password_hash(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Equal timing comes from doing the same work: one bcrypt check at the same cost.
    import bcrypt

    checked: list[bytes] = []
    real_checkpw = bcrypt.checkpw

    def spy(password: bytes, hashed: bytes) -> bool:
        checked.append(hashed)
        return real_checkpw(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", spy)
    account = await register(client)
    await client.post("/auth/login", json={"email": "nobody@example.com", "password": "Wrong1aa"})
    await client.post("/auth/login", json={"email": account.email, "password": "Wrong1aa"})
    assert len(checked) == 2
    assert checked[0][:7] == checked[1][:7]  # same algorithm and cost: "$2b$04$"


def test_production_cost_factor_is_12() -> None:
    from mafqood.core.config import Settings

    assert Settings(_env_file=None).bcrypt_rounds == 12  # type: ignore[call-arg]


async def test_login_validation(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/login", json={"email": "a@example.com"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "password"]


def _forge(claims: dict[str, object], key: str = TEST_SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def _unsigned(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


async def test_me_requires_a_valid_access_token(client: httpx.AsyncClient) -> None:
    account = await register(client)
    now = int(time.time())
    claims = {
        "user_id": account.id,
        "email": account.email,
        "is_venue": False,
        "type": "access",
        "iat": now,
        "exp": now + 60,
    }
    header, _payload, signature = account.token.split(".")
    tampered_payload = (
        base64.urlsafe_b64encode(json.dumps({**claims, "user_id": str(uuid.uuid4())}).encode())
        .rstrip(b"=")
        .decode()
    )
    cases = {
        "no token": ({}, "not_authenticated"),
        "garbage": ({"Authorization": "Bearer abc.def.ghi"}, "invalid_token"),
        "not bearer": ({"Authorization": f"Basic {account.token}"}, "not_authenticated"),
        "expired": (
            {"Authorization": f"Bearer {_forge({**claims, 'iat': now - 7200, 'exp': now - 3600})}"},
            "token_expired",
        ),
        "tampered": (
            {"Authorization": f"Bearer {header}.{tampered_payload}.{signature}"},
            "invalid_token",
        ),
        "alg none": ({"Authorization": f"Bearer {_unsigned(claims)}"}, "invalid_token"),
        "other key": (
            {"Authorization": f"Bearer {_forge(claims, key='x' * 64)}"},
            "invalid_token",
        ),
        "HS512": (
            {"Authorization": f"Bearer {_forge(claims, algorithm='HS512')}"},
            "invalid_token",
        ),
        "refresh as access": (
            {"Authorization": f"Bearer {account.refresh_token}"},
            "invalid_token",
        ),
        "unknown user": (
            {"Authorization": f"Bearer {_forge({**claims, 'user_id': str(uuid.uuid4())})}"},
            "invalid_token",
        ),
    }
    for name, (headers, code) in cases.items():
        response = await client.get("/auth/users/me", headers=headers)
        assert response.status_code == 401, name
        assert response.json()["code"] == code, name
        assert response.headers["www-authenticate"] == "Bearer", name
    ok = await client.get("/auth/users/me", headers=account.headers)
    assert ok.status_code == 200 and ok.json()["id"] == account.id


async def test_refresh_rotates_and_reuse_ends_the_login(client: httpx.AsyncClient) -> None:
    account = await register(client)
    first = await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    assert first.status_code == 200
    rotated = first.json()
    assert set(rotated) >= {"token", "refresh_token"}
    assert rotated["refresh_token"] != account.refresh_token
    me = await client.get("/auth/users/me", headers={"Authorization": f"Bearer {rotated['token']}"})
    assert me.status_code == 200

    # The old token comes back (stolen copy): refused, and the rotated one dies with it.
    reuse = await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    assert reuse.status_code == 401 and reuse.json()["code"] == "token_reused"
    after = await client.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert after.status_code == 401


async def test_reuse_leaves_other_logins_alone(client: httpx.AsyncClient) -> None:
    account = await register(client)
    other = (
        await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    ).json()
    await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    still = await client.post("/auth/refresh", json={"refresh_token": other["refresh_token"]})
    assert still.status_code == 200


async def test_refresh_rejects_bad_tokens(client: httpx.AsyncClient) -> None:
    account = await register(client)
    for token in ("", "garbage", account.token):
        response = await client.post("/auth/refresh", json={"refresh_token": token})
        assert response.status_code in (401, 422), token
    forged = _forge(
        {
            "user_id": account.id,
            "token_id": str(uuid.uuid4()),
            "type": "refresh",
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
        }
    )
    response = await client.post("/auth/refresh", json={"refresh_token": forged})
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"


async def test_logout_revokes(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await client.post("/auth/logout", json={"refresh_token": account.refresh_token})
    assert response.status_code == 200
    assert response.json() == {"message": "Logged out successfully"}
    again = await client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
    assert again.status_code == 401
    bad = await client.post("/auth/logout", json={"refresh_token": "nope"})
    assert bad.status_code == 401
    missing = await client.post("/auth/logout", json={})
    assert missing.status_code == 422


def test_a_token_once_verified_still_expires_and_keeps_its_type(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Verified tokens are kept per process: one used again is not verified again, but it
    stops at its expiry like any other, and is still only good for its own purpose."""
    tokens = TokenService(TEST_SECRET, timedelta(seconds=60), timedelta(days=1), timedelta(hours=1))
    token = tokens.access_token(uuid.uuid4(), "kept@example.com", False)
    claims = tokens.decode(token, "access")
    claims["user_id"] = "changed by a caller"
    assert tokens.decode(token, "access")["user_id"] != "changed by a caller"
    with pytest.raises(TokenError) as refused:
        tokens.decode(token, "refresh")
    assert refused.value.code == "invalid_token"
    later = time.time() + 61
    monkeypatch.setattr(tokens_module.time, "time", lambda: later)
    with pytest.raises(TokenError) as expired:
        tokens.decode(token, "access")
    assert expired.value.code == "token_expired"
