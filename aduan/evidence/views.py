"""Evidence pages: the public gallery and activity feeds, posting an activity, the
mandate page and the proof warnings list for staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from aduan.complaints import counting, public_face
from aduan.complaints.models import Category
from aduan.org.access import access_for
from aduan.org.models import Official, Unit
from aduan.regions.models import Region

from . import mandate as mandate_rules
from .activity import PostError, create_post, positions
from .checks import for_list
from .forms import ActivityForm
from .models import ActivityPost, BeforeAfter, Photo, ProofWarning

GALLERY_PAGE = 24
FEED_PAGE = 20
MANDATE_PAGE = 100
QUIET_SHOWN = 100  # the longest silences; the full table marks every quiet row
PROOF_PAGE = 50


def _file_response(field) -> HttpResponse:
    if not field:
        raise Http404
    with field.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- public -------------------------------------------------------------------------------

def gallery(request):
    """Resolved complaints with their before/after picture: public copies, masked text."""
    # Identity categories (a KTP or KK may be in the photos) and complaints whose public
    # wording is not settled never show a picture (complaints/public_face.py).
    items = public_face.public_before_afters(BeforeAfter.objects.all())
    chosen = {key: request.GET.get(key, "").strip() for key in ("kecamatan", "kelurahan",
                                                                 "kategori")}
    if chosen["kecamatan"]:
        items = items.filter(kecamatan_id=chosen["kecamatan"])
    if chosen["kelurahan"]:
        items = items.filter(kelurahan_id=chosen["kelurahan"])
    if chosen["kategori"]:
        items = items.filter(category_id=chosen["kategori"])
    items = items.select_related("complaint__category", "complaint__reporter", "category",
                                 "kelurahan", "kecamatan").order_by("-created_at", "-pk")
    paginator = Paginator(items, GALLERY_PAGE)
    paginator.count = counting.count(items)  # the join's COUNT costs ~1.7 s at 1M
    page = paginator.get_page(request.GET.get("hal"))
    for item in page.object_list:
        item.public_text = public_face.public_text(item.complaint) or ""
    kelurahan = Region.objects.filter(level=Region.Level.KELURAHAN, units__isnull=False)
    if chosen["kecamatan"]:
        kelurahan = kelurahan.filter(parent_id=chosen["kecamatan"])
    query = "&".join(f"{k}={v}" for k, v in chosen.items() if v)
    return render(request, "evidence/gallery.html", {
        "page": page, "chosen": chosen, "query": query,
        "kecamatan_list": Region.objects.filter(level=Region.Level.KECAMATAN,
                                                units__isnull=False).distinct()
        .order_by("name").only("code", "name"),
        "kelurahan_list": kelurahan.distinct().order_by("name").only("code", "name"),
        "categories": Category.objects.only("code", "name"),
    })


def before_after_image(request, pk, size):
    if size not in ("full", "thumb"):
        raise Http404
    item = get_object_or_404(BeforeAfter.objects.select_related("complaint__category"), pk=pk)
    if not public_face.before_after_is_public(item):
        raise Http404
    return _file_response(item.image if size == "full" else item.thumb)


def post_image(request, pk):
    post = get_object_or_404(ActivityPost.objects.select_related("complaint__category"), pk=pk,
                             is_public=True)
    if not public_face.post_image_is_public(post):
        raise Http404
    return _file_response(post.image)


def _posts(queryset):
    photos = Photo.objects.select_related("complaint__category", "activity__complaint__category")
    return (queryset.filter(is_public=True)
            .select_related("official", "unit", "complaint__category")
            .prefetch_related(Prefetch("photos", queryset=photos.order_by("created_at", "pk")))
            .order_by("-published_at", "-pk"))


def _public_posts(posts):
    """Each post as the public may see it (complaints/public_face.py)."""
    for post in posts:
        post.public_text = public_face.post_text(post)
        post.public_image = public_face.post_image_is_public(post)
        post.public_photos = public_face.post_photos(post)
    return posts


def _feed(request, queryset, **context):
    page = Paginator(_posts(queryset), FEED_PAGE).get_page(request.GET.get("hal"))
    _public_posts(page.object_list)
    can_post = request.user.is_authenticated and positions(request.user).exists()
    return render(request, "evidence/feed.html", {"page": page, "can_post": can_post,
                                                  **context})


def feed(request):
    return _feed(request, ActivityPost.objects.all())


def feed_unit(request, code):
    unit = get_object_or_404(Unit, code=code)
    return _feed(request, ActivityPost.objects.filter(unit__in=Unit.objects.filter(
        unit.descendants_q())), unit=unit)


def feed_official(request, pk):
    official = get_object_or_404(Official.objects.select_related("unit"), pk=pk)
    return _feed(request, ActivityPost.objects.filter(official=official), official=official)


# --- staff --------------------------------------------------------------------------------

@login_required
def post_new(request):
    mine = positions(request.user)
    if not mine.exists():
        return render(request, "staff/no_position.html", status=403)
    form = ActivityForm(request.POST or None, request.FILES or None, positions=mine)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = create_post(
                user=request.user, official=data["position"], text=data["text"],
                photos=data["photo_bytes"], complaint=data["complaint"],
                is_public=data["is_public"], publish_to_social=data["publish_to_social"])
        except PostError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Kegiatan tersimpan."))
            if post.is_public:
                return redirect("evidence:feed_official", pk=post.official_id)
            return redirect("evidence:post_new")
    return render(request, "evidence/post_new.html", {"form": form})


@login_required
def mandate(request):
    access = access_for(request.user)
    if not mandate_rules.may_view(request.user, access):
        raise PermissionDenied
    try:
        days = int(request.GET.get("hari", mandate_rules.QUIET_DAYS))
        days = max(1, min(mandate_rules.LAST_ACK_DAYS, days))
    except ValueError:
        days = mandate_rules.QUIET_DAYS
    rows = mandate_rules.rows(access, quiet_days=days)
    page = Paginator(rows, MANDATE_PAGE).get_page(request.GET.get("hal"))
    quiet = mandate_rules.quiet(rows)
    return render(request, "evidence/mandate.html", {
        "page": page, "quiet": quiet[:QUIET_SHOWN], "quiet_count": len(quiet),
        "quiet_more": max(0, len(quiet) - QUIET_SHOWN), "days": days, "total": len(rows),
        "measure_days": mandate_rules.MEASURE_DAYS,
    })


@login_required
def proof_list(request):
    access = access_for(request.user)
    if not access.units and not request.user.is_superuser:
        raise PermissionDenied
    warnings = ProofWarning.objects.filter(access.complaint_q("complaint__"))
    kind = request.GET.get("jenis", "")
    if kind in ProofWarning.Kind.values:
        warnings = warnings.filter(kind=kind)
    page = Paginator(for_list(warnings), PROOF_PAGE).get_page(request.GET.get("hal"))
    return render(request, "evidence/proof_list.html", {
        "page": page, "kind": kind, "kinds": ProofWarning.Kind.choices})
