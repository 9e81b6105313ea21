"""The fields of a GeoReport v2 POST, validated whether they came as a form or as JSON."""

from django import forms
from django.core.exceptions import ValidationError

from aduan.guard import limits

MAX_DESCRIPTION = 4000


class ServiceRequestForm(forms.Form):
    service_code = forms.CharField(max_length=40)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, min_value=-180, max_value=180)
    address_string = forms.CharField(max_length=300, required=False)
    address_id = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(required=False)
    device_id = forms.CharField(max_length=200, required=False)
    account_id = forms.CharField(max_length=200, required=False)
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    phone = forms.CharField(max_length=30, required=False)
    description = forms.CharField(max_length=MAX_DESCRIPTION, required=False)
    media_url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    # Aduan extensions: the reporter known to the triage team only; about an official/unit.
    confidential = forms.BooleanField(required=False)
    about_official = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("long")
        if (lat is None) != (lng is None) and "lat" not in self.errors \
                and "long" not in self.errors:
            raise ValidationError("lat and long must be sent together")
        if lat is not None and lng is not None and not limits.in_indonesia(lat, lng):
            raise ValidationError("lat and long must be a point inside Indonesia")
        if lat is None and not data.get("address_string") and not data.get("address_id") \
                and not self.errors:
            raise ValidationError("a location is required: lat and long, address_string "
                                  "or address_id")
        return data

    def descriptions(self) -> list[str]:
        """Errors as Open311 descriptions: 'field: message'."""
        out = []
        for field, errors in self.errors.items():
            for message in errors:
                out.append(message if field == "__all__" else f"{field}: {message}")
        return out
