"""The JSON body parser of every route refuses what the databases cannot store alike: 400, nothing
written, the same on PostgreSQL and SQLite.

``POST /credits/spend`` took ``metadata`` with integers beyond 64 bits (a 500 everywhere: orjson
refused them inside a validator) and ``NaN``/``Infinity``/``1e400`` (201 on SQLite, which kept
them; 500 on PostgreSQL, whose jsonb refuses them).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import bearer
from tests.e2e.credits.test_credits_routes import grant, user_id_of

MAX_INT64 = 2**63 - 1


async def _spend_raw(client: Any, t: str, metadata_json: str, key: str) -> Any:
    body = '{"amount": 5, "purpose": "ai call", "metadata": ' + metadata_json + "}"
    return await client.post(
        "/api/v1/credits/spend",
        data=body.encode(),
        headers={**bearer(t), "Content-Type": "application/json", "Idempotency-Key": key},
    )


async def _history(client: Any, t: str) -> list[Any]:
    resp = await client.get("/api/v1/credits/history", headers=bearer(t))
    data: list[Any] = (await resp.json())["data"]
    return data


@pytest.mark.parametrize(
    ("metadata", "field", "message"),
    [
        ('{"n": NaN}', "metadata.n", "finite"),
        ('{"n": Infinity}', "metadata.n", "finite"),
        ('{"n": -Infinity}', "metadata.n", "finite"),
        ('{"n": 1e400}', "metadata.n", "finite"),
        ('{"n": 18446744073709551616}', "metadata.n", "integers must lie within"),
        ('{"n": -9223372036854775809}', "metadata.n", "integers must lie within"),
        ('{"a": [1, {"b": 123456789012345678901234567890}]}', "metadata.a.1.b", "integers"),
    ],
)
async def test_spend_metadata_no_database_stores_alike_is_a_400_and_spends_nothing(
    app_client: Any, token: Any, metadata: str, field: str, message: str
) -> None:
    t, admin = token(), token(admin=True)
    assert (await grant(app_client, admin, await user_id_of(app_client, t), 50)).status == 201
    resp = await _spend_raw(app_client, t, metadata, "unstorable")
    assert resp.status == 400, await resp.text()
    body = await resp.json()
    assert body["success"] is False and body["error"]["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in body["error"]["details"]] == [field]
    assert message in body["error"]["details"][0]["message"]
    balance = await (await app_client.get("/api/v1/credits/balance", headers=bearer(t))).json()
    assert balance["data"]["balance"] == 50
    assert [e["type"] for e in await _history(app_client, t)] == ["BONUS"]
    # The key was never used: the same key with storable metadata spends.
    ok = await _spend_raw(app_client, t, '{"n": 1}', "unstorable")
    assert ok.status == 201 and "Idempotent-Replayed" not in ok.headers


async def test_spend_metadata_at_the_64_bit_edges_is_stored_on_both_databases(
    app_client: Any, token: Any
) -> None:
    t, admin = token(), token(admin=True)
    await grant(app_client, admin, await user_id_of(app_client, t), 50)
    metadata = f'{{"max": {MAX_INT64}, "min": {-MAX_INT64 - 1}, "big": 1.5e308, "tiny": 5e-324}}'
    resp = await _spend_raw(app_client, t, metadata, "edges")
    assert resp.status == 201, await resp.text()


async def test_a_nan_anywhere_in_any_body_is_refused_before_validation(
    app_client: Any, token: Any
) -> None:
    """The check belongs to the parser every route uses, not to one schema."""
    resp = await app_client.put(
        "/api/v1/settings",
        data=b'{"wantToGetFeedbackMail": NaN}',
        headers={**bearer(token()), "Content-Type": "application/json"},
    )
    assert resp.status == 400
    body = await resp.json()
    assert body["error"]["details"][0]["field"] == "wantToGetFeedbackMail"
