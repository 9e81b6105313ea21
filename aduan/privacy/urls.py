from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privasi/", views.notice, name="notice"),
    path("tentang/", views.about, name="about"),
    path("petugas/aduan/<str:ref>/kontak/", views.reveal, name="reveal"),
]
