from django import forms

from .models import Correction, Mutual


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
