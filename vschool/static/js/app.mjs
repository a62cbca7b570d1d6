// Start GOV.UK Frontend and MoJ Frontend components, again on each htmx swap.
import { initAll } from '/static/govuk/govuk-frontend.min.js'
import { initAutosave } from '/static/js/autosave.mjs'
import { initTimeoutWarning } from '/static/js/timeout-warning.mjs'

initAll()
document.addEventListener('htmx:load', (event) => {
  if (event.target !== document.body) initAll({ scope: event.target })
})

// PEP sections keep their drafts saved.
document.querySelectorAll('form[data-autosave-url]').forEach(initAutosave)

// Signed-in pages warn before the session times out.
document.querySelectorAll('dialog[data-module="app-timeout-warning"]').forEach(initTimeoutWarning)
