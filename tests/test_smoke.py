def test_api_root_names_zou(api_client, db):
    response = api_client.get("/api/")
    assert response.status_code == 200
    assert response.json()["api"] == "Zou"
