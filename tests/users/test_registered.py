"""Generated suite for grants: administrators manage the grants on their units' subtrees."""

from dimis.framework.choices import Role
from dimis.framework.testing import RegisteredModelTests, make_user
from dimis.users.models import Grant


class TestGrant(RegisteredModelTests):
    model = Grant
    classified = False
    reader = "gddi_admin"
    writer = "gddi_admin"
    change = ("role", Role.REPORTER)

    def make(self, unit, **extra):
        user = make_user(f"g-{Grant.objects.count()}")
        return Grant.objects.create(user=user, role=Role.VIEWER, unit=unit, **extra)

    def form_data(self, unit):
        # A user the GDDI administrator can see: one already granted a role under the GDDI.
        from dimis.users.models import User

        return {
            "user": User.objects.get(username="t-f1planner").pk,
            "role": Role.APPROVER,
            "unit": unit.pk,
        }
