from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("galeri/", views.gallery, name="gallery"),
    path("foto/sebelum-sesudah/<int:pk>/<str:size>.jpg", views.before_after_image,
         name="before_after_image"),
    path("kegiatan/", views.feed, name="feed"),
    path("kegiatan/unit/<slug:code>/", views.feed_unit, name="feed_unit"),
    path("kegiatan/petugas/<int:pk>/", views.feed_official, name="feed_official"),
    path("kegiatan/<int:pk>/foto.jpg", views.post_image, name="post_image"),
    path("petugas/kegiatan/baru/", views.post_new, name="post_new"),
    path("petugas/mandat/", views.mandate, name="mandate"),
    path("petugas/bukti/", views.proof_list, name="proof_list"),
]
