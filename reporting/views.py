from django.shortcuts import render

from partnership import roles
from partnership.permissions import role_required


@role_required((roles.CHAIR, roles.BOARD_OFFICER, roles.GRANTS_OFFICER))
def index(request):
    return render(request, "reporting/index.html")
