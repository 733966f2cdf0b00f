def test_schema_declares_bearer_auth(api_client, db):
    schema = api_client.get("/api/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_needs_no_cdn(api_client, db):
    page = api_client.get("/api/apidocs/").content.decode()
    assert "cdn.jsdelivr" not in page
    assert "swagger-ui" in page
