"""Page helpers shared by every app's views."""

from django.shortcuts import render


def form_page(request, form, *, title, crumbs, cancel_url, submit="Save", intro=""):
    """The one page that shows a single form: heading, errors, the form, save and cancel.

    ``crumbs`` is a list of (label, url) pairs shown after "Dashboard".
    """
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": title,
            "crumbs": crumbs,
            "cancel_url": cancel_url,
            "submit": submit,
            "intro": intro,
        },
    )


class FilterPageMixin:
    """Context for a paginated, filtered list: page links that keep the filters (see
    templates/includes/pagination.html) and ``filtered``, whether any filter is set."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        page = context.get("page_obj")
        context.update(
            page_numbers=(
                page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
                if page is not None
                else []
            ),
            filter_query=query.urlencode(),
            filtered=any(query.values()),
        )
        return context
