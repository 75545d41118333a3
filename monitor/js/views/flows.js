// Flows: a search form over the index, a live list one page at a time (the API's cursor:
// never everything), and a form to start a flow.

import { api, query } from "../api.js";
import { badge, duration, epoch, h, localInput, poll, time, toast } from "../dom.js";

const LIVE = 2000;
const STATUSES = ["RUNNING", "PAUSED", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];
const FIELDS = ["blueprint", "version", "status", "from", "to", "correlationId", "q", "sort", "limit"];

/** The Flows page; `params` (the hash's query) holds the search. */
export function mount(main, params) {
  const criteria = Object.fromEntries(FIELDS.map((name) => [name, params.get(name) || ""]));
  const body = h("tbody", {});
  const pager = h("div", { class: "toolbar pager" });
  const live = h("input", { type: "checkbox", checked: true, id: "live" });
  const starter = startForm(params.get("start"));
  main.append(
    h("div", { class: "toolbar" }, h("h1", {}, "Flows"), h("span", { class: "spacer" }),
      h("label", { style: "flex-direction:row;gap:6px;align-items:center" }, live, "live"),
      h("button", { type: "button", id: "show-start", onclick: () => { starter.hidden = !starter.hidden; } }, "Start a flow")),
    starter,
    h("div", { class: "card" }, searchForm(criteria)),
    h("div", { class: "card" }, h("table", { class: "flows" },
      h("thead", {}, h("tr", {}, ["Flow", "Blueprint", "Status", "States now", "Started", "Ended", "Duration", "Error"]
        .map((label) => h("th", {}, label)))), body), pager),
  );
  fillBlueprints(main);
  // Cursors of the pages before this one, to go back; the first page's is "".
  const cursors = [""];
  let next = null;
  const load = async () => {
    const search = { ...criteria, cursor: cursors.at(-1) };
    const page = await api(`/flows${query(search)}`);
    next = page.next;
    body.replaceChildren(...page.items.map(row));
    if (page.items.length === 0) body.append(h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No flow matches.")));
    pager.replaceChildren(
      h("button", { type: "button", disabled: cursors.length === 1, onclick: () => { cursors.pop(); stop.now(); } }, "← Newer"),
      h("span", { class: "muted" }, `page ${cursors.length}`),
      h("button", { type: "button", disabled: !next, id: "older", onclick: () => { cursors.push(next); stop.now(); } }, "Older →"));
    return live.checked ? LIVE : null;
  };
  const stop = poll(() => load().catch((error) => {
    body.replaceChildren(h("tr", {}, h("td", { colspan: 8, class: "error" }, error.message)));
    return error.status >= 500 ? LIVE * 2 : null;
  }));
  live.addEventListener("change", () => live.checked && stop.now());
  return stop;
}

function row(flow) {
  const took = flow.startedAt && (flow.endedAt ?? Date.now() / 1000) - flow.startedAt;
  return h("tr", { "data-flow": flow.id, "data-status": flow.status },
    h("td", {}, h("a", { class: "mono", href: `#/flows/${encodeURIComponent(flow.id)}` }, flow.id.slice(0, 13))),
    h("td", {}, `${flow.blueprint} `, h("span", { class: "muted" }, `v${flow.version}`)),
    h("td", {}, badge(flow.status)),
    h("td", { class: "clip" }, flow.currentStates.join(", ")),
    h("td", {}, time(flow.startedAt)),
    h("td", {}, time(flow.endedAt)),
    h("td", {}, duration(took)),
    h("td", { class: "clip error", title: flow.cause || "" }, flow.error || ""));
}

/** The search form: submitting it puts the criteria in the address (bookmarkable). */
function searchForm(criteria) {
  const input = (name, attrs = {}) => h("input", { name, value: criteria[name], ...attrs });
  const select = (name, options) => h("select", { name },
    options.map(([value, label]) => h("option", { value, selected: criteria[name] === value }, label)));
  const form = h("form", { class: "search", id: "search" },
    h("label", {}, "Blueprint", h("select", { name: "blueprint", "data-value": criteria.blueprint },
      h("option", { value: "" }, "any"))),
    h("label", {}, "Version", input("version", { type: "number", min: 1, style: "width:80px" })),
    h("label", {}, "Status", select("status", [["", "any"], ...STATUSES.map((s) => [s, s.toLowerCase()]),
      ["FAILED,TIMED_OUT,ABORTED", "any failure"]])),
    h("label", {}, "Started from", h("input", { name: "from", type: "datetime-local", value: localInput(criteria.from) })),
    h("label", {}, "to", h("input", { name: "to", type: "datetime-local", value: localInput(criteria.to) })),
    h("label", {}, "Correlation id", input("correlationId")),
    h("label", {}, "Text in input, output, error", input("q", { type: "search", placeholder: "words…" })),
    h("label", {}, "Sort", select("sort", [["-startedAt", "newest started"], ["startedAt", "oldest started"],
      ["-endedAt", "newest ended"], ["-updatedAt", "last updated"]])),
    h("button", { type: "submit", class: "primary" }, "Search"),
    h("a", { href: "#/flows" }, "clear"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    data.from = epoch(data.from);
    data.to = epoch(data.to);
    const next = `#/flows${query(data)}`;
    if (location.hash === next) window.dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = next;
  });
  return form;
}

/** The form to start a flow: blueprint, input JSON, correlation id. */
function startForm(preset) {
  const input = h("textarea", { name: "input", rows: 4, class: "mono", style: "width:100%" }, "{}");
  const form = h("form", { class: "card", id: "start", hidden: !preset },
    h("h2", {}, "Start a flow"),
    h("div", { class: "search", style: "display:flex;gap:10px;align-items:flex-end;flex-wrap:wrap" },
      h("label", {}, "Blueprint", h("select", { name: "blueprint", required: true, "data-value": preset || "" })),
      h("label", {}, "Correlation id", h("input", { name: "correlationId" }))),
    h("label", { style: "display:flex;margin-top:8px" }, "Input (JSON)", input),
    h("div", { class: "toolbar", style: "margin-top:8px" }, h("button", { type: "submit", class: "primary" }, "Start")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    let parsed;
    try {
      parsed = JSON.parse(data.input || "{}");
    } catch (error) {
      toast(`The input is not JSON: ${error.message}`, "error");
      return;
    }
    try {
      const started = await api("/flows", { method: "POST",
        body: { blueprint: data.blueprint, input: parsed, correlationId: data.correlationId || undefined } });
      toast(`Flow ${started.id.slice(0, 8)}… started`);
      location.hash = `#/flows/${encodeURIComponent(started.id)}`;
    } catch (error) {
      toast(error.message, "error");
    }
  });
  return form;
}

/** Fill every blueprint <select> of the page from the registry. */
async function fillBlueprints(main) {
  const list = await api("/blueprints");
  for (const select of main.querySelectorAll('select[name="blueprint"]')) {
    const chosen = select.dataset.value;
    for (const blueprint of list.items) {
      select.append(h("option", { value: blueprint.name, selected: blueprint.name === chosen }, blueprint.name));
    }
  }
}
