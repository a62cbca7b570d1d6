// Keep a draft of a PEP section saved (screens.md 2.5): every 30 seconds and when a field
// loses focus, if anything changed. The server answers with the section's new version, or
// with a conflict, which stops autosaving until the user saves by hand and sees both
// versions. A live region says what happened. Without JavaScript the button saves.
const INTERVAL_MS = 30000

export function initAutosave (form) {
  const url = form.dataset.autosaveUrl
  const status = form.querySelector('[data-autosave-status]')
  const version = form.querySelector('input[name="version"]')
  let changed = false
  let stopped = false
  let saving = false

  const say = (message) => { if (status) status.textContent = message }

  async function save () {
    if (!changed || stopped || saving) return
    saving = true
    changed = false
    try {
      const response = await fetch(url, {
        method: 'POST',
        body: new FormData(form),
        credentials: 'same-origin',
        headers: { Accept: 'application/json' }
      })
      // The request restarted the session's clock: the timeout warning counts from now.
      document.dispatchEvent(new CustomEvent('app:session-extended'))
      const result = await response.json()
      if (result.version) version.value = result.version
      if (result.stop) stopped = true
      if (!result.saved && !result.stop) changed = true
      say(result.message)
    } catch {
      changed = true
      say('Draft not saved: the connection failed. Your answers are still on this page.')
    } finally {
      saving = false
    }
  }

  form.addEventListener('input', () => { changed = true })
  form.addEventListener('change', () => { changed = true })
  // Leaving a field for the form's own button is a save by hand: let that one go alone.
  form.addEventListener('focusout', (event) => {
    if (!(event.relatedTarget && event.relatedTarget.type === 'submit')) save()
  })
  form.addEventListener('submit', () => { stopped = true })
  window.setInterval(save, INTERVAL_MS)
}
