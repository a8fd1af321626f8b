"""Forms and widgets of the editors' admin: the mutual form, its map and its inline rules."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, json_script

from .models import ENGLAND_LATITUDE, ENGLAND_LONGITUDE, Mutual, web_addresses

STREET_LEVEL_ZOOM = 16


class LocationMapWidget(forms.Widget):
    """A Leaflet map that sets the form's latitude and longitude inputs; needs no GeoDjango or GDAL."""

    class Media:
        css = {"all": ["leaflet/leaflet.css", "directory/css/admin.css"]}
        js = ["leaflet/leaflet.js", "directory/js/admin-location.js"]

    def config(self):
        return {
            "tileUrl": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "center": settings.LEAFLET_CONFIG["DEFAULT_CENTER"],
            "zoom": settings.LEAFLET_CONFIG["DEFAULT_ZOOM"],
            "streetZoom": STREET_LEVEL_ZOOM,
            "england": {"latitude": ENGLAND_LATITUDE, "longitude": ENGLAND_LONGITUDE},
            "fields": {"latitude": "id_latitude", "longitude": "id_longitude", "basis": "id_location_basis"},
            "basis": {"street": Mutual.LocationBasis.ADDRESS, "approximate": Mutual.LocationBasis.TOWN_CENTRE},
        }

    def render(self, name, value, attrs=None, renderer=None):
        map_id = self.build_attrs(self.attrs, attrs).get("id", f"id_{name}")
        return format_html(
            '<div class="location-picker" data-location-picker="{config_id}">'
            '<div class="location-picker__map" id="{map_id}" role="application" aria-describedby="{map_id}-status" '
            'aria-label="Map: click to place the location, or drag the marker"></div>'
            '<p class="location-picker__status" id="{map_id}-status" aria-live="polite"></p>'
            '<button type="button" class="button location-picker__clear">Remove the location</button>'
            "</div>{config}",
            config_id=f"{map_id}-config",
            map_id=map_id,
            config=json_script(self.config(), f"{map_id}-config"),
        )


class MutualAdminForm(forms.ModelForm):
    location_map = forms.Field(
        label="Pick on the map",
        required=False,
        disabled=True,
        widget=LocationMapWidget,
        help_text=(
            "Click the map or drag the marker to set latitude and longitude; you can still type them. "
            "Zoom in to street level to mark a street address."
        ),
    )

    class Meta:
        model = Mutual
        fields = "__all__"
        widgets = {
            name: forms.Textarea(attrs={"rows": 3, "cols": 80})
            for name in ("area_basis_detail", "area_source_urls", "area_quote")
        }

    def clean_area_source_urls(self):
        """Keep one address a line, whatever separated them (a pasted list, Windows line ends, semicolons)."""
        return "\n".join(web_addresses(self.cleaned_data["area_source_urls"]))

    def clean(self):
        cleaned_data = super().clean()
        primary, sectors = cleaned_data.get("primary_sector"), cleaned_data.get("sectors")
        if primary and sectors is not None and primary not in sectors:
            self.add_error("sectors", f"Choose the primary sector ({primary}) among its sectors too.")
        districts = cleaned_data.get("districts")
        if districts is not None and "area_scope" in cleaned_data:
            areas = Mutual(area_scope=cleaned_data["area_scope"])
            if message := areas.district_error(districts):
                self.add_error("districts", message)
        return cleaned_data


class SourceInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if self.instance.is_published and not kept:
            raise ValidationError("A published mutual needs at least one source: add one, or leave it as a draft.")
