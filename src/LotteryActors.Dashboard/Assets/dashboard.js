// The dashboard page: one card per search, redrawn whenever the server pushes that search (server-sent events).
// No library: the plots are SVG drawn here, so every byte the page needs comes from the lottery process.
"use strict";

const kinds = [
  { name: "ticket", label: "ticket (IMP)", color: "var(--ticket)" },
  { name: "random-reinit", label: "random re-init", color: "var(--random-reinit)" },
  { name: "random-mask", label: "random mask", color: "var(--random-mask)" },
];

const escape = text => String(text).replace(/[&<>"']/g,
  c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const percent = x => (100 * x).toFixed(x < 0.01 ? 2 : 1) + "%";

function bar(done, total) {
  const width = total > 0 ? (100 * done / total).toFixed(1) : 0;
  return `<div class="bar"><div style="width:${width}%"></div></div>`;
}

// Test accuracy against density (log scale, dense on the left) for one ticket: its own runs and its controls.
// The x ticks are the rounds' nominal densities, thinned to about six so that long searches stay legible.
function plot(ticket, runs, roundDensities) {
  const w = 360, h = 230, left = 42, right = 22, top = 22, bottom = 36;
  const densityFloor = roundDensities[roundDensities.length - 1];
  const accuracies = runs.map(r => r.testAccuracy);
  let low = Math.min(...accuracies, 1), high = Math.max(...accuracies, 0);
  if (runs.length === 0) { low = 0; high = 1; }
  const pad = Math.max(0.01, (high - low) * 0.15);
  low = Math.max(0, low - pad); high = Math.min(1, high + pad);
  const minLog = Math.log10(Math.min(densityFloor, ...runs.map(r => r.density)));
  const x = d => left + (w - left - right) * (minLog === 0 ? 0 : Math.log10(d) / minLog);
  const y = a => top + (h - top - bottom) * (high === low ? 0.5 : (high - a) / (high - low));
  const middle = (top + h - bottom) / 2;
  const parts = [`<text class="title" x="${left}" y="14">${escape(ticket)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const a = low + (high - low) * i / 4, yy = y(a).toFixed(1);
    parts.push(`<line x1="${left}" x2="${w - right}" y1="${yy}" y2="${yy}" stroke="#eceff2"/>`,
      `<text x="${left - 4}" y="${yy}" dy="3" text-anchor="end">${(100 * a).toFixed(1)}</text>`);
  }
  const every = Math.ceil(roundDensities.length / 6);
  roundDensities.filter((_, r) => r % every === 0).forEach(d => {
    const xx = x(d).toFixed(1);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${top}" y2="${h - bottom}" stroke="#eceff2"/>`,
      `<text x="${xx}" y="${h - bottom + 16}" text-anchor="middle">${percent(d)}</text>`);
  });
  parts.push(`<text x="${(left + w - right) / 2}" y="${h - 3}" text-anchor="middle">density</text>`,
    `<text x="10" y="${middle}" text-anchor="middle" transform="rotate(-90 10 ${middle})">test accuracy %</text>`);
  for (const kind of kinds) {
    // Controls start at round 1; their curve joins the ticket's dense run, where all three start (a dense-baseline
    // run, also at round 0, is not on any of these curves).
    const points = runs.filter(r => r.kind === kind.name || (r.round === 0 && r.kind === "ticket" && kind.name !== "ticket"))
      .sort((a, b) => a.round - b.round);
    if (points.length > 1)
      parts.push(`<polyline fill="none" stroke="${kind.color}" stroke-width="1.6" points="`
        + points.map(r => `${x(r.density).toFixed(1)},${y(r.testAccuracy).toFixed(1)}`).join(" ") + `"/>`);
    for (const r of points.filter(r => r.kind === kind.name))
      parts.push(`<circle class="run" cx="${x(r.density).toFixed(1)}" cy="${y(r.testAccuracy).toFixed(1)}" r="3.2" `
        + `fill="${kind.color}"><title>${escape(kind.label)}, round ${r.round}: ${percent(r.testAccuracy)} `
        + `at density ${percent(r.density)}</title></circle>`);
  }
  return `<div class="plot" data-ticket="${escape(ticket)}" data-runs="${runs.length}">`
    + `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" `
    + `aria-label="test accuracy against density, ${escape(ticket)}">${parts.join("")}</svg></div>`;
}

function comparison(view) {
  const s = view.search;
  if (!view.comparisonUrl || !s.ensemble) return "";
  const rows = s.ensemble.levels.map(l => `<tr><td class="num">${l.width}</td><td class="num">${l.round}</td>`
    + `<td class="num">${percent(l.density)}</td><td class="num">${percent(l.scores.meanMemberTestAccuracy)}</td>`
    + `<td class="num">${percent(l.scores.selectedMemberTestAccuracy)}</td>`
    + `<td class="num">${percent(l.scores.logitAverageTestAccuracy)}</td>`
    + `<td class="num">${percent(l.denseTestAccuracy)}</td></tr>`).join("");
  return `<h3>Comparison</h3><table><tr><th class="num">width</th><th class="num">round</th>`
    + `<th class="num">density</th><th class="num">mean ticket</th>`
    // Chosen on validation, reported on test: picking the best on test would flatter it.
    + `<th class="num" title="the ticket with the best validation accuracy, scored on test">selected ticket</th>`
    + `<th class="num">logit ensemble</th><th class="num">dense</th></tr>${rows}</table>`
    + `<p><a class="comparison" href="${escape(view.comparisonUrl)}">the comparison as JSON</a> · `
    + `<code>lottery report ${escape(s.searchId)} --out DIR</code> writes the full report</p>`;
}

function render(view) {
  const s = view.search;
  const runs = s.tickets.flatMap(t => t.runs);
  const roundDensities = Array.from({ length: s.spec.pruning.rounds + 1 },
    (_, r) => Math.pow(1 - s.spec.pruning.rate, r));
  const rows = view.progress.map(p => `<tr class="ticket ${p.phase === "failed" ? "failed" : ""}" `
    + `data-ticket="${escape(p.ticket)}"><td>${escape(p.ticket)}</td><td class="num">${p.width}</td>`
    + `<td class="progress"><div class="cell">${bar(p.runsDone, p.runsTotal)}`
    + `<span class="runs">${p.runsDone}/${p.runsTotal} runs</span></div></td>`
    + `<td class="num round">round ${p.round} of ${p.rounds}</td>`
    + `<td class="state-${p.phase}">${escape(p.phase)}</td></tr>`).join("");
  const failures = view.progress.filter(p => p.failure)
    .map(p => `<li><b>${escape(p.ticket)}</b>: <code>${escape(p.failure)}</code></li>`).join("");
  const plots = view.progress
    .map(p => plot(p.ticket, runs.filter(r => r.ticket === p.ticket), roundDensities)).join("");
  const legend = kinds.map(k => `<span><i style="background:${k.color}"></i>${k.label}</span>`).join("");
  return `<div class="search-head"><h2>${escape(s.name)}</h2><span class="id">${escape(s.searchId)}</span>`
    + `<span class="phase ${escape(s.phase)}">${escape(s.phase)}</span></div>`
    + `<div class="overall">${bar(s.runsDone, s.runsTotal)}<span class="overall-runs">${s.runsDone} of `
    + `${s.runsTotal} runs</span></div>`
    + `<div class="running-units">${runningUnits(units.get(s.searchId))}</div>`
    + `<h3>Tickets</h3><table><tr><th>ticket</th><th class="num">width</th><th>progress</th>`
    + `<th class="num">round</th><th>state</th></tr>${rows}</table>`
    + (failures ? `<h3>Failures</h3><ul class="failures">${failures}</ul>` : "")
    + `<h3>Accuracy against density</h3><div class="plots">${plots}</div><div class="legend">${legend}</div>`
    + comparison(view);
}

// The units running now, by what their coordinator last published (api/searches/{id}; not pushed, since it is not
// journaled): each one's share done, examples/s and ETA as its node measured them. None where nothing fresh is
// published: a stopped search shows no progress.
const units = new Map();
function duration(seconds) {
  const s = Math.round(seconds), m = Math.floor(s / 60), pad = n => String(n).padStart(2, "0");
  return s < 60 ? `${s}s` : m < 60 ? `${m}m ${pad(s % 60)}s` : `${Math.floor(m / 60)}h ${pad(m % 60)}m`;
}

function runningUnits(list) {
  if (!list || list.length === 0) return "";
  const rows = list.map(u => `<tr class="running-unit" data-unit="${escape(u.unit)}" data-round="${u.round ?? ""}" `
    + `data-kind="${escape(u.kind)}"><td>${unitName({ ...u, ticket: u.unit })}</td><td>${escape(u.node)}</td>`
    + `<td class="progress"><div class="cell">${u.fraction == null ? `<span class="muted">starting</span>`
      : `${bar(u.fraction, 1)}<span class="percent">${percent(u.fraction)}</span>`}</div></td>`
    + `<td class="num rate">${u.examplesPerSecond == null ? "–"
      : Math.round(u.examplesPerSecond).toLocaleString("en")}</td>`
    + `<td class="num eta">${u.etaSeconds == null ? "–" : duration(u.etaSeconds)}</td></tr>`).join("");
  return `<h3>Running now</h3><table><tr><th>unit</th><th>node</th><th>progress</th>`
    + `<th class="num">examples/s</th><th class="num">ETA</th></tr>${rows}</table>`;
}

async function refreshUnits() {
  for (const card of document.querySelectorAll("section.search[data-search]")) {
    const id = card.dataset.search;
    if (card.dataset.phase === "completed" || card.dataset.phase === "cancelled") {
      units.delete(id);
    } else {
      try {
        const response = await fetch(`api/searches/${encodeURIComponent(id)}`);
        if (!response.ok) continue;
        units.set(id, (await response.json()).searches[0].units);
      } catch {
        continue;
      }
    }
    const section = card.querySelector(".running-units");
    if (section) section.innerHTML = runningUnits(units.get(id));
  }
}

function show(view) {
  document.getElementById("empty")?.remove();
  const id = "search-" + view.search.searchId;
  let card = document.getElementById(id);
  if (!card) {
    card = document.createElement("section");
    card.id = id;
    card.className = "search";
    document.getElementById("searches").append(card);
  }
  card.dataset.phase = view.search.phase;
  card.dataset.search = view.search.searchId;
  card.innerHTML = render(view);
}

function unitName(u) {
  return u.round != null ? `${escape(u.ticket)} round ${u.round} ${escape(u.kind)}`
    : u.kind === "ensembles" ? "ensembles" : `${escape(u.ticket)} init`;
}

// The cluster's trainer nodes from its coordinator's journal: slots used and free, the units each runs, and the
// nodes that left (kept, greyed, so that a vanished machine is seen rather than silently dropped).
function renderCluster(view) {
  const up = view.nodes.filter(n => n.state === "up");
  const slots = up.reduce((sum, n) => sum + (n.slots ?? 0), 0);
  const used = up.reduce((sum, n) => sum + n.used, 0);
  const rows = view.nodes.map(n => `<tr class="node ${n.state}" data-node="${escape(n.address)}" `
    + `data-state="${n.state}"><td title="${escape(n.node)}">${escape(n.address)}</td>`
    + `<td class="state-${n.state}">${n.state}</td><td class="num slots">${n.slots ?? "?"}</td>`
    + `<td class="num used">${n.used}</td><td class="num free">${n.free ?? "–"}</td>`
    + `<td class="units">${n.units.map(u => `<span class="unit" title="search ${escape(u.search)}">`
      + `${unitName(u)}</span>`).join("") || `<span class="muted">idle</span>`}</td></tr>`).join("");
  return `<div class="search-head"><h2>Cluster</h2><span class="muted cluster-summary">${up.length} node(s) up, `
    + `${used} of ${slots} slots in use, ${view.waiting} unit(s) waiting</span></div>`
    + `<table><tr><th>node</th><th>state</th><th class="num">slots</th><th class="num">used</th>`
    + `<th class="num">free</th><th>running (ticket, round, kind)</th></tr>${rows}</table>`;
}

function showCluster(view) {
  const section = document.getElementById("cluster");
  section.hidden = view.nodes.length === 0;
  section.innerHTML = renderCluster(view);
}

const events = new EventSource("api/events");
const connection = document.getElementById("connection");
events.addEventListener("search", e => show(JSON.parse(e.data)));
events.addEventListener("cluster", e => showCluster(JSON.parse(e.data)));
events.onopen = () => { connection.textContent = "live"; connection.className = "connection live"; };
setInterval(refreshUnits, 2000);
// EventSource reconnects by itself; the server then sends every search again.
events.onerror = () => { connection.textContent = "reconnecting…"; connection.className = "connection"; };
