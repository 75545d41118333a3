// A flow's steps as a timeline: one row per step, a bar from entered to exited (or now).

import { duration, h } from "./dom.js";

const MAX_ROWS = 400; // a Map over thousands of items would make a page no one reads

/**
 * The timeline element of `steps` (as the API's /flows/{id}/steps gives them).
 * @param {object[]} steps
 * @param {number} now - epoch seconds: where running steps end
 */
export function gantt(steps, now, onStep) {
  if (steps.length === 0) return h("p", { class: "muted" }, "No step yet.");
  const start = Math.min(...steps.map((s) => s.enteredAt));
  const end = Math.max(...steps.map((s) => s.exitedAt ?? now), start + 0.001);
  const span = end - start;
  const rows = steps.slice(0, MAX_ROWS).map((step) => {
    const until = step.exitedAt ?? now;
    const left = ((step.enteredAt - start) / span) * 100;
    const width = Math.max(((until - step.enteredAt) / span) * 100, 0.2);
    const label = step.attempt ? `${step.state} (attempt ${step.attempt + 1})` : step.state;
    return h("div", { class: "gantt-row", "data-seq": step.seq },
      h("a", { class: "gantt-label", href: `#step-${step.seq}`, title: `${label} · thread ${step.thread}`,
        onclick: (event) => { event.preventDefault(); onStep?.(step); } }, label),
      h("div", { class: "gantt-track" },
        h("div", { class: "gantt-bar", "data-status": step.status, "data-state": step.state,
          style: `left:${left.toFixed(3)}%;width:${width.toFixed(3)}%`,
          title: `${step.state}: ${step.status}, ${duration(until - step.enteredAt)}` })),
      h("span", { class: "muted" }, duration(until - step.enteredAt)));
  });
  const more = steps.length > MAX_ROWS ? h("p", { class: "muted" }, `… and ${steps.length - MAX_ROWS} more steps`) : null;
  const axis = h("div", { class: "gantt-axis" }, h("span", {}, "0"), h("span", {}, duration(span / 2)), h("span", {}, duration(span)));
  return h("div", { class: "gantt" }, rows, more, axis);
}
