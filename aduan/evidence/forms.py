from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aduan.complaints.forms import PhotosField, read_photos
from aduan.complaints.models import Complaint

from .activity import TAGS


class ActivityForm(forms.Form):
    position = forms.ModelChoiceField(queryset=None, label=_("Sebagai"), empty_label=None,
                                      required=False)
    text = forms.CharField(label=_("Apa yang dikerjakan?"), widget=forms.Textarea,
                           min_length=5, max_length=2000)
    before = PhotosField(label=_("Foto sebelum"))
    progress = PhotosField(label=_("Foto proses"))
    after = PhotosField(label=_("Foto sesudah"))
    complaint = forms.CharField(label=_("Nomor aduan (opsional)"), required=False,
                                max_length=20)
    is_public = forms.BooleanField(label=_("Tampilkan di halaman publik"), required=False,
                                   initial=True)
    publish_to_social = forms.BooleanField(
        label=_("Terbitkan juga di Instagram/Facebook unit"), required=False)

    def __init__(self, *args, positions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = positions
        if positions.count() == 1:
            self.fields["position"].widget = forms.HiddenInput()
            self.fields["position"].initial = positions.first().pk

    def clean_position(self):
        position = self.cleaned_data.get("position")
        if position is None:  # one position: the form does not ask
            position = self.fields["position"].queryset.first()
        return position

    def clean_complaint(self):
        ref = self.cleaned_data["complaint"].strip().upper()
        if not ref:
            return None
        complaint = Complaint.objects.select_related("owner").filter(ref=ref).first()
        if complaint is None:
            raise forms.ValidationError(_("Nomor aduan tidak ditemukan."))
        return complaint

    def clean(self):
        data = super().clean()
        if sum(len(data.get(tag) or []) for tag in TAGS) > settings.ADUAN_MAX_PHOTOS:
            raise forms.ValidationError(
                _("Maksimal %(n)d foto per kiriman.") % {"n": settings.ADUAN_MAX_PHOTOS})
        data["photo_bytes"] = {tag: read_photos(data.get(tag) or []) for tag in TAGS}
        if not self.errors and not any(data["photo_bytes"].values()):
            raise forms.ValidationError(_("Lampirkan minimal satu foto."))
        return data
