import re

from django import forms
from django.conf import settings
from django.utils.choices import BaseChoiceIterator, normalize_choices
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aduan.regions.models import Region

from . import lookups
from .models import Category

PHONE = re.compile(r"^\+?[0-9][0-9 .-]{7,17}$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": "image/*"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > settings.ADUAN_MAX_PHOTOS:
            raise forms.ValidationError(
                _("Maksimal %(n)d foto.") % {"n": settings.ADUAN_MAX_PHOTOS}
            )
        return [super(PhotosField, self).clean(f, initial) for f in files]


def read_photos(files) -> list[bytes]:
    """Read uploads with a size cap before anything decodes them."""
    from aduan.evidence.images import ImageRejected, process

    result = []
    for upload in files:
        if upload.size > settings.ADUAN_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Foto terlalu besar (maks. 12 MB)."))
        data = upload.read()
        try:
            process(data)
        except ImageRejected as exc:
            raise forms.ValidationError(f"{upload.name}: {exc}") from exc
        result.append(data)
    return result


class FixedChoices(BaseChoiceIterator):
    """Choices already in Django's canonical form, kept as they are: a field given a plain
    list normalises it again on every form, a cost the complaint form paid per POST."""

    def __init__(self, choices: list):
        self.choices = normalize_choices(choices)

    def __iter__(self):
        return iter(self.choices)


def kelurahan_choices() -> FixedChoices:
    """Kelurahan with an office, grouped by kecamatan: read once per process and language
    (see lookups), not on every form."""
    return lookups.memo(("kelurahan-choices", get_language()),
                        lambda: FixedChoices(_kelurahan_choices()))


def _kelurahan_choices():
    choices: list = [("", str(_("— pilih kelurahan —")))]
    kelurahan = Region.objects.filter(level=Region.Level.KELURAHAN, units__isnull=False)
    groups: dict[str, list] = {}
    for kel in kelurahan.select_related("parent").order_by("parent__name", "name").distinct():
        group = str(_("Kec. %(name)s") % {"name": kel.parent.name})
        groups.setdefault(group, []).append((kel.code, kel.name))
    choices.extend(groups.items())
    return choices


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class ComplaintForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, min_length=10, max_length=5000)
    photos = PhotosField()
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-11, max_value=6)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=94, max_value=142)
    kelurahan = forms.ChoiceField(required=False)
    rw = forms.IntegerField(required=False, min_value=1, max_value=99)
    rt = forms.IntegerField(required=False, min_value=1, max_value=99)
    category = CategoryChoiceField(Category.objects.all(), required=False,
                                   empty_label=_("— saya tidak tahu —"))
    name = forms.CharField(required=False, max_length=120)
    contact = forms.CharField(required=False, max_length=120)
    anonymous = forms.BooleanField(required=False)
    confidential = forms.BooleanField(required=False)  # known to the triage team only
    about_official = forms.BooleanField(required=False)  # about an official or a unit

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].choices = kelurahan_choices()

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        if contact and "@" not in contact and not PHONE.match(contact):
            raise forms.ValidationError(_("Tulis nomor WhatsApp (08…) atau alamat e-mail."))
        if "@" in contact:
            forms.EmailField().clean(contact)
        return contact

    def clean(self):
        data = super().clean()
        if data.get("photos"):
            data["photo_bytes"] = read_photos(data["photos"])
        else:
            data["photo_bytes"] = []
        return data


class AddInfoForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, min_length=2, max_length=5000)
    photos = PhotosField()

    def clean(self):
        data = super().clean()
        data["photo_bytes"] = read_photos(data.get("photos") or [])
        return data
