"""Fixed addresses of the case-panel pages that e-mails link to.

Background jobs have no request to build links from, and an e-mail about a case must carry no
case details, so the messages point at these list pages and nothing more specific. The pages'
``urls.py`` must serve exactly these paths (a test there can compare them with ``reverse``).
"""

from django.conf import settings

# Overdue actions of the panels the signed-in member sits on, grouped by agency.
OVERDUE_ACTIONS_PATH = "/reviews/actions/overdue/"
# Closed cases past their retention period, awaiting a coordinator's approval to erase them.
DISPOSALS_PATH = "/reviews/disposals/"


def site_link(path: str) -> str:
    return settings.SITE_URL + path
