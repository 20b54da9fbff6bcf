from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    check_only = forms.BooleanField(label=_("Only check the file; change nothing"), required=False)
