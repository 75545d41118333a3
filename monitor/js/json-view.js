// A collapsible JSON viewer. Objects and arrays are <details>; their children are built
// when first opened, so a large payload costs nothing until someone looks into it.

import { h } from "./dom.js";

const OPEN_DEPTH = 2; // levels open at first

/** The viewer of `value`, in a scrollable block. */
export function jsonView(value) {
  return h("div", { class: "json json-block" }, node(value, 0));
}

function node(value, depth) {
  if (value === null) return h("span", { class: "z" }, "null");
  if (typeof value === "string") return h("span", { class: "s" }, JSON.stringify(value));
  if (typeof value === "number") return h("span", { class: "n" }, String(value));
  if (typeof value === "boolean") return h("span", { class: "b" }, String(value));
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) return document.createTextNode(open + close);
  const details = h("details", {}, h("summary", {}, `${open} ${entries.length} ${Array.isArray(value) ? "items" : "keys"}`));
  const fill = () => {
    if (details.dataset.filled) return;
    details.dataset.filled = "1";
    for (const [key, item] of entries) {
      const line = h("div", {});
      if (!Array.isArray(value)) line.append(h("span", { class: "k" }, JSON.stringify(key)), ": ");
      line.append(node(item, depth + 1));
      details.append(line);
    }
    details.append(close);
  };
  details.addEventListener("toggle", fill);
  if (depth < OPEN_DEPTH) {
    details.open = true;
    fill();
  }
  return details;
}
