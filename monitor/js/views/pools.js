// Pools: every worker pool with its workers (ready / starting / draining against the size
// the scheduler wants), its pending jobs and their age, a chart of both since the page
// opened, failed starts with the worker's stderr, and the advice. Pools are changed here
// (PUT /pools/{name}) and scaled (POST /pools/{name}/scale).

import { api } from "../api.js";
import { badge, duration, h, poll, time, toast } from "../dom.js";

const REFRESH = 2000;
const HISTORY = 150;
const link = (name) => encodeURIComponent(name);

/** The Pools page. */
export function mount(main) {
  const leader = h("p", { class: "muted", id: "leader" });
  const body = h("tbody", {});
  const failures = h("div", {});
  const advice = h("ul", { class: "advice", id: "advice" });
  const editor = h("div", { class: "card", id: "pool-editor", hidden: true });
  const history = new Map();
  let stop = null;
  const again = () => stop?.now();
  main.append(
    h("div", { class: "toolbar" }, h("h1", {}, "Pools"), h("span", { class: "spacer" }),
      h("button", { type: "button", id: "new-pool", onclick: () => edit(editor, null, again) }, "New pool")),
    leader,
    h("div", { class: "card" }, h("table", { class: "pools" },
      h("thead", {}, h("tr", {}, ["Pool", "Modules", "Workers", "Pending", "Oldest", "Min – max",
        "Per worker", "Cooldown", "Size", "Last minutes", ""].map((label, i) =>
        h("th", { class: [2, 3, 4, 5, 6, 7].includes(i) ? "num" : null }, label)))), body)),
    failures,
    editor,
    h("div", { class: "card" }, h("h2", {}, "Advice"), advice),
  );
  const refresh = async () => {
    const answer = await api("/pools");
    leader.textContent = answer.scheduler
      ? `Scheduler ${answer.scheduler.id} leads (epoch ${answer.scheduler.epoch}).`
      : "No scheduler leads: pools are not being sized (run sfc scheduler).";
    for (const pool of answer.items) remember(history, pool);
    body.replaceChildren(...answer.items.map((pool) => row(pool, history.get(pool.name), editor, again)));
    failures.replaceChildren(...answer.items.filter((pool) => pool.failure).map(failure));
    advice.replaceChildren(...answer.advice.map((item) => h("li", { "data-blueprint": item.blueprint },
      h("b", {}, item.blueprint), ` (${item.reasons.join(", ")}): `, item.message)));
    if (answer.advice.length === 0) advice.append(h("li", { class: "muted" }, "Every blueprint is served well."));
    return REFRESH;
  };
  stop = poll(refresh);
  return stop;
}

function remember(history, pool) {
  const series = history.get(pool.name) || { pending: [], ready: [] };
  series.pending.push(pool.pending);
  series.ready.push(pool.ready ?? 0);
  for (const values of Object.values(series)) values.splice(0, Math.max(0, values.length - HISTORY));
  history.set(pool.name, series);
}

function row(pool, series, editor, refresh) {
  const chart = h("div", { class: "spark" });
  queueMicrotask(() => draw(chart, series));
  const workers = pool.desired === null ? "—" : `${pool.ready} / ${pool.desired}`;
  const extra = [pool.starting && `${pool.starting} starting`, pool.draining && `${pool.draining} draining`]
    .filter(Boolean).join(", ");
  return h("tr", { "data-pool": pool.name },
    h("td", {}, h("b", {}, pool.name), pool.source === "api" ? h("span", { class: "muted" }, " (set at run time)") : null),
    h("td", { class: "clip mono" }, pool.modules.join(", ") || h("span", { class: "muted" }, "none")),
    h("td", { class: "num", "data-workers": "" }, workers, extra ? h("div", { class: "muted" }, extra) : null),
    h("td", { class: "num", "data-pending": "" }, pool.pending),
    h("td", { class: "num" }, pool.pending ? duration(pool.oldestAgeSeconds) : "—"),
    h("td", { class: "num" }, `${pool.minReplicas} – ${pool.maxReplicas}`),
    h("td", { class: "num" }, pool.targetPending),
    h("td", { class: "num" }, duration(pool.cooldownSeconds)),
    h("td", {}, pool.replicas === null ? badge("SUCCEEDED", "auto") : badge("PAUSED", `fixed ${pool.replicas}`)),
    h("td", {}, chart),
    h("td", {}, h("div", { class: "toolbar", style: "margin:0" },
      h("button", { type: "button", "data-action": "edit", onclick: () => edit(editor, pool, refresh) }, "Edit"),
      h("button", { type: "button", "data-action": "scale", onclick: () => scale(editor, pool, refresh) }, "Scale"))),
  );
}

/** Pending jobs (blue) and ready workers (green) since the page opened. */
function draw(container, series) {
  if (!series || !window.uPlot) return;
  container.innerHTML = "";
  const x = series.pending.map((_, i) => i);
  const options = {
    width: 160, height: 36, legend: { show: false }, cursor: { show: false },
    scales: { x: { time: false }, workers: {} }, axes: [{ show: false }, { show: false }, { show: false, scale: "workers" }],
    series: [{}, { stroke: "#2f7de1", width: 1.5, points: { show: false } },
      { stroke: "#1f9d55", width: 1.5, points: { show: false }, scale: "workers" }],
  };
  new uPlot(options, [x, series.pending, series.ready], container);
}

function failure(pool) {
  const fail = pool.failure;
  return h("div", { class: "card", "data-failure": pool.name },
    h("h2", { class: "error" }, `Workers of pool ${pool.name} fail to start`),
    h("p", {}, `${fail.message} — ${fail.failures} in a row, last at ${time(fail.at)}; next try at ${time(fail.retryAt)}.`),
    fail.stderr ? h("pre", { class: "json-block mono" }, fail.stderr) : null);
}

/** The form that creates or changes a pool (null: a new one). */
function edit(editor, pool, refresh) {
  const field = (label, name, value, attrs = {}) =>
    h("label", {}, label, h("input", { name, value: value ?? "", ...attrs }));
  const form = h("form", { class: "search", id: "pool-form" },
    field("Pool", "name", pool?.name, { required: true, readonly: !!pool, placeholder: "common or a blueprint" }),
    field("Modules (comma-separated)", "modules", pool?.modules.join(", "), { style: "width:260px" }),
    field("Min", "minReplicas", pool?.minReplicas, { type: "number", min: 0, style: "width:70px" }),
    field("Max", "maxReplicas", pool?.maxReplicas, { type: "number", min: 1, style: "width:70px" }),
    field("Pending per worker", "targetPending", pool?.targetPending, { type: "number", min: 1, style: "width:90px" }),
    field("Cooldown (s)", "cooldownSeconds", pool?.cooldownSeconds, { type: "number", min: 0, step: "any", style: "width:90px" }),
    field("Jobs at once", "concurrency", pool?.concurrency, { type: "number", min: 1, style: "width:80px" }),
    h("label", { style: "flex-direction:row;gap:6px;align-items:center" }, h("input", { type: "checkbox", name: "roll" }), "roll over to new code"),
    h("button", { type: "submit", class: "primary" }, pool ? "Save" : "Create"),
    h("button", { type: "button", onclick: () => { editor.hidden = true; } }, "Cancel"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = {};
    const modules = String(data.get("modules") || "").split(",").map((m) => m.trim()).filter(Boolean);
    if (modules.length) body.modules = modules;
    for (const name of ["minReplicas", "maxReplicas", "targetPending", "concurrency"]) {
      if (data.get(name) !== "") body[name] = Number.parseInt(data.get(name), 10);
    }
    if (data.get("cooldownSeconds") !== "") body.cooldownSeconds = Number(data.get("cooldownSeconds"));
    if (data.get("roll")) body.roll = true;
    const name = String(data.get("name")).trim();
    await send(`/pools/${link(name)}`, "PUT", body, `pool ${name} saved`, editor, refresh);
  });
  editor.replaceChildren(h("h2", {}, pool ? `Change pool ${pool.name}` : "New pool"), form);
  editor.hidden = false;
}

/** The form that fixes a pool's size, or returns it to autoscaling. */
function scale(editor, pool, refresh) {
  // The gateway checks the bounds and says what is wrong, so the field does not.
  const count = h("input", { name: "replicas", type: "number", min: 0,
    value: pool.replicas ?? pool.desired ?? pool.minReplicas, style: "width:80px" });
  const path = `/pools/${link(pool.name)}/scale`;
  editor.replaceChildren(h("h2", {}, `Scale pool ${pool.name}`),
    h("form", { class: "search", id: "scale-form", onsubmit: async (event) => {
      event.preventDefault();
      await send(path, "POST", { replicas: Number.parseInt(count.value, 10) }, `pool ${pool.name}: ${count.value} workers`, editor, refresh);
    } },
    h("label", {}, `Workers (${pool.minReplicas} – ${pool.maxReplicas})`, count),
    h("button", { type: "submit", class: "primary" }, "Fix the size"),
    h("button", { type: "button", onclick: () => send(path, "POST", { replicas: null }, `pool ${pool.name} autoscales`, editor, refresh) }, "Autoscale"),
    h("button", { type: "button", onclick: () => { editor.hidden = true; } }, "Cancel")));
  editor.hidden = false;
}

async function send(path, method, body, done, editor, refresh) {
  try {
    await api(path, { method, body });
    toast(done);
    editor.hidden = true;
    refresh();
  } catch (error) {
    toast(error.message, "error");
  }
}
