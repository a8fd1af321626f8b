#!/usr/bin/env bash
# Re-fetch the vendored front-end libraries into static/vendor/ (see scripts/README-vendor.md).
# Needs node and npm on the developer's machine only: the outputs are committed, so the site
# itself never runs npm or loads anything from a CDN.
set -euo pipefail

GOVUK_FRONTEND_VERSION="5.14.0"
MARKERCLUSTER_VERSION="1.5.3"
AUTOCOMPLETE_VERSION="3.0.1"
SASS_VERSION="1.108.2"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor_dir="$repo_root/static/vendor"
work="$(mktemp -d "${TMPDIR:-/tmp}/mutuals-vendor.XXXXXX")"
trap 'rm -rf "$work"' EXIT

fail() {
    echo "vendor-assets: $*" >&2
    exit 1
}

cd "$work"
cat >package.json <<JSON
{
  "private": true,
  "dependencies": {
    "govuk-frontend": "$GOVUK_FRONTEND_VERSION",
    "leaflet.markercluster": "$MARKERCLUSTER_VERSION",
    "accessible-autocomplete": "$AUTOCOMPLETE_VERSION",
    "sass": "$SASS_VERSION"
  }
}
JSON
# --ignore-scripts: nothing we use needs an install script (sass is pure JavaScript).
npm install --ignore-scripts --no-audit --no-fund --loglevel=error

govuk="$work/node_modules/govuk-frontend"
cluster="$work/node_modules/leaflet.markercluster"
autocomplete="$work/node_modules/accessible-autocomplete"
[[ "$(node -p "require('$govuk/package.json').license")" == "MIT" ]] \
    || fail "govuk-frontend is no longer MIT: review the licence before vendoring"
[[ "$(node -p "require('$cluster/package.json').license")" == "MIT" ]] \
    || fail "leaflet.markercluster is no longer MIT: review the licence before vendoring"
[[ "$(node -p "require('$autocomplete/package.json').license")" == "MIT" ]] \
    || fail "accessible-autocomplete is no longer MIT: review the licence before vendoring"

# GOV.UK Frontend with the system font stack, because the GDS Transport font and the crown
# and crest are reserved for GOV.UK. Setting names are from dist/govuk/settings/.
cat >govuk.scss <<'SCSS'
@function mutuals-image-url($filename) {
  @if $filename == "govuk-crest.svg" {
    @return none;
  }
  @error "Unexpected GOV.UK Frontend image #{$filename}: decide whether to vendor it in scripts/vendor-assets.sh";
}

$govuk-font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
$govuk-include-default-font-face: false;
$govuk-assets-path: "/static/vendor/govuk-frontend/assets/";
$govuk-image-url-function: "mutuals-image-url";

@import "govuk-frontend/dist/govuk/index";

// The footer crest is GOV.UK's: never draw it, even if a template uses this class.
.govuk-footer__copyright-logo::before {
  display: none;
}
SCSS
# The package is written with @import; its deprecation warnings are upstream's to fix.
node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map \
    --quiet-deps --silence-deprecation=import govuk.scss govuk-frontend.min.css

css="govuk-frontend.min.css"
! grep -q "GDS Transport" "$css" || fail "compiled CSS mentions GDS Transport"
! grep -q "@font-face" "$css" || fail "compiled CSS has @font-face rules"
! grep -q "url(" "$css" || fail "compiled CSS references asset URLs"
[[ "$(wc -l <"$css")" -le 1 ]] || fail "compiled CSS is not minified"
grep -q -- "--govuk-frontend-version: \"$GOVUK_FRONTEND_VERSION\"" "$css" \
    || fail "compiled CSS is not GOV.UK Frontend $GOVUK_FRONTEND_VERSION"

out="$work/out"
mkdir -p "$out/govuk-frontend" "$out/leaflet.markercluster" "$out/accessible-autocomplete"

cp "$css" "$out/govuk-frontend/"
# The package README says to copy the .map along with the .js.
cp "$govuk/dist/govuk/govuk-frontend.min.js" "$govuk/dist/govuk/govuk-frontend.min.js.map" \
    "$out/govuk-frontend/"
# The npm package has no licence file; this is LICENSE.txt from the alphagov/govuk-frontend
# repository, and package.json's "license" is checked above.
cat >"$out/govuk-frontend/LICENSE.txt" <<'LICENSE'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENSE
node -p "require('$govuk/package.json').version" >"$out/govuk-frontend/VERSION"

# The .map is needed: manifest storage follows the file's sourceMappingURL line and
# collectstatic fails if the map is missing.
cp "$cluster/dist/leaflet.markercluster.js" "$cluster/dist/leaflet.markercluster.js.map" \
    "$cluster/dist/MarkerCluster.css" "$cluster/dist/MarkerCluster.Default.css" \
    "$out/leaflet.markercluster/"
cp "$cluster/MIT-LICENCE.txt" "$out/leaflet.markercluster/LICENSE"
node -p "require('$cluster/package.json').version" >"$out/leaflet.markercluster/VERSION"
# The council picker's autocomplete (templates/directory/includes/_area_picker.html), with its maps for the same reason.
cp "$autocomplete"/dist/accessible-autocomplete.min.{js,js.map,css,css.map} "$out/accessible-autocomplete/"
cp "$autocomplete/LICENSE.txt" "$out/accessible-autocomplete/LICENSE.txt"
node -p "require('$autocomplete/package.json').version" >"$out/accessible-autocomplete/VERSION"
# npm keeps the upstream tarball's executable bits; static files should not have them.
chmod 644 "$out"/*/*

for lib in govuk-frontend leaflet.markercluster accessible-autocomplete; do
    rm -rf "${vendor_dir:?}/$lib"
    mkdir -p "$vendor_dir/$lib"
    cp "$out/$lib"/* "$vendor_dir/$lib/"
done
echo "Vendored GOV.UK Frontend $GOVUK_FRONTEND_VERSION, Leaflet.markercluster $MARKERCLUSTER_VERSION and accessible-autocomplete $AUTOCOMPLETE_VERSION into static/vendor/."
