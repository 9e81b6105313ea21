from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("complaints", views.complaints, name="complaints"),
    path("complaints/<str:ref>", views.complaint, name="complaint"),
    path("categories", views.categories, name="categories"),
    path("regions", views.regions, name="regions"),
    path("stats", views.stats, name="stats"),
    path("me/queue", views.my_queue, name="my_queue"),
    path("openapi.json", views.openapi, name="openapi"),
]
