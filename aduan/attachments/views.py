"""Staff open or play an attachment; the public never can (404 for anyone not covering
the complaint, the same rule as the staff complaint page)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from aduan.org.access import access_for

from .models import Attachment
from .store import is_inline


@login_required
def serve(request, pk: int):
    item = get_object_or_404(Attachment.objects.select_related("complaint"), pk=pk)
    if item.complaint is None or not access_for(request.user).sees_complaint(item.complaint):
        raise Http404
    inline = is_inline(item.mime_type)
    response = FileResponse(item.file.open("rb"), as_attachment=not inline,
                            filename=item.file.name.rsplit("/", 1)[-1],
                            content_type=item.mime_type if inline else "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; media-src 'self'"
    return response
