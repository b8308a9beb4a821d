"""A record the user may see never reveals a related record they may not see."""

import datetime

from dimis.framework.testing import csv_rows
from dimis.org.models import Appointment, Person


def test_list_detail_and_export_mask_related_records_outside_the_grants(world, client):
    stranger = Person.objects.create(full_name="Đinh Văn Mật", owning_unit=world.other)
    Appointment.objects.create(
        person=stranger,
        position="Cố vấn",
        unit=world.f1,
        valid_from=datetime.date(2024, 1, 1),
        owning_unit=world.f1,
    )
    client.force_login(world.f1_planner)
    listing = client.get("/org/appointment/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cố vấn" in listing  # the appointment itself is theirs to see
    assert "Đinh Văn Mật" not in listing
    assert "(restricted)" in listing
    exported = csv_rows(client.get("/org/appointment/?export=csv"))
    assert all("Đinh Văn Mật" not in cell for row in exported for cell in row)
    assert len(exported) == 2
