// The composer: a blueprint as JSON text with live validation (problems at their line),
// a live graph preview, deploys as new versions, version history with diffs, and copies
// under a new name. Validation and the graph are the server's (POST /validate).

import { api, query } from "../api.js";
import { h, time, toast } from "../dom.js";
import { drawGraph } from "../graph.js";

const LINE_HEIGHT = 19; // px, as in app.css (.editor textarea)
const DEBOUNCE = 350;
const TEMPLATE = {
  Comment: "A new blueprint",
  StartAt: "Hello",
  States: { Hello: { Type: "Pass", Result: { hello: "world" }, End: true } },
};

/** The composer for blueprint `name` (a new one when undefined). */
export function mount(main, name, params) {
  const ui = layout(main, name);
  const state = { name, timer: null, last: null, seq: 0 };
  ui.text.addEventListener("input", () => {
    ui.renderGutter();
    clearTimeout(state.timer);
    state.timer = setTimeout(() => check(ui, state), DEBOUNCE);
  });
  ui.deploy.addEventListener("click", () => deploy(ui, state, ui.name.value.trim()));
  ui.copy.addEventListener("click", () => copy(ui, state));
  load(ui, state, name, params.get("version"));
  return () => clearTimeout(state.timer);
}

function layout(main, name) {
  const text = h("textarea", { id: "editor", spellcheck: "false", wrap: "off", "aria-label": "Blueprint JSON" });
  const gutter = h("div", { class: "gutter", id: "gutter" });
  const ui = {
    text,
    gutter,
    name: h("input", { id: "bp-name", value: name || "", placeholder: "name", required: true }),
    comment: h("input", { id: "bp-comment", placeholder: "comment for this version", style: "width:260px" }),
    deploy: h("button", { type: "button", class: "primary", id: "deploy" }, "Deploy new version"),
    copyName: h("input", { id: "copy-name", placeholder: "new name" }),
    copy: h("button", { type: "button", id: "copy" }, "Copy as"),
    status: h("div", { class: "status-line", id: "validation" }, ""),
    problems: h("ul", { class: "problems", id: "problems" }),
    graph: h("div", { class: "graph", id: "preview", style: "min-height:520px" }),
    versions: h("div", { id: "versions" }),
    diff: h("div", { id: "diff" }),
    marked: new Map(),
  };
  ui.renderGutter = () => {
    const lines = text.value.split("\n").length;
    const rows = [];
    for (let line = 1; line <= lines; line++) {
      const problems = ui.marked.get(line);
      rows.push(h("div", { class: problems ? "error" : null, "data-line": line, title: problems?.join("\n") }, line));
    }
    gutter.replaceChildren(...rows);
    gutter.scrollTop = text.scrollTop;
  };
  text.addEventListener("scroll", () => { gutter.scrollTop = text.scrollTop; });
  text.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    event.preventDefault();
    text.setRangeText("  ", text.selectionStart, text.selectionEnd, "end");
    text.dispatchEvent(new Event("input"));
  });
  main.append(
    h("div", { class: "toolbar" }, h("h1", { style: "margin:0" }, "Composer"), ui.name, ui.comment, ui.deploy,
      h("span", { class: "spacer" }), ui.copyName, ui.copy),
    h("div", { class: "composer" },
      h("div", {}, h("div", { class: "editor" }, gutter, text), ui.status, ui.problems),
      h("div", {}, h("div", { class: "card" }, h("h2", {}, "Preview"), ui.graph))),
    h("div", { class: "card" }, h("h2", {}, "Versions"), ui.versions, ui.diff),
  );
  return ui;
}

async function load(ui, state, name, version) {
  let definition = TEMPLATE;
  if (name) {
    try {
      const found = version
        ? await api(`/blueprints/${encodeURIComponent(name)}/versions/${version}`)
        : await api(`/blueprints/${encodeURIComponent(name)}`);
      definition = found.definition;
      ui.comment.value = "";
      showVersions(ui, name);
    } catch (error) {
      toast(error.status === 404 ? `No blueprint ${name} yet: deploy it to create it` : error.message, error.status === 404 ? "info" : "error");
    }
  }
  ui.text.value = JSON.stringify(definition, null, 2);
  ui.renderGutter();
  check(ui, state);
}

/** Validate the text now; show the problems, their lines and the graph. */
async function check(ui, state) {
  const seq = ++state.seq;
  const text = ui.text.value;
  const result = await api("/validate", { method: "POST", body: { text } });
  if (seq !== state.seq) return null; // a newer check is under way
  state.last = result;
  ui.marked = new Map();
  for (const problem of result.problems) {
    ui.marked.set(problem.line, [...(ui.marked.get(problem.line) || []), problem.message]);
  }
  ui.renderGutter();
  ui.status.className = `status-line ${result.valid ? "ok" : "error"}`;
  ui.status.textContent = result.valid ? "Valid" : `${result.problems.length} problem(s)`;
  ui.problems.replaceChildren(...result.problems.map((problem) =>
    h("li", { "data-line": problem.line, "data-code": problem.code, onclick: () => jump(ui.text, problem.line, problem.column) },
      h("span", { class: "at" }, `line ${problem.line}:${problem.column}`), problem.message,
      h("span", { class: "muted" }, ` [${problem.code}] ${problem.pointer}`))));
  if (result.graph) {
    const ids = result.graph.nodes.map((node) => node.id);
    const problems = new Set(result.problems.map((p) => ownerOf(p.pointer, ids)).filter(Boolean));
    drawGraph(ui.graph, result.graph, { problems });
  }
  return result;
}

/** The node (state) a problem's pointer is inside of: the longest id it starts with. */
function ownerOf(pointer, ids) {
  return ids.filter((id) => pointer === id || pointer.startsWith(`${id}/`)).sort((a, b) => b.length - a.length)[0];
}

function jump(text, line, column) {
  const lines = text.value.split("\n");
  const offset = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + column - 1;
  text.focus();
  text.setSelectionRange(offset, offset);
  text.scrollTop = Math.max(0, (line - 5) * LINE_HEIGHT);
}

/** Deploy the text as the next version of `name`: refused, with its problems, if invalid. */
async function deploy(ui, state, name) {
  if (!name) {
    toast("Give the blueprint a name first", "error");
    ui.name.focus();
    return false;
  }
  clearTimeout(state.timer);
  const result = await check(ui, state);
  if (!result || !result.valid) {
    ui.status.textContent = `Not deployed: ${result ? result.problems.length : "?"} problem(s) to fix`;
    ui.status.className = "status-line error";
    if (result?.problems.length) jump(ui.text, result.problems[0].line, result.problems[0].column);
    return false;
  }
  try {
    const body = { name, definition: JSON.parse(ui.text.value), comment: ui.comment.value.trim() || undefined };
    const deployed = await api("/blueprints", { method: "POST", body });
    toast(`Deployed ${deployed.name} v${deployed.version}`);
    ui.status.textContent = `Deployed ${deployed.name} v${deployed.version}`;
    ui.status.className = "status-line ok";
    ui.comment.value = "";
    showVersions(ui, deployed.name);
    if (decodeURIComponent(location.hash) !== `#/composer/${deployed.name}`) {
      history.replaceState(null, "", `#/composer/${encodeURIComponent(deployed.name)}`);
    }
    return true;
  } catch (error) {
    toast(error.message, "error");
    ui.status.textContent = `Not deployed: ${error.message}`;
    ui.status.className = "status-line error";
    return false;
  }
}

/** Deploy the text under a new name, then edit that copy. */
async function copy(ui, state) {
  const name = ui.copyName.value.trim();
  if (!name) {
    toast("Type the copy's name first", "error");
    ui.copyName.focus();
    return;
  }
  if (await deploy(ui, state, name)) {
    ui.name.value = name;
    ui.copyName.value = "";
  }
}

/** The version history of `name`, with two versions to compare. */
async function showVersions(ui, name) {
  const list = await api(`/blueprints/${encodeURIComponent(name)}/versions`);
  const items = list.items.slice().reverse();
  const pick = (group, checked) => (version) => h("input", { type: "radio", name: group, value: version, checked: version === checked });
  const older = pick("from", items[1]?.version ?? items[0]?.version);
  const newer = pick("to", items[0]?.version);
  const form = h("form", { id: "diff-form" },
    h("table", { class: "versions" }, h("thead", {}, h("tr", {}, ["from", "to", "version", "deployed", "comment", ""]
      .map((label) => h("th", {}, label)))),
    h("tbody", {}, items.map((item) => h("tr", { "data-version": item.version },
      h("td", {}, older(item.version)), h("td", {}, newer(item.version)), h("td", {}, `v${item.version}`),
      h("td", {}, time(item.deployedAt)), h("td", { class: "clip" }, item.comment || ""),
      h("td", {}, h("a", { href: `#/composer/${encodeURIComponent(name)}${query({ version: item.version })}` }, "open")))))),
    h("div", { class: "toolbar", style: "margin-top:8px" }, h("button", { type: "submit", id: "show-diff" }, "Show diff")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const diff = await api(`/blueprints/${encodeURIComponent(name)}/diff${query(data)}`);
    ui.diff.replaceChildren(diffView(diff));
  });
  ui.versions.replaceChildren(form);
}

function diffView(diff) {
  const { added, removed, changed } = diff.states;
  const summary = h("p", {}, `v${diff.from} → v${diff.to}: `,
    `states added ${added.join(", ") || "none"}; removed ${removed.join(", ") || "none"}; changed ${changed.join(", ") || "none"}`);
  const lines = (diff.diff || "(no difference)\n").split("\n").map((line) => {
    const kind = line.startsWith("+") && !line.startsWith("+++") ? "add"
      : line.startsWith("-") && !line.startsWith("---") ? "del" : line.startsWith("@@") ? "hunk" : null;
    return h("span", { class: kind }, `${line}\n`);
  });
  return h("div", {}, summary, h("div", { class: "diff", id: "diff-text" }, lines));
}
