#!/bin/sh
# Rebuild the committed front-end assets in vschool/static/ from the npm packages.
# Run after changing package.json or frontend/*.scss: npm ci && npm run build
set -eu
cd "$(dirname "$0")/.."
out=vschool/static
rm -rf "$out/govuk" "$out/moj" "$out/htmx" "$out/css"
mkdir -p "$out/css" "$out/govuk" "$out/moj" "$out/htmx"
npx sass --load-path=. --load-path=frontend --no-source-map --style=compressed \
  --quiet-deps --silence-deprecation=import frontend/app.scss "$out/css/app.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/govuk/"
cp -r node_modules/govuk-frontend/dist/govuk/assets "$out/govuk/assets"
rm -rf "$out/govuk/assets/fonts"
# MoJ Frontend's images (the filter tags' remove cross) sit with GOV.UK's ($moj-assets-path).
cp node_modules/@ministryofjustice/frontend/moj/assets/images/*.svg "$out/govuk/assets/images/"
cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js "$out/moj/"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
