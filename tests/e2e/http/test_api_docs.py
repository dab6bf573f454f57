"""/api-docs: Swagger UI loads the generated document (the UI fetches /api-docs/swagger.json)."""

from __future__ import annotations


async def test_swagger_ui_is_handed_the_generated_document(app_client) -> None:  # type: ignore[no-untyped-def]
    served = await app_client.get("/api-docs/swagger.json")
    assert served.status == 200, await served.text()
    assert served.content_type == "application/json"
    assert await served.json() == await (await app_client.get("/openapi.json")).json()
    page = await (await app_client.get("/api-docs")).text()
    assert '"/api-docs/swagger.json"' in page  # the URL the page's script loads
