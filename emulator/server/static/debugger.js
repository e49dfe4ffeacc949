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

const BADGES = {delivered: "ok", filtered: "muted", discarded: "bad", rejected: "bad",
                retrying: "warn", pending: "warn", in_flight: "warn"};

function badge(text, outcome) {
  return el("span", {class: "badge " + (BADGES[outcome] || "muted"), text: text});
}

function timeOf(iso) {
  if (!iso) return "-";
  const moment = new Date(iso);
  return isNaN(moment) ? iso : moment.toLocaleTimeString();
}

function segfnList() {
  const form = document.getElementById("filters");
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
      outcomes.appendChild(badge("routing", "pending"));
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
      status.textContent = stats.messages + " messages · " + (stats.unsettled || 0) + " in progress";
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
      title.textContent = new Date(bucket.start * 1000).toLocaleTimeString() + " " + key + ": " + bucket[key];
      rect.appendChild(title);
      svg.appendChild(rect);
    }
  });
  const label = document.createElementNS(ns, "text");
  label.setAttribute("x", "0");
  label.setAttribute("y", String(height + 14));
  label.setAttribute("class", "axis");
  label.textContent = series.length ? new Date(series[0].start * 1000).toLocaleTimeString() + " → now" : "";
  svg.appendChild(label);
  return svg;
}

function counts(title, mapping) {
  const entries = Object.entries(mapping || {});
  if (!entries.length) return el("span");
  return el("ul", {class: "breakdown"}, entries.map(([k, v]) => el("li", {text: title + " " + k + ": " + v})));
}

function segfnSummary() {
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
          badge("waiting " + d.pending, "pending"),
        ]),
        counts("filtered at", d.filtered_by_stage),
        counts("discarded:", d.discarded_by_category),
        chart(d.series),
        el("p", {class: "legend"}, SERIES.map(([k, c]) => el("span", {style: "color:" + c, text: "■ " + k + " "}))),
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
