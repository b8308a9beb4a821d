"""One demo user per role, with different grants and clearances."""

from django.utils.translation import override

from dimis.framework.choices import Classification, Role
from dimis.org.models import OrgUnit

from .models import Grant, User

DEMO_PASSWORD = "dimis-demo"

# username, role, unit code, clearance, superuser, description
DEMO_USERS = [
    (
        "admin",
        Role.ADMINISTRATOR,
        "BQP",
        Classification.TOP_SECRET,
        True,
        "administrator of the whole ministry",
    ),
    ("planner", Role.PLANNER, "TCCNQP", Classification.SECRET, False, "planner of the GDDI"),
    (
        "approver",
        Role.APPROVER,
        "TCCNQP",
        Classification.CONFIDENTIAL,
        False,
        "approver of the GDDI",
    ),
    (
        "reporter",
        Role.REPORTER,
        "Z101",
        Classification.RESTRICTED,
        False,
        "reporter of factory Z101",
    ),
    (
        "viewer",
        Role.VIEWER,
        "GDDI-TCT2",
        Classification.UNCLASSIFIED,
        False,
        "viewer of a corporation",
    ),
]


def load(stdout=None):
    lines = []
    for username, role, unit_code, clearance, superuser, description in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                email=f"{username}@dimis.local",
                clearance=clearance,
                is_superuser=superuser,
                is_staff=superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        Grant.objects.get_or_create(user=user, role=role, unit=OrgUnit.objects.get(code=unit_code))
        with override("en"):
            lines.append(
                f"    {username:<9} / {DEMO_PASSWORD}  {description}, clearance {Classification(clearance).label}"
            )
    if stdout:
        stdout.write("  demo logins (http://127.0.0.1:8000):")
        for line in lines:
            stdout.write(line)
