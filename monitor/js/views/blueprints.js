// Blueprints: each one's flows now and over the last 24 hours, with a sparkline; enable /
// disable. One blueprint: its figures, an hourly chart, its graph with the running flows
// in each state, and per-state durations and failures.

import { actionButton, activate } from "../actions.js";
import { api, query } from "../api.js";
import { hourly, hourlyChart, sparkline } from "../charts.js";
import { badge, duration, h, percent, poll } from "../dom.js";
import { drawGraph } from "../graph.js";

const REFRESH = 5000;
const COUNTS = [["RUNNING", "running"], ["PAUSED", "paused"], ["SUCCEEDED", "succeeded"],
  ["FAILED", "failed"], ["TIMED_OUT", "timed out"], ["ABORTED", "terminated"]];
const link = (name) => encodeURIComponent(name);

/** The list of blueprints. */
export function mount(main) {
  const body = h("tbody", {});
  main.append(
    h("div", { class: "toolbar" }, h("h1", {}, "Blueprints"), h("span", { class: "spacer" }),
      h("a", { class: "button", href: "#/composer" }, "New blueprint")),
    h("div", { class: "card" }, h("table", { class: "blueprints" },
      h("thead", {}, h("tr", {}, h("th", {}, "Blueprint"), h("th", {}, "Status"),
        COUNTS.map(([, label]) => h("th", { class: "num" }, label)),
        h("th", { class: "num" }, "ended 24 h"), h("th", { class: "num" }, "failure rate"),
        h("th", { class: "num" }, "per hour"), h("th", { class: "num" }, "p50 / p95"),
        h("th", {}, "last 24 h"), h("th", {}, ""))),
      body)),
  );
  const refresh = async () => {
    const [list, stats] = await Promise.all([api("/blueprints"), api("/stats")]);
    const byName = new Map(stats.items.map((item) => [item.blueprint, item]));
    const names = [...new Set([...list.items.map((b) => b.name), ...byName.keys()])].sort();
    const info = new Map(list.items.map((b) => [b.name, b]));
    body.replaceChildren(...names.map((name) => row(name, info.get(name), byName.get(name), stats)));
    if (names.length === 0) body.append(h("tr", {}, h("td", { colspan: 14, class: "muted" }, "No blueprint deployed yet.")));
    return REFRESH;
  };
  const stop = poll(refresh);
  main.addEventListener("sfc:changed", () => stop.now());
  return stop;
}

function row(name, info, stats, window) {
  const counts = stats?.counts || {};
  const spark = h("div", { class: "spark" });
  const tr = h("tr", { "data-blueprint": name },
    h("td", {}, h("a", { href: `#/blueprints/${link(name)}` }, h("b", {}, name)),
      info ? h("span", { class: "muted" }, ` v${info.latestVersion}`) : null),
    h("td", {}, info ? badge(info.enabled ? "SUCCEEDED" : null, info.enabled ? "enabled" : "disabled") : "—"),
    COUNTS.map(([status]) => h("td", { class: "num", "data-count": status },
      counts[status] ? h("a", { href: `#/flows${query({ blueprint: name, status })}` }, counts[status]) : "0")),
    h("td", { class: "num" }, stats?.ended ?? 0),
    h("td", { class: "num" }, percent(stats?.failureRate)),
    h("td", { class: "num" }, (stats?.throughputPerHour ?? 0).toFixed(1)),
    h("td", { class: "num" }, `${duration(stats?.p50Seconds)} / ${duration(stats?.p95Seconds)}`),
    h("td", {}, spark),
    h("td", {}, activate(h("div", { class: "toolbar", style: "margin:0" },
      h("a", { href: `#/flows${query({ start: name })}` }, "Start"),
      h("a", { href: `#/composer/${link(name)}` }, "Edit"),
      info ? actionButton(info.enabled ? "Disable" : "Enable",
        `/blueprints/${link(name)}/${info.enabled ? "disable" : "enable"}`,
        { done: `${name} ${info.enabled ? "disabled" : "enabled"}` }) : null))),
  );
  queueMicrotask(() => sparkline(spark, hourly(stats?.hours || [], window.from, window.to)));
  return tr;
}

/** One blueprint: figures, chart, graph with running flows per state, per-state table. */
export function mountOne(main, name, params) {
  const version = params.get("version") || "";
  const figures = h("div", { class: "figures" });
  const chart = h("div", {});
  const graph = h("div", { class: "graph" });
  const states = h("tbody", {});
  main.append(
    h("div", { class: "toolbar" }, h("h1", {}, name, version ? ` v${version}` : ""), h("span", { class: "spacer" }),
      h("a", { class: "button", href: `#/flows${query({ blueprint: name, version })}` }, "Flows"),
      h("a", { class: "button", href: `#/flows${query({ start: name })}` }, "Start a flow"),
      h("a", { class: "button", href: `#/composer/${link(name)}` }, "Edit")),
    h("div", { class: "card" }, figures, chart),
    h("div", { class: "row" },
      h("div", { class: "card grow" }, h("h2", {}, "Running flows in each state"), graph),
      h("div", { class: "card grow" }, h("h2", {}, "States, last 24 hours"), h("table", {},
        h("thead", {}, h("tr", {}, ["state", "running", "ended", "failed", "caught", "mean", "p50", "p95"]
          .map((label, i) => h("th", { class: i ? "num" : null }, label)))), states))),
  );
  let definition = null;
  let drawn = "";
  const refresh = async () => {
    const stats = await api(`/blueprints/${link(name)}/stats${query({ version })}`);
    if (!definition) {
      const path = version ? `/blueprints/${link(name)}/versions/${version}/graph` : null;
      const latest = path ? null : await api(`/blueprints/${link(name)}`);
      definition = path ? (await api(path)).graph
        : (await api(`/blueprints/${link(name)}/versions/${latest.latestVersion}/graph`)).graph;
    }
    const running = Object.fromEntries(stats.states.map((s) => [s.state, s.running]));
    if (JSON.stringify(running) !== drawn) {
      drawn = JSON.stringify(running);
      drawGraph(graph, definition, { counts: running });
    }
    showFigures(figures, stats);
    hourlyChart(chart, hourly(stats.hours, stats.from, stats.to), Math.max(chart.clientWidth, 600));
    states.replaceChildren(...stats.states.map((s) => h("tr", { "data-state": s.state },
      h("td", {}, s.state), h("td", { class: "num" }, s.running), h("td", { class: "num" }, s.ended),
      h("td", { class: "num" }, s.failed), h("td", { class: "num" }, s.caught),
      h("td", { class: "num" }, duration(s.meanSeconds)), h("td", { class: "num" }, duration(s.p50Seconds)),
      h("td", { class: "num" }, duration(s.p95Seconds)))));
    return REFRESH;
  };
  return poll(refresh);
}

function showFigures(element, stats) {
  const figure = (value, label) => h("div", { class: "figure" }, h("b", {}, value), h("span", {}, label));
  element.replaceChildren(
    ...COUNTS.map(([status, label]) => figure(stats.counts[status] ?? 0, `${label} now`)),
    figure(stats.started, "started 24 h"), figure(stats.ended, "ended 24 h"),
    figure(percent(stats.failureRate), "failure rate"), figure(stats.throughputPerHour.toFixed(1), "ended per hour"),
    figure(duration(stats.p50Seconds), "p50"), figure(duration(stats.p95Seconds), "p95"));
}
