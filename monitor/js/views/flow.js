// One flow: its status and actions, its blueprint drawn with each state coloured by what
// happened to it, a timeline of its steps, and every step's input and output.

import { flowActions } from "../actions.js";
import { api } from "../api.js";
import { badge, duration, h, poll, time } from "../dom.js";
import { gantt } from "../gantt.js";
import { drawGraph, legend } from "../graph.js";
import { jsonView } from "../json-view.js";

const ACTIVE = 1000; // refresh while the flow runs
const IDLE = 10000; // and, slower, once it ended (someone may retry it elsewhere)
const ENDED = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];

/** The flow page of `id`. */
export function mount(main, id) {
  const path = `/flows/${encodeURIComponent(id)}`;
  const head = h("div", { class: "card flow-head" }, h("p", { class: "muted" }, "Loading…"));
  const graph = h("div", { class: "graph", id: "flow-graph" });
  const timeline = h("div", { id: "timeline" });
  const steps = h("div", { class: "steps", id: "steps" });
  const data = h("div", { class: "row" });
  main.append(
    h("h1", {}, "Flow ", h("span", { class: "mono" }, id)),
    head,
    h("div", { class: "row" },
      h("div", { class: "card grow" }, h("h2", {}, "Graph"), graph, legendElement()),
      h("div", { class: "card grow" }, h("h2", {}, "Timeline"), timeline)),
    h("div", { class: "card" }, h("h2", {}, "Input and output"), data),
    h("div", { class: "card" }, h("h2", {}, "Steps"), steps),
  );
  const seen = { graph: "", steps: "", flow: "" };
  let missing = 0;
  const refresh = async () => {
    let flow;
    try {
      flow = await api(path);
    } catch (error) {
      // A flow started a moment ago may not be indexed yet: wait for it a little.
      if (error.status === 404 && ++missing < 30) return 500;
      head.replaceChildren(h("p", { class: "error" }, error.message));
      return null;
    }
    const [stepList, drawn] = await Promise.all([api(`${path}/steps`), api(`${path}/graph`).catch(() => null)]);
    const flowKey = JSON.stringify([flow.status, flow.updatedAt, flow.endedAt]);
    if (flowKey !== seen.flow) {
      seen.flow = flowKey;
      head.replaceChildren(...summary(flow));
      data.replaceChildren(
        h("div", { class: "grow" }, h("h3", {}, "Input"), jsonView(flow.input)),
        h("div", { class: "grow" }, h("h3", {}, flow.error ? "Error" : "Output"),
          flow.error ? h("p", { class: "error" }, `${flow.error}: ${flow.cause || ""}`) : jsonView(flow.output)));
    }
    const graphKey = JSON.stringify(drawn?.graph.nodes.map((n) => [n.status, n.entered]));
    if (drawn && graphKey !== seen.graph) {
      seen.graph = graphKey;
      drawGraph(graph, drawn.graph, { onNode: (node) => openStep(steps, node.name) });
    }
    const now = Date.now() / 1000;
    timeline.replaceChildren(gantt(stepList.items, flow.endedAt ?? now, (step) => openStep(steps, step.state, step.seq)));
    const stepsKey = JSON.stringify(stepList.items.map((s) => [s.seq, s.status, s.exitedAt, s.attempt]));
    if (stepsKey !== seen.steps) {
      seen.steps = stepsKey;
      // Steps someone opened stay open when the list is rebuilt.
      const open = new Set([...steps.querySelectorAll("details.step[open]")].map((d) => d.id));
      steps.replaceChildren(...stepList.items.map(stepDetails));
      for (const id of open) steps.querySelector(`#${id}`)?.setAttribute("open", "");
    }
    return ENDED.includes(flow.status) ? IDLE : ACTIVE;
  };
  const stop = poll(refresh);
  // After an action (retry, resume, ...) refresh at once, then at the running pace.
  main.addEventListener("sfc:changed", () => setTimeout(stop.now, 300));
  return stop;
}

function summary(flow) {
  const took = flow.startedAt && (flow.endedAt ?? Date.now() / 1000) - flow.startedAt;
  const field = (label, value) => h("div", { class: "figure" }, h("span", {}, label), h("div", {}, value));
  return [
    h("div", { class: "figures" },
      field("Status", badge(flow.status)),
      field("Blueprint", h("a", { href: `#/blueprints/${encodeURIComponent(flow.blueprint)}?version=${flow.version}` },
        `${flow.blueprint} v${flow.version}`)),
      field("Started", time(flow.startedAt)),
      field("Ended", time(flow.endedAt)),
      field("Duration", duration(took)),
      field("States now", flow.currentStates.join(", ") || "—"),
      field("Correlation id", flow.correlationId || "—"),
      field("Runs", String(flow.run + 1))),
    flow.error ? h("p", { class: "error" }, h("b", {}, flow.error), " ", flow.cause || "") : null,
    flowActions(flow),
  ].filter(Boolean);
}

function stepDetails(step) {
  const took = step.exitedAt ? duration(step.exitedAt - step.enteredAt) : "running";
  const retries = step.attempt ? ` · attempt ${step.attempt + 1}` : "";
  return h("details", { class: "step", id: `step-${step.seq}`, "data-state": step.state, "data-status": step.status },
    h("summary", {}, badge(step.status), " ", h("b", {}, step.state), h("span", { class: "muted" },
      ` · ${time(step.enteredAt)} · ${took}${retries}${step.thread ? ` · thread ${step.thread}` : ""}${step.worker ? ` · worker ${step.worker}` : ""}`)),
    h("div", { class: "step-body" },
      h("div", {}, h("h3", {}, "Input"), jsonView(step.input)),
      h("div", {}, h("h3", {}, step.error ? "Error" : "Output"),
        step.error ? h("p", { class: "error" }, h("b", {}, step.error), " ", step.cause || "") : jsonView(step.output))));
}

/** Open the step (the last one of a state, unless `seq` names one) and scroll to it. */
function openStep(container, state, seq) {
  const all = [...container.querySelectorAll("details.step")];
  const found = seq ? container.querySelector(`#step-${seq}`) : all.filter((d) => d.dataset.state === state).at(-1);
  if (!found) return;
  found.open = true;
  found.scrollIntoView({ behavior: "smooth", block: "center" });
}

function legendElement() {
  const element = h("div", {});
  element.innerHTML = legend();
  return element;
}
