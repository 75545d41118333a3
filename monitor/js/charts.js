// Charts drawn with uPlot: a sparkline of flows per hour, and a bigger hourly chart.

const HOUR = 3600;
const COLOURS = { started: "#2f7de1", succeeded: "#1f9d55", failed: "#d64545" };

/** Hourly series over [from, to) from the API's `hours` (hours without flows count 0). */
export function hourly(hours, from, to) {
  const first = Math.floor(from / HOUR) * HOUR;
  const byHour = new Map(hours.map((hour) => [hour.hour, hour]));
  const x = [], started = [], succeeded = [], failed = [];
  for (let at = first; at < to; at += HOUR) {
    const hour = byHour.get(at);
    x.push(at);
    started.push(hour?.started ?? 0);
    succeeded.push(hour?.succeeded ?? 0);
    failed.push(hour?.failed ?? 0);
  }
  return { x, started, succeeded, failed };
}

/** A small chart without axes: flows ended per hour (green) and failed (red). */
export function sparkline(container, series) {
  container.innerHTML = "";
  return new uPlot({
    width: 160, height: 36, legend: { show: false }, cursor: { show: false },
    scales: { x: { time: false } }, axes: [{ show: false }, { show: false }],
    series: [{}, line(COLOURS.succeeded, "ended"), line(COLOURS.failed, "failed")],
  }, [series.x, series.succeeded.map((n, i) => n + series.failed[i]), series.failed], container);
}

/** Flows started, succeeded and failed per hour, with time and count axes. */
export function hourlyChart(container, series, width) {
  container.innerHTML = "";
  return new uPlot({
    width, height: 180, scales: { x: { time: true } },
    series: [{}, line(COLOURS.started, "started"), line(COLOURS.succeeded, "succeeded"), line(COLOURS.failed, "failed")],
  }, [series.x, series.started, series.succeeded, series.failed], container);
}

function line(stroke, label) {
  return { label, stroke, width: 1.5, points: { show: false } };
}
