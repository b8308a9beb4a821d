from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from dimis.core import views as core_views
from dimis.directives import views as directive_views
from dimis.framework.api import build_router
from dimis.framework.urls import model_urlpatterns
from dimis.org import views as org_views
from dimis.performance import dhis2_views
from dimis.users import views as user_views


def _public(patterns):
    """The API authenticates itself (session or token): the login redirect must not apply."""
    for p in patterns:
        if hasattr(p, "url_patterns"):
            _public(p.url_patterns)
        elif p.callback is not None:
            p.callback.login_required = False
    return patterns


api_patterns = _public(
    [
        path("schema/", SpectacularAPIView.as_view(), name="schema"),
        path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
        *dhis2_views.api_urlpatterns,
        path("", include(build_router().urls)),
    ]
)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("search/", core_views.search, name="search"),
    path("org/tree/", org_views.unit_tree, name="org-tree"),
    path("directives/scorecard/", directive_views.scorecard_view, name="scorecard"),
    path("directives/reminders/", directive_views.reminders_view, name="reminders"),
    path("ingest/", include("dimis.ingest.urls")),
    path("accounts/login/", login_not_required(auth_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/profile/", user_views.profile, name="profile"),
    path("accounts/token/", user_views.api_token, name="api-token"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("performance/", include("dimis.performance.urls")),
    path("reports/", include("dimis.reports.urls")),
    path("api/", include((api_patterns, "api"))),
    *model_urlpatterns(),
]
