from django.urls import path, register_converter

from . import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IdConverter:
    """A reference number without the format suffix (SKA-0427-3318)."""

    regex = "[^/.]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311fmt")
register_converter(IdConverter, "open311id")

app_name = "open311"

urlpatterns = [
    path("discovery.<open311fmt:fmt>", views.discovery, name="discovery"),
    path("services.<open311fmt:fmt>", views.services, name="services"),
    path("services/<open311id:code>.<open311fmt:fmt>", views.service_definition,
         name="service"),
    path("requests.<open311fmt:fmt>", views.requests, name="requests"),
    path("requests/<open311id:ref>.<open311fmt:fmt>", views.request_detail, name="request"),
]
