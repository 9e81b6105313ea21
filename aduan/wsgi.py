import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
application = get_wsgi_application()

from aduan.complaints.intake import warm_up  # noqa: E402 - needs the apps loaded above

warm_up()

# The URL map imports every view module (the providers' payload models among them,
# 0.8 s): loaded at start, so the first visitor of each server process does not wait.
get_resolver().url_patterns  # noqa: B018 - loading it is the point
