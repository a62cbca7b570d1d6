// Start GOV.UK Frontend and MoJ Frontend components, again on each htmx swap.
import { initAll } from '/static/govuk/govuk-frontend.min.js'

initAll()
document.addEventListener('htmx:load', (event) => {
  if (event.target !== document.body) initAll({ scope: event.target })
})
