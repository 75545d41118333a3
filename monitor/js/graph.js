// A blueprint graph (from the API: nodes, groups, edges) laid out with dagre, drawn as SVG.
// Nodes carry data-name / data-status so pages and tests can find them; the colours of the
// statuses are in app.css.

const NODE_HEIGHT = 40;
const CHAR_WIDTH = 7;
let drawn = 0; // numbers each drawing's marker id: several graphs may share a page

const esc = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/**
 * Draw `graph` into `container` (replacing what was there).
 * @param {HTMLElement} container
 * @param {{start: string|null, nodes: object[], groups: object[], edges: object[]}} graph
 * @param {{counts?: Object<string, number>, problems?: Set<string>, onNode?: Function}} options
 *   counts: a number shown on a node (by name): running flows in it;
 *   problems: ids of nodes to mark as having a problem; onNode: called with a clicked node.
 */
export function drawGraph(container, graph, { counts = {}, problems = new Set(), onNode } = {}) {
  if (!graph || graph.nodes.length === 0) {
    container.innerHTML = '<p class="muted" style="padding:12px">No state to draw.</p>';
    return;
  }
  const layout = lay(graph);
  const { width, height } = layout.graph();
  const marker = `arrow-${++drawn}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="max-width:100%;height:auto">`,
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#8892a3"/></marker></defs>`,
  ];
  for (const group of graph.groups) parts.push(cluster(layout.node(group.id), group));
  for (const id of layout.edges()) {
    const edge = layout.edge(id);
    if (!edge.hidden) parts.push(path(edge, marker));
  }
  for (const node of graph.nodes) {
    parts.push(box(layout.node(node.id), node, counts[node.name], problems.has(node.id), !!onNode));
  }
  if (graph.start) parts.push(startMark(layout.node(graph.start), marker));
  parts.push("</svg>");
  container.innerHTML = parts.join("");
  if (onNode) {
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    container.querySelectorAll("g.node").forEach((element) =>
      element.addEventListener("click", () => onNode(byId.get(element.dataset.id))),
    );
  }
}

/** The dagre layout: groups are clusters; hidden edges keep what follows a group below it. */
function lay(graph) {
  const layout = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  layout.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 42, edgesep: 12, marginx: 16, marginy: 28 });
  layout.setDefaultEdgeLabel(() => ({}));
  for (const group of graph.groups) layout.setNode(group.id, { group });
  for (const group of graph.groups) if (group.parent) layout.setParent(group.id, group.parent);
  for (const node of graph.nodes) {
    const text = Math.max(node.name.length, node.type.length + 2);
    layout.setNode(node.id, { width: Math.max(110, text * CHAR_WIDTH + 28), height: NODE_HEIGHT });
    if (node.group) layout.setParent(node.id, node.group);
  }
  graph.edges.forEach((edge, index) => {
    const label = edge.label || "";
    layout.setEdge(edge.source, edge.target,
      { edge, width: label.length * 6, height: label ? 14 : 0, labelpos: "c" }, `e${index}`);
  });
  // Layout only: a Parallel or Map state's successors sit below the states its groups end in.
  for (const group of graph.groups) {
    const after = graph.edges.filter((e) => e.source === group.state && e.kind === "next");
    for (const end of group.ends) {
      for (const edge of after) layout.setEdge(end, edge.target, { hidden: true }, `h${end}>${edge.target}`);
    }
  }
  dagre.layout(layout);
  return layout;
}

function cluster(place, group) {
  const x = place.x - place.width / 2;
  const y = place.y - place.height / 2;
  return `<g class="cluster" data-id="${esc(group.id)}" data-kind="${group.kind}">` +
    `<rect x="${x}" y="${y - 14}" width="${place.width}" height="${place.height + 14}" rx="8"/>` +
    `<text x="${x + 8}" y="${y - 2}">${esc(group.label)}</text></g>`;
}

function box(place, node, count, problem, clickable) {
  const x = place.x - place.width / 2;
  const y = place.y - place.height / 2;
  const classes = ["node", node.start && "start", problem && "problem", clickable && "clickable"].filter(Boolean);
  const title = [node.name, node.type, node.resource, node.status && `${node.status} · entered ${node.entered}×`]
    .filter(Boolean).join("\n");
  let svg = `<g class="${classes.join(" ")}" data-id="${esc(node.id)}" data-name="${esc(node.name)}" ` +
    `data-type="${esc(node.type)}" data-status="${node.status || ""}"><title>${esc(title)}</title>` +
    `<rect x="${x}" y="${y}" width="${place.width}" height="${place.height}" rx="6"/>` +
    `<text x="${place.x}" y="${place.y - 3}" text-anchor="middle">${esc(node.name)}</text>` +
    `<text class="type" x="${place.x}" y="${place.y + 12}" text-anchor="middle">${esc(node.type)}</text>`;
  if (count) {
    const cx = x + place.width - 4;
    svg += `<circle class="badge-count" cx="${cx}" cy="${y + 4}" r="10"/>` +
      `<text x="${cx}" y="${y + 8}" text-anchor="middle" data-count="${count}">${count > 999 ? "1k+" : count}</text>`;
  }
  return svg + "</g>";
}

function path(place, marker) {
  const points = place.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" L");
  const edge = place.edge;
  const label = edge.label
    ? `<text x="${place.x}" y="${place.y + 4}" text-anchor="middle">${esc(edge.label)}</text>`
    : "";
  return `<g class="edge ${edge.kind}" data-kind="${edge.kind}"><path d="M${points}" marker-end="url(#${marker})"/>${label}</g>`;
}

function startMark(place, marker) {
  if (!place) return "";
  const top = place.y - place.height / 2;
  return `<g class="start-mark"><circle cx="${place.x}" cy="${top - 20}" r="5" fill="#1d2330"/>` +
    `<path d="M${place.x},${top - 15} L${place.x},${top - 1}" stroke="#1d2330" marker-end="url(#${marker})"/></g>`;
}

/** The colour legend under a flow's graph. */
export function legend() {
  const entries = [["RUNNING", "running"], ["SUCCEEDED", "succeeded"], ["FAILED", "failed"],
    ["CAUGHT", "caught"], ["CANCELLED", "cancelled"]];
  return `<div class="legend">${entries.map(([status, css]) =>
    `<span><i style="background:var(--${css})"></i>${status.toLowerCase()}</span>`).join("")}` +
    `<span><i style="background:#fff;border:1px solid #98a2b3"></i>not entered</span></div>`;
}
