"""Boards, partner organisations, people, memberships and terms of reference."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone

from partnership.downloads import attachment
from partnership.pages import form_page

from ..forms import BoardForm, MembershipForm, OrganisationForm, PersonForm, TermsOfReferenceForm
from ..models import Board, Membership, Organisation, Person, TermsOfReference
from ..permissions import can_manage_boards, get_board_for_user, visible_boards
from .common import managed_board, require_manager


def _boards_crumb():
    return ("Boards", reverse("boards:index"))


@login_required
def index(request):
    today = timezone.localdate()
    boards = (
        visible_boards(request.user)
        .select_related("parent")
        .annotate(
            members_now=Count(
                "memberships",
                filter=Q(memberships__start_date__lte=today)
                & (Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today)),
                distinct=True,
            )
        )
        .order_by("kind", "name")
    )
    return render(
        request,
        "boards/index.html",
        {"boards": boards, "can_manage": can_manage_boards(request.user)},
    )


@login_required
def board_detail(request, pk):
    board = get_board_for_user(request.user, pk)
    today = timezone.localdate()
    members = (
        Membership.objects.on(today)
        .filter(board=board)
        .select_related("person", "organisation", "deputy")
        .order_by("organisation__name", "person__full_name")
    )
    meetings = board.meetings.order_by("-starts_at")
    terms = list(board.terms_of_reference.all())
    return render(
        request,
        "boards/board_detail.html",
        {
            "board": board,
            "members": members,
            "upcoming": meetings.filter(starts_at__date__gte=today).order_by("starts_at"),
            "past": meetings.filter(starts_at__date__lt=today)[:12],
            "terms": terms,
            "current_terms": terms[0] if terms else None,
            "sub_boards": board.sub_boards.all(),
            "plans": board.plans.all(),
            "can_manage": can_manage_boards(request.user),
            "today": today,
            "feed_url": request.build_absolute_uri(
                reverse("boards:board_feed", args=[board.calendar_token])
            ),
        },
    )


@login_required
def board_edit(request, pk=None):
    if pk:
        board = managed_board(request.user, pk)
    else:
        require_manager(request.user)
        board = Board()
    form = BoardForm(request.POST or None, instance=board)
    if request.method == "POST" and form.is_valid():
        board = form.save()
        messages.success(request, f"Saved {board.name}.")
        return redirect(board)
    return form_page(
        request,
        form,
        title=f"Edit {board.name}" if pk else "Add a board",
        crumbs=[_boards_crumb()] + ([(board.display_name, board.get_absolute_url())] if pk else []),
        cancel_url=board.get_absolute_url() if pk else reverse("boards:index"),
    )


@login_required
def membership_edit(request, board_pk, pk=None):
    board = managed_board(request.user, board_pk)
    membership = (
        get_object_or_404(Membership, pk=pk, board=board)
        if pk
        else Membership(board=board, start_date=timezone.localdate())
    )
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        membership = form.save()
        messages.success(request, f"Saved the membership of {membership.person.full_name}.")
        return redirect(board)
    return form_page(
        request,
        form,
        title=f"Edit the membership of {membership.person.full_name}" if pk else "Add a member",
        crumbs=[_boards_crumb(), (board.display_name, board.get_absolute_url())],
        cancel_url=board.get_absolute_url(),
        intro="Ending a membership keeps its past attendance: set an end date, do not delete.",
    )


@login_required
def terms_add(request, board_pk):
    board = managed_board(request.user, board_pk)
    form = TermsOfReferenceForm(
        request.POST or None, request.FILES or None, instance=TermsOfReference(board=board)
    )
    if request.method == "POST" and form.is_valid():
        terms = form.save()
        messages.success(request, f"Added terms of reference {terms.version}.")
        return redirect(board)
    return form_page(
        request,
        form,
        title="Add terms of reference",
        crumbs=[_boards_crumb(), (board.display_name, board.get_absolute_url())],
        cancel_url=board.get_absolute_url(),
        intro="Terms of reference are reviewed every twelve months; left blank, the review "
        "date is set a year after approval.",
    )


@login_required
def terms_download(request, pk):
    terms = get_object_or_404(TermsOfReference, pk=pk)
    get_board_for_user(request.user, terms.board_id)
    return attachment(terms.document, filename=terms.original_name)


@login_required
def organisation_list(request):
    require_manager(request.user)
    organisations = Organisation.objects.annotate(people_count=Count("people")).order_by("name")
    people = Person.objects.select_related("organisation", "user").order_by("full_name")
    return render(
        request,
        "boards/organisations.html",
        {"organisations": organisations, "people": people},
    )


def _list_form(request, model, form_class, pk, noun):
    require_manager(request.user)
    instance = get_object_or_404(model, pk=pk) if pk else model()
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Saved {saved}.")
        return redirect("boards:organisation_list")
    return form_page(
        request,
        form,
        title=f"Edit {instance}" if pk else f"Add {noun}",
        crumbs=[_boards_crumb(), ("Organisations and people", reverse("boards:organisation_list"))],
        cancel_url=reverse("boards:organisation_list"),
    )


@login_required
def organisation_edit(request, pk=None):
    return _list_form(request, Organisation, OrganisationForm, pk, "an organisation")


@login_required
def person_edit(request, pk=None):
    return _list_form(request, Person, PersonForm, pk, "a person")


urlpatterns = [
    path("", index, name="index"),
    path("new/", board_edit, name="board_create"),
    path("<int:pk>/", board_detail, name="board_detail"),
    path("<int:pk>/edit/", board_edit, name="board_edit"),
    path("<int:board_pk>/members/new/", membership_edit, name="membership_create"),
    path("<int:board_pk>/members/<int:pk>/", membership_edit, name="membership_edit"),
    path("<int:board_pk>/terms/new/", terms_add, name="terms_add"),
    path("terms/<int:pk>/download/", terms_download, name="terms_download"),
    path("organisations/", organisation_list, name="organisation_list"),
    path("organisations/new/", organisation_edit, name="organisation_create"),
    path("organisations/<int:pk>/", organisation_edit, name="organisation_edit"),
    path("people/new/", person_edit, name="person_create"),
    path("people/<int:pk>/", person_edit, name="person_edit"),
]
