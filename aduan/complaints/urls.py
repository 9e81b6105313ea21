from django.urls import path

from . import views

app_name = "citizen"

urlpatterns = [
    path("aduan/baru/", views.new, name="new"),
    path("aduan/cari/", views.lookup, name="lookup"),
    path("aduan/<str:ref>/", views.public, name="public"),
    path("lacak/<str:token>/", views.track, name="track"),
    path("lacak/<str:token>/konfirmasi/", views.confirm, name="confirm"),
    path("lacak/<str:token>/belum-beres/", views.reopen, name="reopen"),
    path("lacak/<str:token>/nilai/", views.rate, name="rate"),
    path("lacak/<str:token>/tambah/", views.add_info, name="add"),
    path("wilayah/kelurahan.geojson", views.boundaries, name="boundaries"),
]
