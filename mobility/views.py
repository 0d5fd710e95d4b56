from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, Prefetch, Q, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.middleware import office_rights
from accounts.roles import may_apply, may_apply_to, may_confirm_selection, may_decide, may_review
from config.files import private_file_response
from config.pagecache import cached_page
from config.personalcache import personal_page
from partnerships.models import Partner

from . import exports, forms, services
from .forms import AboutForm, DocumentsForm, HostsForm, MotivationForm, ReviewForm, SubmitForm, WithdrawForm
from .models import Application, ApplicationDocument, ExchangeCall, HostChoice, Review, detect_format

PAGE_SIZE = 20
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
RANKING_PAGE_SIZE = 100
STEPS = [
    ("about", gettext_lazy("About you")),
    ("hosts", gettext_lazy("Host institutions")),
    ("motivation", gettext_lazy("Motivation")),
    ("documents", gettext_lazy("Documents")),
    ("submit", gettext_lazy("Check and submit")),
]


@cached_page("mobility", "partnerships")
def call_list(request):
    """Open exchange calls, filterable by mobility type, level and host institution."""
    calls = ExchangeCall.objects.open().prefetch_related("partners")
    form = forms.CallFilterForm(request.GET)
    filters = form.chosen()
    if filters["type"]:
        calls = calls.filter(mobility_type=filters["type"])
    if filters["level"]:
        # Levels are a short JSON list: matched in Python-free SQL on PostgreSQL and SQLite alike.
        calls = calls.filter(levels__icontains=f'"{filters["level"]}"')
    if filters["partner"]:
        calls = calls.filter(partners=filters["partner"])
    hosts = Partner.objects.filter(calls__in=ExchangeCall.objects.open()).distinct().order_by("name")
    page = Paginator(calls.distinct(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mobility/call_list.html",
        {
            "page": page,
            "filters": form.as_text(),
            "types": ExchangeCall.MobilityType.choices,
            "levels": ExchangeCall.Level.choices,
            "hosts": hosts,
        },
    )


@cached_page("mobility", "partnerships")
def call_detail(request, slug):
    call = get_object_or_404(
        ExchangeCall.objects.published().prefetch_related("partners", "criteria", "faculties", "priority_categories"),
        slug=slug,
    )
    now = timezone.now()
    application = None
    if request.user.is_authenticated:
        # The current application, else the last withdrawn one (its applicant may start again while the call is open).
        application = (
            Application.objects.filter(call=call, applicant=request.user)
            .order_by(Case(When(status=Application.Status.WITHDRAWN, then=1), default=0), "-created_at")
            .first()
        )
    return render(
        request,
        "mobility/call_detail.html",
        {
            "call": call,
            "is_open": call.is_open(now),
            "not_yet_open": now < call.opens_at,
            "application": application,
            "may_apply": may_apply(request.user),
            "admitted": may_apply_to(request.user, call),
            "who_may_apply": services.who_may_apply(call),
        },
    )


@require_POST
@login_required
def apply(request, slug):
    call = get_object_or_404(ExchangeCall.objects.published(), slug=slug)
    try:
        application = services.start_application(call, applicant=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(call)
    except PermissionDenied:
        messages.error(request, _("Only students and university staff can apply."))
        return redirect(call)
    if application.status != Application.Status.DRAFT:
        return redirect(application)
    return redirect("mobility:application_step", pk=application.pk, step="about")


def _own_application(request, pk, *, to_show=True):
    """The signed-in user's own application; anybody else's is answered as if it did not exist.

    With everything its pages show, or (`to_show=False`, for a save that answers with a redirect) with its call only.
    """
    applications = Application.objects.select_related("call")
    if to_show:
        applications = applications.select_related("faculty", "priority_category", "host").prefetch_related(
            "call__faculties",
            "call__partners",
            "call__priority_categories",
            Prefetch("choices", queryset=HostChoice.objects.select_related("partner")),
            "documents",
        )
    return get_object_or_404(applications, pk=pk, applicant=request.user)


@login_required
@personal_page("mobility", "partnerships")
def my_applications(request):
    applications = (
        Application.objects.filter(applicant=request.user)
        .select_related("call", "host")
        .prefetch_related("call__faculties", "choices", "documents")
        .order_by("-created_at")
    )
    return render(request, "mobility/application_list.html", {"applications": applications})


@login_required
def application_detail(request, pk):
    application = _own_application(request, pk)
    transitions = application.transitions.select_related("by")
    return render(
        request,
        "mobility/application_detail.html",
        {
            "application": application,
            "transitions": transitions,
            "missing": application.missing_items() if application.status == Application.Status.DRAFT else [],
            "failures": application.eligibility_failures(),
            "steps": STEPS,
        },
    )


@login_required
def application_step(request, pk, step):
    """One step of the application form; every valid save is kept at once as the draft."""
    # A save needs the draft and its call; the page (shown on GET or with errors) is read afresh with all it shows.
    application = _own_application(request, pk, to_show=request.method != "POST")
    names = [name for name, _label in STEPS]
    if step not in names:
        raise Http404
    if not application.is_editable:
        return redirect(application)  # its page says why: submitted already, or the deadline has passed
    call = application.call
    if not may_apply_to(request.user, call):
        messages.error(request, services.who_may_apply(call))
        return redirect(application)
    form = _step_form(step, application, request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                _save_step(step, application, form, request)
            except ValidationError as error:
                if getattr(error, "code", None) in {"closed", "not_a_draft"}:
                    # The deadline passed (on the server's clock) or it was submitted while this save was on its
                    # way: refused like any save after it, on the application's page that says why.
                    return redirect(application)
                form.add_error(None, error)
            if not form.errors:
                if step == "submit":
                    messages.success(request, _("Your application has been submitted."))
                    return redirect(application)
                messages.success(request, _("Your draft is saved."))
                if "stay" in request.POST:
                    return redirect("mobility:application_step", pk=pk, step=step)
                return redirect("mobility:application_step", pk=pk, step=names[names.index(step) + 1])
        if form.errors:
            messages.error(request, _("Please correct the errors below; the other steps are saved."))
    if request.method == "POST":
        # Validation wrote the refused values onto the instance: show the checks of what is really saved.
        application = _own_application(request, pk)
    return render(
        request,
        "mobility/application_form.html",
        {
            "application": application,
            "call": call,
            "form": form,
            "step": step,
            "steps": STEPS,
            "step_label": dict(STEPS)[step],
            "missing": application.missing_items(),
            "failures": application.eligibility_failures(),
        },
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )


def _step_form(step, application, data, files):
    call = application.call
    if step == "about":
        return AboutForm(data, instance=application, call=call)
    if step == "hosts":
        return HostsForm(data, call=call, choices=application.choices.all())
    if step == "motivation":
        return MotivationForm(data, instance=application)
    if step == "documents":
        return DocumentsForm(data, files, call=call)
    return SubmitForm(data)


def _save_step(step, application, form, request):
    if step in {"about", "motivation"}:
        services.save_draft(application, values=form.cleaned_data)
    elif step == "hosts":
        services.choose_hosts(application, partners=form.cleaned_data["partners"])
    elif step == "documents":
        files = {kind: file for kind, file in form.cleaned_data.items() if file}
        refused = services.upload_documents(application, files=files)
        if closed := [error for error in refused.values() if getattr(error, "code", None) in {"closed", "not_a_draft"}]:
            raise closed[0]
        for kind, error in refused.items():
            form.refuse(kind, files[kind], error)
        if refused and (stored := len(files) - len(refused)):
            messages.success(
                request,
                ngettext("%(count)d file is saved.", "%(count)d files are saved.", stored) % {"count": stored},
            )
    else:
        services.submit_application(application, by=request.user)


@login_required
def withdraw(request, pk):
    """Withdraw after confirming on a page that says what is lost: a draft is deleted, a nomination given up."""
    application = _own_application(request, pk)
    if application.status == Application.Status.WITHDRAWN:
        messages.info(request, _("This application is withdrawn already."))
        return redirect(application)
    if not application.can_be_withdrawn:
        messages.error(request, _("After a final decision, ask the international office."))
        return redirect(application)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        call = application.call
        try:
            comment = form.cleaned_data["comment"]
            withdrawn = services.withdraw_application(application, by=request.user, comment=comment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(application)
        if withdrawn is None:
            messages.success(request, _("Your draft is deleted."))
            return redirect(call)
        if call.is_open():
            messages.success(request, _("Your application is withdrawn. You may apply again until the deadline."))
        else:
            messages.success(request, _("Your application is withdrawn."))
        return redirect(withdrawn)
    return render(
        request,
        "mobility/application_withdraw.html",
        {"application": application, "form": form},
        status=400 if form.errors else 200,
    )


@office_rights
@login_required
def document_download(request, pk):
    """An applicant's document, for the applicant, the call's reviewers and office staff only."""
    document = get_object_or_404(ApplicationDocument.objects.select_related("application__call"), pk=pk)
    application = document.application
    user = request.user
    if application.applicant_id != user.pk and not (
        application.status != Application.Status.DRAFT and may_review(user, application.call)
    ):
        # The same answer as for a document that does not exist: guessing numbers reveals nothing.
        raise Http404
    # The type comes from the content checked at upload, never from the name the applicant gave the file.
    content_type = CONTENT_TYPES.get(detect_format(document.file.open("rb")), "application/octet-stream")
    return private_file_response(document.file, content_type=content_type, filename=document.original_name)


@office_rights
@login_required
def review_list(request):
    """The calls this user reviews, with their number of applications and of those the user has scored."""
    if not request.user.is_staff:
        raise Http404
    submitted = ~Q(applications__status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
    calls = ExchangeCall.objects.reviewable_by(request.user).annotate(
        submitted=Count("applications", filter=submitted, distinct=True),
        scored=Count(
            "applications__reviews", filter=submitted & Q(applications__reviews__reviewer=request.user), distinct=True
        ),
    )
    return render(request, "mobility/review_list.html", {"calls": calls.order_by("-closes_at")})


@office_rights
@login_required
def review_call(request, slug):
    """A call's applications ranked by score, with the proposed nominees and waiting list."""
    call = get_object_or_404(ExchangeCall.objects.reviewable_by(request.user), slug=slug)
    ranking = services.rank_applications(call)
    mine = set(
        Review.objects.filter(application__call=call, reviewer=request.user).values_list("application", flat=True)
    )
    hosts = list(call.partners.all())
    page = Paginator(ranking.entries, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mobility/review_call.html",
        {
            "call": call,
            "ranking": ranking,
            "page": page,
            "mine": mine,
            "hosts": hosts,
            "may_decide": may_decide(request.user),
            "may_confirm": may_confirm_selection(request.user, call),
            "has_closed": call.has_closed(),
        },
    )


@office_rights
@login_required
@personal_page("mobility", "partnerships")
def review_application(request, pk):
    """Score one application criterion by criterion; reviewers see its answers and documents."""
    application = get_object_or_404(
        Application.objects.reviewable_by(request.user)
        .select_related("applicant", "call", "faculty", "priority_category", "host")
        .prefetch_related(Prefetch("choices", queryset=HostChoice.objects.select_related("partner")), "documents"),
        pk=pk,
    )
    criteria = list(application.call.criteria.all())
    review = Review.objects.filter(application=application, reviewer=request.user).prefetch_related("scores").first()
    form = ReviewForm(request.POST or None, criteria=criteria, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_review(
                application, reviewer=request.user, points=form.points(), comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("mobility:review_call", slug=application.call.slug)
    return render(
        request,
        "mobility/review_application.html",
        {"application": application, "form": form, "criteria": criteria},
        status=400 if form.errors else 200,
    )


@office_rights
@require_POST
@login_required
def confirm_selection(request, slug):
    call = get_object_or_404(ExchangeCall.objects.reviewable_by(request.user), slug=slug)
    if not may_decide(request.user):
        raise Http404
    try:
        ranking = services.confirm_selection(call, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        nominated = ngettext(
            "%(count)d applicant is nominated.", "%(count)d applicants are nominated.", ranking.nominated
        ) % {"count": ranking.nominated}
        waiting = ngettext(
            "%(count)d applicant is on the waiting list.",
            "%(count)d applicants are on the waiting list.",
            ranking.waiting,
        ) % {"count": ranking.waiting}
        messages.success(
            request,
            _("The selection is confirmed. %(nominated)s %(waiting)s") % {"nominated": nominated, "waiting": waiting},
        )
    return redirect("mobility:review_call", slug=slug)


@office_rights
@login_required
def close_call_early(request, slug):
    """Office staff close a call's applications before its deadline, after confirming on a page that says what it
    does; the selection can then be confirmed."""
    call = get_object_or_404(ExchangeCall.objects.reviewable_by(request.user), slug=slug)
    if not may_decide(request.user):
        raise Http404
    if request.method == "POST":
        try:
            services.close_call_early(call, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Applications to this call are closed: the selection can now be confirmed."))
        return redirect("mobility:review_call", slug=slug)
    if not may_confirm_selection(request.user, call):
        raise PermissionDenied  # nobody closes a call they applied to
    if call.has_closed():
        messages.info(request, _("Applications to this call are already closed."))
        return redirect("mobility:review_call", slug=slug)
    return render(request, "mobility/review_close.html", {"call": call})


@office_rights
@login_required
def nominees_export(request, slug, host, fmt):
    """The nominees to one host as XLSX or PDF, in the host's preferred language."""
    call = get_object_or_404(ExchangeCall.objects.reviewable_by(request.user), slug=slug)
    if not may_decide(request.user) or fmt not in {"xlsx", "pdf"}:
        raise Http404
    partner = get_object_or_404(call.partners.all(), pk=host)
    nominees = list(call.applications.nominees_to(partner))
    content, content_type, extension = exports.nominee_list(call, partner, nominees, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="nominees-{call.slug}-{partner.slug}.{extension}"'
    return response
