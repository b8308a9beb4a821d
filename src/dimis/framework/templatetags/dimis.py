from django import forms, template

register = template.Library()


@register.filter
def bootstrap(bound_field, size: str = ""):
    """Render a form field with the Bootstrap class its widget needs, marked invalid on error."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.NullBooleanSelect) and not isinstance(
        widget, forms.SelectMultiple
    ):
        css = f"form-select form-select-{size}" if size else "form-select"
    else:
        css = f"form-control form-control-{size}" if size else "form-control"
    attrs = {"class": css + (" is-invalid" if bound_field.errors else "")}
    if bound_field.errors:
        attrs["aria-describedby"] = f"{bound_field.id_for_label}-error"
    return bound_field.as_widget(attrs=attrs)
