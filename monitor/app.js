// The dashboard's entry point: a hash router over the pages in js/views/, and the wiring
// of htmx (action buttons declared with hx-post) to the API token and the toasts.

import { askForToken, logout, showLogout, token } from "./js/auth.js";
import { toast } from "./js/dom.js";
import * as blueprints from "./js/views/blueprints.js";
import * as composer from "./js/views/composer.js";
import * as flow from "./js/views/flow.js";
import * as flows from "./js/views/flows.js";
import * as pools from "./js/views/pools.js";

// Pages by the first part of the hash (#/flows/ID -> "flows", ["ID"]). A page module
// exports mount(main, args, params) and may return a function that unmounts it.
// Another page (e.g. Pools) adds one line here and one <li> in index.html's nav.
const ROUTES = {
  blueprints: (main, args, params) => args.length ? blueprints.mountOne(main, args[0], params) : blueprints.mount(main, params),
  flows: (main, args, params) => args.length ? flow.mount(main, args[0], params) : flows.mount(main, params),
  composer: (main, args, params) => composer.mount(main, args[0], params),
  pools: (main) => pools.mount(main),
};

let unmount = null;

function route() {
  const [path, search = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const [page = "blueprints", ...args] = path.split("/").filter(Boolean).map(decodeURIComponent);
  const mount = ROUTES[page] || ROUTES.blueprints;
  unmount?.();
  // A fresh element per page: listeners of the page before go with it.
  const view = document.createElement("div");
  view.className = `page page-${page}`;
  document.getElementById("main").replaceChildren(view);
  for (const link of document.querySelectorAll("#nav a")) link.classList.toggle("active", link.dataset.page === page);
  unmount = mount(view, args, new URLSearchParams(search)) || null;
}

/** htmx requests (hx-post on action buttons) carry the token; their answers become toasts. */
function wireHtmx() {
  document.body.addEventListener("htmx:configRequest", (event) => {
    const stored = token();
    if (stored) event.detail.headers.Authorization = `Bearer ${stored}`;
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr;
    const element = event.detail.elt;
    if (xhr.status === 401) {
      askForToken(token() ? "That token was refused." : "");
      return;
    }
    let body = null;
    try { body = JSON.parse(xhr.responseText); } catch { /* not JSON: a network failure */ }
    if (event.detail.successful) {
      toast(element.dataset.done || `${element.textContent.trim()}: done`);
    } else {
      toast(body?.error?.message || `${element.textContent.trim()} failed (${xhr.status || "no answer"})`, "error");
    }
    // The page refreshes what the action changed.
    element.dispatchEvent(new CustomEvent("sfc:changed", { bubbles: true, detail: { ok: event.detail.successful } }));
  });
}

document.getElementById("logout").addEventListener("click", () => logout().then(route));
showLogout();
wireHtmx();
window.addEventListener("hashchange", route);
route();
