from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import BenchRow


@csrf_exempt
@require_POST
def insert(request):
    BenchRow.objects.create(body=request.body[:200].decode("utf-8", "replace"))
    return HttpResponse("ok")


urlpatterns = [path("bench/insert/", insert), path("", include("aduan.urls"))]
