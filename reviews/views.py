from django.shortcuts import render

from partnership import roles
from partnership.permissions import role_required


@role_required((roles.PANEL_COORDINATOR,))
def index(request):
    return render(request, "reviews/index.html")
