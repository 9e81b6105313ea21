from django.urls import path

from . import views

urlpatterns = [
    path("petugas/lampiran/<int:pk>/", views.serve, name="attachment"),
]
