// segfn's web debugger: the live list and the Event Delivery summary. Plain JavaScript, no build
// step. Every piece of event content goes into the page through textContent, never as markup.
"use strict";

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children || []) node.appendChild(child);
  return node;
}

// A label's badge is "badge is-<label>", as the server's templates name it; debugger.css gives each
// label's tone.
function badge(text, label) {
  return el("span", {class: "badge is-" + String(label || "unknown").toLowerCase().replace(/[^a-z0-9]+/g, "-"),
                     text: text});
}

function two(n) { return String(n).padStart(2, "0"); }

// Local date and time, "2025-03-01 10:00:01": a list spanning days must say which day.
function timeOf(iso) {
  if (!iso) return "-";
  const m = new Date(iso);
  if (isNaN(m)) return iso;
  return m.getFullYear() + "-" + two(m.getMonth() + 1) + "-" + two(m.getDate()) + " " + two(m.getHours()) + ":" +
    two(m.getMinutes()) + ":" + two(m.getSeconds());
}

function segfnList() {
  const form = document.getElementById("filters");
  form.addEventListener("submit", (event) => event.preventDefault());
  const rows = document.getElementById("rows");
  const status = document.getElementById("status");
  const empty = document.getElementById("empty");
  const live = document.getElementById("f-live");
  const names = ["q", "type", "outcome", "destination", "user", "event"];
  const fields = Object.fromEntries(names.map((n) => [n, form.elements[n]]));
  let last = null;
  let timer = null;
  let inFlight = false;

  const start = new URLSearchParams(location.search);
  for (const n of names) if (start.get(n)) fields[n].value = start.get(n);

  function query() {
    const params = new URLSearchParams();
    for (const n of names) if (fields[n].value) params.set(n, fields[n].value);
    return params;
  }

  function row(m) {
    const href = "/messages/" + m.seq;
    const outcomes = el("td", {class: "outcomes"});
    if (m.status === "rejected") {
      outcomes.appendChild(badge("rejected: " + (m.rejection && m.rejection.code || ""), "rejected"));
    } else if (m.status === "accepted") {
      outcomes.appendChild(badge("routing", "routing"));
    } else if (!m.deliveries.length) {
      outcomes.appendChild(el("span", {class: "muted", text: "no destinations"}));
    }
    for (const d of m.deliveries) {
      const label = d.destination + ": " + d.outcome + (d.category ? " (" + d.category + ")" : "");
      outcomes.appendChild(badge(label, d.outcome));
    }
    const name = el("a", {href: href, class: "name", text: m.name || (m.type === "identify" ? "identify" : "-")});
    const tr = el("tr", {"data-seq": String(m.seq), "data-type": m.type || "", class: "message"}, [
      el("td", {text: timeOf(m.receivedAt), title: m.receivedAt || ""}),
      el("td", {}, [el("span", {class: "type", text: m.type || "?"})]),
      el("td", {}, [name]),
      el("td", {text: m.userId || m.anonymousId || "-"}),
      outcomes,
    ]);
    tr.addEventListener("click", (event) => { if (event.target.tagName !== "A") location.href = href; });
    return tr;
  }

  async function refresh() {
    if (inFlight) return;
    inFlight = true;
    try {
      const params = query();
      history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
      const answer = await fetch("/__segfn__/messages?" + params, {cache: "no-store"});
      const data = await answer.json();
      if (!answer.ok) { status.textContent = data.error || "error"; return; }
      const text = JSON.stringify(data.messages);
      if (text !== last) {
        last = text;
        rows.replaceChildren(...data.messages.map(row));
      }
      empty.hidden = data.messages.length > 0 || params.toString() !== "";
      const stats = data.stats;
      status.textContent = stats.messages + " messages · " + (stats.unsettled || 0) + " in progress"
        + (stats.backlog ? " · backlog " + stats.backlog + ", oldest waiting " + stats.backlog_age_s + " s" : "");
    } catch (error) {
      status.textContent = "server unreachable";
    } finally {
      inFlight = false;
    }
  }

  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 150); });
  setInterval(() => { if (live.checked) refresh(); }, 1000);
  refresh();
}

const SERIES = [["delivered", "#2e7d32"], ["filtered", "#9e9e9e"], ["discarded", "#c62828"], ["retried", "#ef6c00"]];

function chart(series) {
  const ns = "http://www.w3.org/2000/svg";
  const width = 600, height = 120, gap = 2;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 " + width + " " + (height + 16));
  svg.setAttribute("class", "chart");
  const max = Math.max(1, ...series.map((b) => SERIES.reduce((sum, [k]) => sum + b[k], 0)));
  const barWidth = width / series.length - gap;
  series.forEach((bucket, i) => {
    let y = height;
    for (const [key, colour] of SERIES) {
      if (!bucket[key]) continue;
      const h = (bucket[key] / max) * height;
      y -= h;
      const rect = document.createElementNS(ns, "rect");
      rect.setAttribute("x", String(i * (barWidth + gap)));
      rect.setAttribute("y", String(y));
      rect.setAttribute("width", String(barWidth));
      rect.setAttribute("height", String(h));
      rect.setAttribute("fill", colour);
      const title = document.createElementNS(ns, "title");
      title.textContent = timeOf(new Date(bucket.start * 1000).toISOString()) + " " + key + ": " + bucket[key];
      rect.appendChild(title);
      svg.appendChild(rect);
    }
  });
  const label = document.createElementNS(ns, "text");
  label.setAttribute("x", "0");
  label.setAttribute("y", String(height + 14));
  label.setAttribute("class", "axis");
  label.textContent = series.length ? timeOf(new Date(series[0].start * 1000).toISOString()) + " → now" : "";
  svg.appendChild(label);
  return svg;
}

function counts(title, mapping) {
  const entries = Object.entries(mapping || {});
  if (!entries.length) return el("span");
  return el("ul", {class: "breakdown"}, entries.map(([k, v]) => el("li", {text: title + " " + k + ": " + v})));
}

function segfnSummary() {
  document.getElementById("summary-form").addEventListener("submit", (event) => event.preventDefault());
  const target = document.getElementById("summary");
  const status = document.getElementById("status");
  const bucket = document.getElementById("bucket");

  async function refresh() {
    try {
      const answer = await fetch("/__segfn__/summary?buckets=30&bucket=" + bucket.value, {cache: "no-store"});
      const data = await answer.json();
      const cards = data.destinations.map((d) => el("section", {class: "card summary", "data-destination": d.destination}, [
        el("h3", {text: d.destination}),
        el("p", {class: "totals"}, [
          badge("delivered " + d.delivered, "delivered"), badge("filtered " + d.filtered, "filtered"),
          badge("discarded " + d.discarded, "discarded"), badge("retrying " + d.retrying, "retrying"),
          badge("waiting " + d.pending, "waiting"),
        ]),
        counts("filtered at", d.filtered_by_stage),
        counts("discarded:", d.discarded_by_category),
        chart(d.series),
        el("p", {class: "legend"}, SERIES.map(([k]) => el("span", {class: "is-" + k, text: k}))),
      ]));
      if (!cards.length) cards.push(el("p", {text: "No deliveries yet."}));
      target.replaceChildren(...cards);
      status.textContent = data.rejected + " rejected by the Tracking API";
    } catch (error) {
      status.textContent = "server unreachable";
    }
  }
  bucket.addEventListener("change", refresh);
  setInterval(refresh, 2000);
  refresh();
}

// Each page names itself on <body data-page>; no inline script starts anything.
document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page === "list") segfnList();
  else if (page === "destinations") segfnSummary();
});
