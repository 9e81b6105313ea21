"""No reporter name, phone, e-mail, NIK, address, original text or token in the public API."""

from aduan.api.tests.fixtures import assert_no_secrets

PATHS = ["/api/v1/complaints", "/api/v1/complaints/{ref}",
         "/api/v1/complaints?kelurahan=33.72.02.1007", "/api/v1/stats", "/metrics"]


def test_public_api_and_staff_queue_show_no_personal_data(client, secret_complaint, login,
                                                          settings):
    settings.ADUAN_METRICS_TOKEN = "prometheus-scrape-token"
    from aduan.complaints import actions

    actions.assign(secret_complaint, secret_complaint.owner, None,
                   reason="Pelapor Bambang Sutrisno minta dihubungi di 081298765432")
    for path in PATHS:
        headers = {"Authorization": "Bearer prometheus-scrape-token"} if path == "/metrics" \
            else {}
        response = client.get(path.format(ref=secret_complaint.ref), headers=headers)
        assert response.status_code == 200, path
        assert_no_secrets(response.content.decode(), secret_complaint)
    detail = client.get(f"/api/v1/complaints/{secret_complaint.ref}").json()
    assert "Lampu jalan" in detail["text"]
    assert "[NIK]" in detail["text"] and "[NAMA]" in detail["text"]
    login("tim")
    body = client.get("/api/v1/me/queue").content.decode()
    assert secret_complaint.ref in body
    assert_no_secrets(body, secret_complaint)
