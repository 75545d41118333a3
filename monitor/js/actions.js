// Action buttons declared for htmx: hx-post to the API, no swap; app.js adds the token and
// turns the answer into a toast and an "sfc:changed" event the page listens for.

import { API } from "./api.js";
import { h } from "./dom.js";

/** Which actions a flow in `status` allows. */
const ALLOWED = {
  pause: ["RUNNING"],
  resume: ["PAUSED"],
  terminate: ["RUNNING", "PAUSED"],
  retry: ["FAILED", "TIMED_OUT", "ABORTED"],
  restart: ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"],
};
const CONFIRM = {
  terminate: "Terminate this flow for good?",
  restart: "Run this flow again from the start?",
};

/** One button: POST `path` (below /api/v1) when clicked. */
export function actionButton(label, path, { confirm, done, disabled, danger, name } = {}) {
  return h("button", {
    type: "button",
    class: danger ? "danger" : null,
    "hx-post": API + path,
    "hx-swap": "none",
    "hx-confirm": confirm,
    "data-action": name || label.toLowerCase(),
    "data-done": done,
    disabled,
  }, label);
}

/** The control buttons of a flow, enabled as its status allows. */
export function flowActions(flow) {
  const buttons = Object.keys(ALLOWED).map((action) =>
    actionButton(action[0].toUpperCase() + action.slice(1), `/flows/${encodeURIComponent(flow.id)}/${action}`, {
      name: action,
      confirm: CONFIRM[action],
      done: `${action} sent to flow ${flow.id.slice(0, 8)}…`,
      disabled: !ALLOWED[action].includes(flow.status),
      danger: action === "terminate",
    }));
  return activate(h("div", { class: "toolbar actions" }, buttons));
}

/** Let htmx see the hx- attributes of elements built after the page loaded. */
export function activate(element) {
  queueMicrotask(() => window.htmx?.process(element));
  return element;
}
