from meedoen.accounts import two_factor
from meedoen.accounts.models import Role


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    role = user.role
    if hasattr(request, "session") and two_factor.pending_step(request):
        # During the code or enrolment step the menu would only lead back here: show no menu.
        return {"nav_role": role, "two_factor_pending": True}
    return {
        "nav_role": role,
        "nav_can_search": role in (Role.CASEWORKER, Role.TEAM_LEAD, Role.NEIGHBOURHOOD_WORKER),
        "nav_has_caseload": role == Role.CASEWORKER,
        "nav_is_team_lead": role == Role.TEAM_LEAD,
        "nav_is_admin": role == Role.ADMINISTRATOR or user.is_superuser,
        "nav_is_analyst": role in (Role.ANALYST, Role.ADMINISTRATOR),
    }
