// StanceWire page: posts the article to /v1/analyze and draws what comes back.
// No build step; offsets from the API are code-point offsets, so text is sliced by code points.
"use strict";

const $ = (id) => document.getElementById(id);
const codePoints = (s) => Array.from(s);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

// The sentence text with each evidence span wrapped in <mark class="evidence">.
function highlighted(sentence) {
  const chars = codePoints(sentence.text);
  const spans = [...sentence.evidence].sort((a, b) => a.start - b.start);
  const out = el("span", { class: "text" });
  let at = 0;
  for (const ev of spans) {
    const s = ev.start - sentence.start, e = ev.end - sentence.start;
    if (s < at) continue;
    out.append(chars.slice(at, s).join(""));
    out.append(el("span", { class: "evidence", title: `evidence, score ${ev.score.toFixed(2)}` }, chars.slice(s, e).join("")));
    at = e;
  }
  out.append(chars.slice(at).join(""));
  return out;
}

function renderSentences(data) {
  const box = $("sentences");
  box.replaceChildren();
  if (!data.sentences.some((s) => s.attributed)) {
    box.append(el("p", { class: "empty" }, "No attributed sentences found."));
  }
  for (const s of data.sentences) {
    const cls = s.attributed ? s.label : "unattributed";
    const meta = el("div", { class: "meta" });
    if (s.attributed) {
      meta.append(el("span", { class: "label" }, s.label), ` ${(s.scores[s.label] * 100).toFixed(0)}% · `,
        el("span", { class: "speaker" }, s.speaker ? s.speaker.name : "unnamed source"));
      if (s.rule === "source-asserts-claim") {
        meta.append(el("span", { class: "rule", title: "The model's first choice was counter-accusation, but this source asserts the claim elsewhere in the article, so its blame is not turned on the accuser." },
          " · re-labelled: this source asserts the claim"));
      }
    } else {
      meta.append("not attributed");
    }
    box.append(el("div", { class: `sentence ${cls}`, "data-index": String(s.index), "data-label": s.label || "" }, meta, highlighted(s)));
  }
}

function renderSpeakers(data) {
  const box = $("speakers");
  box.replaceChildren();
  if (!data.speakers.length) return;
  box.append(el("h2", {}, "Who says what"));
  for (const sp of data.speakers) {
    box.append(el("div", { class: `speaker-card ${sp.label}`, "data-label": sp.label },
      el("strong", {}, sp.name), ` ${sp.label} (${sp.sentences.length} sentence${sp.sentences.length === 1 ? "" : "s"})`));
  }
}

async function analyze(event) {
  event.preventDefault();
  const status = $("status");
  status.className = "";
  status.textContent = "Analyzing…";
  $("analyze").disabled = true;
  try {
    const res = await fetch("/v1/analyze", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: $("text").value, claim: $("claim").value, include_unattributed: $("all").checked }),
    });
    const data = await res.json();
    if (!res.ok) throw new Error(data.error ? data.error.message : `HTTP ${res.status}`);
    renderSpeakers(data);
    renderSentences(data);
    const n = data.sentences.filter((s) => s.attributed).length;
    status.textContent = `${n} attributed sentence${n === 1 ? "" : "s"}`;
  } catch (err) {
    status.className = "error";
    status.textContent = `Error: ${err.message}`;
  } finally {
    $("analyze").disabled = false;
  }
}

async function init() {
  $("form").addEventListener("submit", analyze);
  try {
    const info = await (await fetch("/v1/model")).json();
    if (!$("claim").value) $("claim").value = info.default_claim;
    $("model").textContent = `model ${info.name} ${info.version} · ${info.backend} · weights ${info.weights_sha256.slice(0, 12)}`;
  } catch (err) {
    $("model").textContent = "model information unavailable";
  }
}

init();
