// The API token: kept in localStorage, asked for by a login form when the API says 401.

const KEY = "sfc.token";
let waiting = null; // the promise of the login form on screen, shared by every caller

/** The stored token, or null. */
export function token() {
  return localStorage.getItem(KEY);
}

/** Forget the token and ask for it again. */
export function logout() {
  localStorage.removeItem(KEY);
  showLogout();
  return askForToken();
}

/** Show the login form (once, however many calls were refused); resolves when signed in. */
export function askForToken(message) {
  if (waiting) return waiting;
  const overlay = document.getElementById("login");
  const form = document.getElementById("login-form");
  const input = document.getElementById("login-token");
  const error = document.getElementById("login-error");
  error.hidden = !message;
  error.textContent = message || "";
  overlay.hidden = false;
  input.focus();
  waiting = new Promise((resolve) => {
    form.onsubmit = (event) => {
      event.preventDefault();
      localStorage.setItem(KEY, input.value.trim());
      input.value = "";
      overlay.hidden = true;
      waiting = null;
      showLogout();
      resolve();
    };
  });
  return waiting;
}

/** The header's log-out button shows only while a token is stored. */
export function showLogout() {
  document.getElementById("logout").hidden = !token();
}
