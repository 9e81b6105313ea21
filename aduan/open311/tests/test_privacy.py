"""No reporter name, phone, e-mail, NIK, address, original text or token in any public answer."""

from aduan.api.tests.fixtures import assert_no_secrets

PATHS = [
    "/open311/v2/requests.json", "/open311/v2/requests.xml",
    "/open311/v2/requests/{ref}.json", "/open311/v2/requests/{ref}.xml",
    "/open311/v2/requests.json?service_request_id={ref}",
]


def test_open311_shows_no_personal_data(client, secret_complaint):
    from aduan.complaints import actions

    # a public timeline note quoting the reporter, too
    actions.assign(secret_complaint, secret_complaint.owner, None,
                   reason="Pelapor Bambang Sutrisno minta dihubungi di 081298765432")
    for path in PATHS:
        response = client.get(path.format(ref=secret_complaint.ref))
        assert response.status_code == 200
        body = response.content.decode()
        assert secret_complaint.ref in body, path
        assert_no_secrets(body, secret_complaint)
        assert "Lampu jalan" in body  # the complaint itself is still there
