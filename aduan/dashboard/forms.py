from django import forms

from aduan.complaints.forms import PhotosField, read_photos


class ActionForm(forms.Form):
    """One form for every staff action; each action reads the fields it needs."""

    note = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)
    unit = forms.IntegerField(required=False)
    target = forms.CharField(required=False, max_length=20)
    category = forms.CharField(required=False, max_length=40)
    urgency = forms.CharField(required=False, max_length=10)
    region = forms.CharField(required=False, max_length=16)
    rt = forms.CharField(required=False, max_length=3)
    rw = forms.CharField(required=False, max_length=3)
    channel = forms.ChoiceField(required=False, choices=[
        ("", ""), ("telepon", "telepon"), ("tatap muka", "tatap muka"), ("surat", "surat")])
    photos = PhotosField()
    photo_tag = forms.ChoiceField(required=False, choices=[("", ""), ("before", "before"),
                                                           ("progress", "progress"),
                                                           ("after", "after")])

    def clean(self):
        data = super().clean()
        data["photo_bytes"] = read_photos(data.get("photos") or [])
        return data
