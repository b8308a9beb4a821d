"""The OpenAPI schema documents every registered model and validates without warnings."""

import io

import yaml
from django.core.management import call_command

from dimis.framework.registry import registry


def test_schema_is_valid_and_covers_every_registered_model(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = yaml.safe_load(out.getvalue())
    paths = schema["paths"]
    for config in registry:
        list_path = f"/api/{config.app_label}/{config.model_name}/"
        assert list_path in paths, list_path
        assert {"get", "post"} <= set(paths[list_path])
        assert {"get", "put", "patch", "delete"} <= set(paths[list_path + "{id}/"])
