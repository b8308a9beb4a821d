"""API bases: every endpoint is generated from the registry and restricted like the UI."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from rest_framework import routers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dimis.core.actor import Actor, _current

from .models import ConcurrentEditError


class DimisViewSet(viewsets.ModelViewSet):
    config = None  # set by build_viewset

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Token-authenticated users are known only now: attribute writes to them, until the
        # response is finalised (the actor must not outlive the call).
        self._actor_token = _current.set(Actor(request.user.pk, request.user.get_username(), "api"))

    def finalize_response(self, request, response, *args, **kwargs):
        token = getattr(self, "_actor_token", None)
        if token is not None:
            _current.reset(token)
            self._actor_token = None
        return super().finalize_response(request, response, *args, **kwargs)

    def get_queryset(self):
        qs = self.config.model.objects.all()
        if self.config.select_related:
            qs = qs.select_related(*self.config.select_related)
        if self.config.prefetch_related:
            qs = qs.prefetch_related(*self.config.prefetch_related)
        # Reads by id use "view": a visible record that may not be changed gets 403, not 404.
        return qs.restrict(self.request.user, "view")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset if getattr(queryset, "is_restricted", False) else queryset.none()


def build_viewset(config):
    attrs = {
        "config": config,
        "serializer_class": config.serializer_class,
        "filterset_class": config.filterset_class,
        "queryset": config.model.objects.none(),
    }
    return type(f"{config.model.__name__}ViewSet", (DimisViewSet,), attrs)


def build_router():
    from .registry import registry

    router = routers.DefaultRouter()
    for config in registry:
        router.register(
            f"{config.app_label}/{config.model_name}",
            build_viewset(config),
            basename=config.url_prefix,
        )
    return router


def exception_handler(exc, context):
    if isinstance(exc, ConcurrentEditError):
        return Response(
            {"version": [str(m) for m in exc.messages]}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, ProtectedError):
        return Response(
            {"detail": _("This record is still used by other records and cannot be deleted.")},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
