from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from aduan.complaints import views as citizen_views
from aduan.guard import twofactor

urlpatterns = [
    path("", citizen_views.home, name="home"),
    path("", include("aduan.complaints.urls")),
    path("", include("aduan.channels.urls")),
    path("", include("aduan.evidence.urls")),
    path("", include("aduan.attachments.urls")),
    path("foto/<int:pk>/<str:size>.jpg", citizen_views.photo, name="photo"),
    path("", include("aduan.privacy.urls")),
    path("petugas/antrean-kerja/", include("aduan.jobs.urls")),
    path("petugas/", include("aduan.dashboard.urls")),
    path("", include("aduan.dashboard.public_urls")),
    path("masuk/", twofactor.LoginView.as_view(), name="login"),
    path("masuk/", include("aduan.guard.urls")),
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", citizen_views.healthz, name="healthz"),
    path("open311/v2/", include("aduan.open311.urls")),
    path("api/v1/", include("aduan.api.urls")),
    path("metrics", include("aduan.api.metrics")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
