"""Patient inquiries as the clinic's members see them: newest first, read or unread."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinics.models import Inquiry

INQUIRIES_PER_PAGE = 20


@login_required
def inquiry_list(request: HttpRequest) -> HttpResponse:
    inquiries = Inquiry.objects.visible_to(request.user).select_related("clinic").order_by("-created_at", "-pk")
    try:
        page = Paginator(inquiries, INQUIRIES_PER_PAGE).page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        raise Http404("No such page of inquiries.") from None
    return render(request, "clinics/owner/inquiries.html", {"page": page})


@login_required
@require_POST
def inquiry_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one inquiry read (or unread again with read=0)."""
    inquiry = get_object_or_404(Inquiry.objects.visible_to(request.user), pk=pk)
    inquiry.read_at = None if request.POST.get("read") == "0" else (inquiry.read_at or timezone.now())
    inquiry.save(update_fields=["read_at"])
    return redirect("owner:inquiries")
