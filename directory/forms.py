from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .models import Correction, Mutual
from .pagination import MAX_API_PAGE_SIZE


class CorrectionForm(forms.ModelForm):
    mutual = forms.ModelChoiceField(
        queryset=Mutual.objects.published(),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
    )
    # Left empty by people; filled in by form-filling robots.
    nickname = forms.CharField(required=False, label="Leave this empty")

    class Meta:
        model = Correction
        fields = ["mutual", "message", "source_url", "email"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}

    def clean_nickname(self):
        if self.cleaned_data["nickname"]:
            raise forms.ValidationError("Leave this field empty.")
        return ""


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
