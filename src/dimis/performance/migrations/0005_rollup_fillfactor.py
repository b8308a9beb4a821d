from django.db import migrations


def leave_room_for_updates(apps, schema_editor):
    # Roll-up rows are updated by every write of their months: free space on each page lets
    # PostgreSQL update them in place (HOT) instead of adding index entries each time.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE performance_valuerollup SET (fillfactor = 70)")


class Migration(migrations.Migration):
    dependencies = [("performance", "0004_labels")]

    operations = [migrations.RunPython(leave_room_for_updates, migrations.RunPython.noop)]
