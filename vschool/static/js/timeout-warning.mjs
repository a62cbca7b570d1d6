// Warn before the session times out (WCAG 2.2.1), as GOV.UK services do:
// a modal dialog some minutes before, counting down, with "Stay signed in" (a request to
// the server, which restarts the session's clock) and "Sign out". Pressing Escape also
// stays signed in. When the time is up the page signs out. The last activity is shared
// between tabs, so a page used in one tab keeps the others from warning too soon.
const STORAGE_KEY = 'vschool:session-activity'
const TICK_MS = 1000

function readShared () {
  try { return Number(window.localStorage.getItem(STORAGE_KEY)) || 0 } catch { return 0 }
}

function writeShared (time) {
  try { window.localStorage.setItem(STORAGE_KEY, String(time)) } catch { /* private mode */ }
}

function inWords (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return `${minutes} minute${minutes === 1 ? '' : 's'}`
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`
}

export function initTimeoutWarning (dialog) {
  const sessionMs = Number(dialog.dataset.sessionSeconds) * 1000
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const announcer = dialog.querySelector('[data-timeout-announce]')
  const signOutForm = dialog.querySelector('form[data-timeout-sign-out]')
  let lastActivity = Date.now()
  let lastAnnounced = null
  let returnFocus = null
  let ending = false

  const recordActivity = () => {
    lastActivity = Date.now()
    writeShared(lastActivity)
  }

  // Time is up (or the session had already ended): sign out, saying why on the next page.
  const signOut = () => {
    if (ending) return
    ending = true
    const reason = document.createElement('input')
    Object.assign(reason, { type: 'hidden', name: 'timed_out', value: '1' })
    signOutForm.append(reason)
    signOutForm.requestSubmit()
  }

  const close = () => {
    if (!dialog.open) return
    dialog.close()
    lastAnnounced = null
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus()
  }

  const stay = async () => {
    close()
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' }
      })
      // A redirect to sign in means the session had already ended.
      if (response.status !== 204) return signOut()
      recordActivity()
    } catch {
      // Offline: the next tick warns again, and the user can try once more.
    }
  }

  const tick = () => {
    const left = Math.max(lastActivity, readShared()) + sessionMs - Date.now()
    if (left <= 0) return signOut()
    if (left > warningMs) return close()
    const seconds = Math.ceil(left / 1000)
    countdown.textContent = inWords(seconds)
    // Screen readers hear the time once a minute, then every 20 seconds, not every second.
    const step = seconds > 60 ? Math.ceil(seconds / 60) * 60 : Math.ceil(seconds / 20) * 20
    if (step !== lastAnnounced) {
      lastAnnounced = step
      announcer.textContent = `For your security, we will sign you out in ${inWords(seconds)}.`
    }
    if (!dialog.open) {
      returnFocus = document.activeElement
      dialog.showModal()
    }
  }

  dialog.querySelector('[data-timeout-stay]').addEventListener('click', stay)
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    stay()
  })
  // Requests made without loading a page restart the session's clock too.
  document.addEventListener('htmx:afterRequest', recordActivity)
  document.addEventListener('app:session-extended', recordActivity)
  recordActivity()
  window.setInterval(tick, TICK_MS)
}
