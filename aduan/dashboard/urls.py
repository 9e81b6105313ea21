from django.urls import path

from . import command, views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("triase/", views.inbox, name="inbox"),
    path("notifikasi/", views.notifications, name="notifications"),
    path("dasbor/", command.command_centre, name="command_centre"),
    path("unit/<int:pk>/", command.unit_card, name="unit_card"),
    path("laporan/", command.report_download, name="report"),
    path("aduan/<str:ref>/", views.detail, name="detail"),
    path("aduan/<str:ref>/<str:action>/", views.act, name="act"),
    path("foto/<int:pk>/asli", views.photo_original, name="photo_original"),
]
