from django.urls import path

from . import public

app_name = "stats_public"

urlpatterns = [
    path("statistik/", public.statistics, name="statistics"),
    path("statistik/unit/<int:pk>/", public.unit_card, name="unit"),
    path("peta/", public.map_page, name="map"),
    path("peta/titik.json", public.map_points, name="map_points"),
]
