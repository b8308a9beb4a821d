from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from dimis.core.changelog import record_change


def profile(request):
    grants = request.user.grants.select_related("unit").order_by("unit__code")
    return render(request, "users/profile.html", {"grants": grants})


@require_http_methods(["GET", "POST"])
def api_token(request):
    """Show, create or replace the user's API token. The key is shown once, right after creation."""
    token = Token.objects.filter(user=request.user).first()
    new_key = None
    if request.method == "POST":
        if token is not None:
            record_change(
                token,
                "delete",
                {"user": request.user.pk, "created": token.created.isoformat()},
                None,
            )
            token.delete()
        if request.POST.get("action") != "revoke":
            token = Token.objects.create(user=request.user)
            # The key itself is a secret: the log says that a token was issued, not what it is.
            record_change(
                token,
                "create",
                None,
                {"user": request.user.pk, "created": token.created.isoformat()},
            )
            new_key = token.key
            messages.success(
                request, _("A new API token was created. Copy it now: it will not be shown again.")
            )
        else:
            token = None
            messages.success(request, _("Your API token was revoked."))
        if new_key is None:
            return redirect("api-token")
    return render(request, "users/token.html", {"token": token, "new_key": new_key})
