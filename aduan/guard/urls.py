from django.urls import path

from . import twofactor

app_name = "guard"

urlpatterns = [
    path("kode/", twofactor.verify, name="verify"),
    path("2fa/", twofactor.enrol, name="enrol"),
]
