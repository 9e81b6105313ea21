from aduan.api.tests.fixtures import api_key, secret_complaint  # noqa: F401
