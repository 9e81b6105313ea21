from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.dead, name="dead"),
    path("<int:pk>/ulang/", views.retry, name="retry"),
]
