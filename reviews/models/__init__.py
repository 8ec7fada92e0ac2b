from .access import AccessLog
from .cases import (
    CATEGORY_FIELDS,
    IDENTIFYING_FIELDS,
    PERSONAL_FIELDS,
    Case,
    CaseAction,
    CaseActionUpdate,
    CaseListing,
    ConfidentialityAgreement,
    current_panel_ids,
)
from .panels import PanelRules

__all__ = [
    "CATEGORY_FIELDS",
    "IDENTIFYING_FIELDS",
    "PERSONAL_FIELDS",
    "AccessLog",
    "Case",
    "CaseAction",
    "CaseActionUpdate",
    "CaseListing",
    "ConfidentialityAgreement",
    "PanelRules",
    "current_panel_ids",
]
