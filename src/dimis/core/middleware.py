from .actor import acting_as


class ChangeActorMiddleware:
    """Web writes are attributed to the signed-in user (API calls re-bind after DRF auth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(getattr(request, "user", None), source="web"):
            return self.get_response(request)
