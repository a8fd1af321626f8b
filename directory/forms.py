from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .models import Correction, Mutual
from .pagination import MAX_API_PAGE_SIZE


class ReaderReportForm(forms.ModelForm):
    """A report from a reader to the editors, refused when the field that people never see is filled in."""

    # Left empty by people; filled in by form-filling robots.
    nickname = forms.CharField(required=False, label="Leave this empty")

    def clean_nickname(self):
        if self.cleaned_data["nickname"]:
            raise forms.ValidationError("Leave this field empty.")
        return ""


class CorrectionForm(ReaderReportForm):
    """Report a mistake on a record (or, without one, on the directory in general)."""

    mutual = forms.ModelChoiceField(
        queryset=Mutual.objects.published(),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Correction
        fields = ["mutual", "message", "source_url", "email"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}
        error_messages = {"message": {"required": "Tell us what is wrong or missing."}}

    def save(self, commit=True):
        self.instance.kind = Correction.Kind.MISTAKE
        return super().save(commit)


class SuggestionForm(ReaderReportForm):
    """Tell the editors about a mutual the directory does not list."""

    class Meta:
        model = Correction
        fields = ["name", "website", "message", "source_url", "email"]
        labels = {
            "name": "Name of the mutual",
            "message": "What it does, and how its staff own or control it",
            "source_url": "A public page that shows it spun out of the public sector",
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}
        error_messages = {
            "name": {"required": "Enter the name of the mutual."},
            "message": {"required": "Tell us what the mutual does and how its staff own or control it."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True

    def save(self, commit=True):
        self.instance.kind = Correction.Kind.MISSING
        return super().save(commit)


class ModifiedAfterField(forms.Field):
    default_error_messages = {
        "invalid": "Enter an ISO 8601 date or date and time, e.g. 2026-11-26 or 2026-11-26T09:30:00Z.",
    }

    def to_python(self, value):
        """Return an aware datetime: a date means the start of that day, UK time; a time without offset is UK time."""
        if not value:
            return None
        if "T" in value:
            value = value.replace(" ", "+")  # An unencoded "+01:00" offset arrives as " 01:00".
        try:
            moment = parse_datetime(value)
            day = None if moment else parse_date(value)
        except ValueError:
            moment = day = None
        if day:
            moment = datetime.combine(day, time.min)
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class ListOptionsForm(forms.Form):
    page = forms.IntegerField(min_value=1, required=False)
    page_size = forms.IntegerField(min_value=1, max_value=MAX_API_PAGE_SIZE, required=False)
    modified_after = ModifiedAfterField(required=False)
