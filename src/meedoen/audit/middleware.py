"""The one audit layer every request passes: no read of personal data and no refusal goes unlogged.

Views and services keep writing their own, specific entries (which dossier, which letter, which search). This
middleware is the guarantee behind them. After the view has answered, for a logged-in user:
- a refusal (403), or an object URL that answered 404 (an id that is unknown or not the user's: a probe), that left
  no refusal in the trail gets a `denied` entry;
- any other answer (a page, a form re-shown with errors as 400 or 409, a POST) from a view that wrote no entry at all
  gets an entry (`view`, or `update` for a POST that redirects) — only redirects of a GET and 401/404/405 show
  nothing — naming the dossier the access layer opened (`note_resident`) or
  the residents a list showed (`note_shown`).
Only views marked `no_personal_data` (and the few framework URLs below) are not logged on a read. The URL-walking
test (meedoen.audit.tests.test_url_walk) requests every URL pattern as every role and fails when a refusal or a read
of a page that is not marked leaves no entry, or when a marked page shows a resident.

It also sets `Cache-Control: no-store, private` on every page (static files are served before it): pages with personal
data must not stay in a shared browser's or proxy's cache, and a booking link's page is personal without a login.
"""
from django.db import connection
from django.utils.cache import add_never_cache_headers, patch_cache_control

from . import services
from .models import AuditEntry

# Framework views that show no personal data (they cannot carry the decorator).
EXEMPT_URL_NAMES = frozenset({
    "set_language", "api-schema", "api-docs", "api:api-root", "admin:jsi18n", "accounts:logout",
})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Answers that show nothing of a dossier. A 400 or 409 is not among them: a form with errors re-shows the dossier.
NOTHING_SHOWN = frozenset({401, 404, 405})


def view_is_exempt(view_func, url_name):
    if url_name in EXEMPT_URL_NAMES:
        return True
    for candidate in (view_func, getattr(view_func, "view_class", None), getattr(view_func, "cls", None)):
        if candidate is not None and getattr(candidate, "audit_exempt", False):
            return True
    return False


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.audit_written = []
        request.audit_atomic_depth = len(connection.atomic_blocks)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._complete(request, response)
        # Static files never get here (WhiteNoise answers them first): every page is dynamic and may be personal.
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        request.audit_exempt = view_is_exempt(view_func, match.view_name if match else "")

    # -- after the view ------------------------------------------------------------------------------------------------

    def _complete(self, request, response):
        match = getattr(request, "resolver_match", None)
        if match is None:
            return  # no view answered (an unknown path): nothing was shown or refused
        status = response.status_code
        if status == 403 or (status == 404 and (match.kwargs or match.args)):
            if not self._has(request, {AuditEntry.Action.DENIED}):
                services.record(request, AuditEntry.Action.DENIED, resident=getattr(request, "audit_resident", None),
                                detail={"status": status, "reason": "refused" if status == 403 else "not_found",
                                        "method": request.method, "by": "middleware"})
            return
        if status in NOTHING_SHOWN or status >= 500 or getattr(request, "audit_exempt", False):
            return
        if request.method in SAFE_METHODS and 300 <= status < 400:
            return  # a redirect or "not modified" shows nothing
        if self._has(request, None):
            return
        detail = {"by": "middleware", "method": request.method, "status": status}
        shown = getattr(request, "audit_shown", None)
        if shown:
            detail["shown"] = sorted(set(shown))[: services.MAX_SHOWN]
            detail["shown_count"] = len(set(shown))
        # A POST that answers with a page (a form with errors) showed data; one that redirects changed something.
        action = (AuditEntry.Action.UPDATE if request.method not in SAFE_METHODS and 300 <= status < 400
                  else AuditEntry.Action.VIEW)
        services.record(request, action, resident=getattr(request, "audit_resident", None), detail=detail)

    @staticmethod
    def _has(request, actions):
        """Whether the request left an entry (of one of `actions`, or any) that is still in the trail."""
        written = [(a, pk, durable) for a, pk, durable in request.audit_written if actions is None or a in actions]
        if any(durable for _a, _pk, durable in written):
            return True
        tentative = [pk for _a, pk, _durable in written]
        return bool(tentative) and AuditEntry.objects.filter(pk__in=tentative).exists()
