from django.shortcuts import render

from partnership import roles
from partnership.permissions import role_required


@role_required((roles.BOARD_OFFICER, roles.CHAIR))
def index(request):
    return render(request, "boards/index.html")
