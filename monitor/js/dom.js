// Small DOM helpers shared by the views: element building, formatting, toasts, polling.

/**
 * Build an element: h("a", {href: "#/", class: "x"}, "text", child, ...).
 * Attributes starting with "on" become listeners; null / false attributes are left out.
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** A status badge: <span class="badge FAILED">FAILED</span>. */
export function badge(status, label = status) {
  return h("span", { class: `badge ${status || "off"}`, "data-status": status }, label || "—");
}

const pad = (n) => String(n).padStart(2, "0");

/** Epoch seconds as local "YYYY-MM-DD HH:MM:SS" ("—" for null). */
export function time(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A duration in seconds, readable: 850 ms, 12.3 s, 4 min 2 s, 3 h 10 min. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "—";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** A ratio as a percentage ("—" for null). */
export function percent(ratio) {
  return ratio === null || ratio === undefined ? "—" : `${(ratio * 100).toFixed(1)} %`;
}

/** Show a short message in the corner for a few seconds. */
export function toast(message, kind = "info") {
  const note = h("div", { class: `toast ${kind}` }, message);
  document.getElementById("toasts").append(note);
  setTimeout(() => note.remove(), kind === "error" ? 8000 : 4000);
}

/**
 * Run `step` now and again after the delay it returns (ms; null stops), while the page
 * is visible. Returns a function that stops it; `poll.now()` runs it at once.
 */
export function poll(step) {
  let timer = null;
  let stopped = false;
  const run = async () => {
    clearTimeout(timer);
    if (stopped) return;
    let delay = null;
    try {
      delay = await step();
    } catch (error) {
      console.error(error);
      delay = 5000;
    }
    if (!stopped && delay !== null) timer = setTimeout(run, document.hidden ? Math.max(delay, 10000) : delay);
  };
  run();
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  stop.now = run;
  return stop;
}

/** Seconds since the epoch from an <input type="datetime-local"> value ("" stays ""). */
export function epoch(local) {
  return local ? String(new Date(local).getTime() / 1000) : "";
}

/** An <input type="datetime-local"> value from epoch seconds. */
export function localInput(seconds) {
  if (!seconds) return "";
  const d = new Date(Number(seconds) * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
