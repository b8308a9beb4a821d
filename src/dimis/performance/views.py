"""Dashboard pages of the performance section."""

urlpatterns: list = []
