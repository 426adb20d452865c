// SmartCity dashboard: plain DOM and SVG, no framework. Every figure comes from the app's own API
// routes (relative to this page: /api/dashboard/ -> /api/...). The function key is typed once, kept
// in sessionStorage (gone when the tab closes) and sent as x-functions-key, never in a URL. With
// Easy Auth the browser's session cookie goes along (same origin) and the platform adds the principal.
"use strict";

const KeyStorage = "smartcity.functionKey";
const SvgNs = "http://www.w3.org/2000/svg";
const Colors = ["#1b5fad", "#e07b00", "#2e7d32", "#8e24aa", "#00838f", "#c62828", "#6d4c41", "#546e7a"];

// ---- helpers ----------------------------------------------------------------------------------

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== undefined && child !== null) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attributes, ...children) {
  const node = document.createElementNS(SvgNs, tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== undefined && value !== null && value !== "") node.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== undefined && child !== null) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (id) => document.getElementById(id);
const percent = (p) => (p * 100).toFixed(1) + " %";
const when = (iso) => iso ? new Date(iso).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
const rows = (table, list) => { const body = $(table).tBodies[0]; body.replaceChildren(...list); };

/** An API answer that was not 2xx: status, and the problem+json (or Open Inference error) it carried. */
class ApiError extends Error {
  constructor(status, problem, path) {
    super(problem.detail || problem.title || problem.error || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.path = path;
  }
}

function explain(error) {
  if (!(error instanceof ApiError)) return String(error && error.message || error);
  const p = error.problem;
  const lines = [`${error.status} ${p.title || ""} (${error.path})`.replace("  ", " ")];
  if (p.detail || p.error) lines.push(p.detail || p.error);
  if (p.type) lines.push(p.type);
  if (error.status === 401) lines.push("Refused: no key, a key that does not open this function, or (with Easy Auth) no Entra ID sign-in. Admin routes take the master key.");
  if (error.status === 403) lines.push("Refused: the signed-in principal lacks the app role this route requires.");
  return lines.join("\n");
}

function showProblem(error) {
  const box = $("problem");
  box.textContent = explain(error);
  box.hidden = false;
}

function clearProblem() { $("problem").hidden = true; $("problem").textContent = ""; }

async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = sessionStorage.getItem(KeyStorage);
  if (key) headers.set("x-functions-key", key);
  if (!headers.has("Accept")) headers.set("Accept", "application/json");
  const response = await fetch("../" + path, { method: options.method || "GET", headers, body: options.body, credentials: "same-origin", cache: "no-store" });
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    let problem = {};
    if (type.includes("json")) { try { problem = await response.json(); } catch { problem = {}; } }
    if (!problem.title && !problem.error) problem.title = response.statusText;
    throw new ApiError(response.status, problem, "/api/" + path.split("?")[0]);
  }
  if (response.status === 204 || response.headers.get("Content-Length") === "0") return null;
  return type.includes("json") ? response.json() : response.blob();
}

const postJson = (path, value, method = "POST") => api(path, { method, body: JSON.stringify(value), headers: { "Content-Type": "application/json" } });
const enc = encodeURIComponent;

// ---- key and pages ----------------------------------------------------------------------------

function showKeyState() {
  $("key-state").textContent = sessionStorage.getItem(KeyStorage) ? "key set for this tab" : "no key";
}

function setupKey() {
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("key-input").value.trim();
    if (value) sessionStorage.setItem(KeyStorage, value);
    $("key-input").value = "";
    showKeyState();
    route();
  });
  $("key-forget").addEventListener("click", () => { sessionStorage.removeItem(KeyStorage); showKeyState(); });
  showKeyState();
}

const loaders = { try: loadTry, cameras: loadCameras, models: loadModels };

function route() {
  const page = (location.hash || "#try").slice(1).split("/")[0];
  const name = loaders[page] ? page : "try";
  for (const section of document.querySelectorAll("main > section")) section.hidden = section.dataset.page !== name;
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("current", link.dataset.page === name);
  clearProblem();
  loaders[name]().catch(showProblem);
}

// ---- Try a model ------------------------------------------------------------------------------

let catalog = [];
let details = {};

async function loadTry() {
  catalog = await api("models");
  const select = $("try-model");
  const current = select.value;
  select.replaceChildren(...catalog.filter((m) => m.task !== "embedding").map((m) => el("option", { value: m.name }, `${m.name} (${m.task})`)));
  if (current && catalog.some((m) => m.name === current)) select.value = current;
  await loadVersions();
}

async function loadVersions() {
  const model = $("try-model").value;
  if (!model) return;
  const d = details[model] = await api("models/" + enc(model));
  const select = $("try-version");
  select.replaceChildren(
    ...d.versions.map((v) => el("option", { value: v.version }, v.version + (v.version === d.defaultVersion ? " (default)" : ""))),
    ...d.unavailable.map((v) => el("option", { value: v.version, disabled: true }, `${v.version} (unavailable: ${v.reason || "?"})`)));
  select.value = d.defaultVersion;
  showCard();
}

function showCard() {
  const d = details[$("try-model").value];
  const version = d && d.versions.find((v) => v.version === $("try-version").value);
  const box = $("try-card");
  if (!version) { box.replaceChildren(); return; }
  const card = version.card;
  const items = [["Version", `${d.name}/${version.version}`], ["Task", `${version.task}, output ${version.output}`], ["Input", version.input ? `${version.input.width}×${version.input.height} ${version.input.colorSpace || ""}`.trim() : ""], ["Labels", version.labels.join(", ")]];
  if (version.description) items.push(["Description", version.description]);
  if (card) {
    if (card.intendedUse) items.push(["Intended use", card.intendedUse]);
    for (const head of card.heads || []) {
      const h = head.heldOut;
      items.push([`Head ${head.name || head.output || ""}`.trim(), h ? `held-out accuracy ${percent(h.accuracy)}, macro-F1 ${h.macroF1.toFixed(3)} on ${h.images} images` : "no held-out figures"]);
    }
    if (card.trainingData) items.push(["Training data", `${card.trainingData.source || ""}, ${card.trainingData.images} images${card.trainingData.date ? ", " + when(card.trainingData.date) : ""}`]);
    if (card.backbone) items.push(["Backbone", `${card.backbone.model}/${card.backbone.version}`]);
    if ((card.knownLimits || []).length) items.push(["Known limits", card.knownLimits.join(" ")]);
    if (card.license) items.push(["Licence", card.license]);
  } else {
    items.push(["Card", "this version has no model card"]);
    if (version.license) items.push(["Licence", version.license]);
  }
  box.replaceChildren(el("dl", {}, items.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])));
}

async function tryImage(file) {
  clearProblem();
  const model = $("try-model").value;
  const d = details[model];
  const version = $("try-version").value;
  if (!model || !version) return;
  const image = $("try-image");
  if (image.src.startsWith("blob:")) URL.revokeObjectURL(image.src);
  image.src = URL.createObjectURL(file);
  $("try-figure").hidden = false;
  $("try-overlay").hidden = true;
  $("try-boxes").replaceChildren();
  rows("try-labels", []);
  $("try-explanation").textContent = "";
  $("try-caption").textContent = `${file.name}, ${file.size} bytes: asking ${model}/${version}…`;
  const headers = { "Content-Type": file.type || "application/octet-stream" };
  const base = `models/${enc(model)}/versions/${enc(version)}/predict?top=10`;
  try {
    const answer = await api(base, { method: "POST", body: file, headers });
    showPrediction(answer, file);
    if ($("try-explain").checked && d.versions.find((v) => v.version === version)?.task !== "detection") {
      $("try-explanation").textContent = "Explaining (occlusion)…";
      // The explain route explains the default version; another version is explained by its predict route.
      const explained = version === d.defaultVersion
        ? await api(`models/${enc(model)}/explain?top=10`, { method: "POST", body: file, headers })
        : await api(base + "&explain=true", { method: "POST", body: file, headers });
      showExplanation(explained.images[0].explanation);
    }
  } catch (error) {
    $("try-explanation").textContent = "";
    showProblem(error);
  }
}

function timing(t) {
  const total = t.decodeMs + t.resizeMs + t.queueMs + t.inferenceMs + t.postprocessMs;
  return `${total.toFixed(1)} ms in the engine (decode ${t.decodeMs.toFixed(1)}, queue ${t.queueMs.toFixed(1)}, run ${t.inferenceMs.toFixed(1)}, batch of ${t.batchSize})`;
}

function showPrediction(answer, file) {
  const image = answer.images[0];
  const predictions = image.predictions || [];
  $("try-caption").textContent = `${file.name}: ${image.width}×${image.height}, ${answer.model}/${answer.version}, ${image.timings ? timing(image.timings) : ""}`;
  rows("try-labels", predictions.map((p, i) => el("tr", { "data-label": p.label },
    el("td", {}, p.label),
    el("td", { class: "probability" }, percent(p.probability)),
    el("td", {}, svg("svg", { viewBox: "0 0 100 10", preserveAspectRatio: "none" },
      svg("rect", { class: "track", x: 0, y: 0, width: 100, height: 10 }),
      svg("rect", { class: "bar", x: 0, y: 0, width: Math.max(0.5, p.probability * 100), height: 10, fill: p.box ? Colors[i % Colors.length] : "" }))))));
  // How far to trust it, the estimates and the further heads, as the API answers them.
  const more = [];
  if (image.confidence) {
    const reasons = (image.unsureReasons || []).join(", ");
    more.push(`${image.confidence}${reasons ? ` (${reasons})` : ""}, margin ${percent(image.margin)}`);
  }
  for (const [name, value] of Object.entries(image.estimates || {})) more.push(`${name} ${value.toFixed(2)}`);
  for (const head of image.heads || []) {
    if (head.predictions.length > 0) more.push(`${head.head}: ${head.predictions[0].label} ${percent(head.predictions[0].probability)}`);
  }
  $("try-more").textContent = more.join(" · ");
  const boxes = $("try-boxes");
  boxes.replaceChildren(...predictions.filter((p) => p.box).map((p, i) => svg("g", { class: "box", "data-label": p.label },
    svg("rect", { x: p.box.left, y: p.box.top, width: p.box.width, height: p.box.height, stroke: Colors[i % Colors.length] }),
    svg("text", { x: p.box.left + 0.005, y: Math.max(0.04, p.box.top - 0.008) }, `${p.label} ${percent(p.probability)}`))));
}

function showExplanation(explanation) {
  if (!explanation || !explanation.maps || explanation.maps.length === 0) { $("try-explanation").textContent = "No explanation in the answer."; return; }
  const map = explanation.maps[0];
  const overlay = $("try-overlay");
  overlay.src = "data:image/png;base64," + map.png;
  overlay.hidden = false;
  $("try-explanation").textContent = `Explanation: ${explanation.method} on a ${explanation.rows}×${explanation.columns} grid, head ${map.head}, label ${map.label} (${percent(map.probability)}); red cells lowered it most when masked. ${explanation.items} items, ${explanation.elapsedMs.toFixed(0)} ms.`;
}

function setupTry() {
  $("try-model").addEventListener("change", () => loadVersions().catch(showProblem));
  $("try-version").addEventListener("change", showCard);
  $("try-file").addEventListener("change", (event) => { if (event.target.files[0]) tryImage(event.target.files[0]); });
  const drop = $("drop");
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    const file = event.dataTransfer.files[0];
    if (file) tryImage(file);
  });
}

// ---- Cameras ----------------------------------------------------------------------------------

let selectedCamera = null;

function cameraStatus(latest) {
  if (!latest) return ["none", "no results"];
  if (latest.stale) return ["frozen", "frozen feed" + (latest.pictureFirstSeenAt ? ` since ${when(latest.pictureFirstSeenAt)}` : "")];
  const age = Date.now() - new Date(latest.capturedAt).getTime();
  if (age > 48 * 3600 * 1000) return ["quiet", `no upload for ${Math.round(age / 86400000)} days`];
  if (age > 3600 * 1000) return ["quiet", `no upload for ${Math.round(age / 3600000)} h`];
  return ["live", "live"];
}

function describe(row) {
  if (!row) return "";
  if (row.status === "rejected") return `rejected: ${row.reason || ""}`;
  if (row.objectCounts) return `${row.model}/${row.modelVersion}: ` + Object.entries(row.objectCounts).map(([l, n]) => `${n} ${l}`).join(", ");
  return `${row.model}/${row.modelVersion}: ${row.topLabel} ${row.topProbability !== undefined && row.topProbability !== null ? percent(row.topProbability) : ""}`;
}

/** The 24 hours up to a camera's newest capture (its "now" may lie months back for a replayed feed). */
function dayBefore(latest) {
  const to = new Date(new Date(latest.capturedAt).getTime() + 1000);
  return [new Date(to.getTime() - 24 * 3600 * 1000), to];
}

async function loadCameras() {
  const list = await api("cameras");
  $("camera-note").textContent = `${list.cameras.length} camera(s) with stored results${list.truncated ? " (more not shown)" : ""}. Counts cover the 24 hours up to each camera's latest capture.`;
  const trs = list.cameras.map((c) => {
    const [kind, text] = cameraStatus(c.latest);
    const tr = el("tr", { class: "selectable", "data-camera": c.cameraId },
      el("td", {}, c.cameraId), el("td", {}, c.latest ? when(c.latest.capturedAt) : ""), el("td", {}, describe(c.latest)),
      el("td", { class: "status-" + kind }, text), el("td", { class: "classified" }, "…"), el("td", { class: "rejected" }, "…"));
    tr.addEventListener("click", () => selectCamera(c));
    return tr;
  });
  rows("camera-list", trs);
  await Promise.all(list.cameras.filter((c) => c.latest).map(async (c) => {
    const [from, to] = dayBefore(c.latest);
    const summary = await api(`cameras/${enc(c.cameraId)}/summary?from=${enc(from.toISOString())}&to=${enc(to.toISOString())}&interval=hour`);
    const tr = trs[list.cameras.indexOf(c)];
    tr.querySelector(".classified").textContent = summary.classified;
    tr.querySelector(".rejected").textContent = summary.rejected;
    if (summary.stalePeriods.length && !c.latest.stale) tr.querySelector("td:nth-child(4)").append(` (${summary.stalePeriods.length} frozen period(s))`);
  }));
  const wanted = location.hash.split("/")[1];
  const pick = list.cameras.find((c) => c.cameraId === (selectedCamera || wanted)) || list.cameras.find((c) => c.latest);
  if (pick) await selectCamera(pick);
}

const localInput = (date) => new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
const fromLocal = (value) => new Date(value);

async function selectCamera(camera) {
  selectedCamera = camera.cameraId;
  for (const tr of $("camera-list").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.camera === camera.cameraId);
  $("camera-detail").hidden = false;
  $("camera-title").textContent = `Camera ${camera.cameraId}`;
  if (camera.latest) {
    const [from, to] = dayBefore(camera.latest);
    $("camera-from").value = localInput(from);
    $("camera-to").value = localInput(to);
  }
  await showCamera().catch(showProblem);
}

async function showCamera() {
  const id = selectedCamera;
  const from = fromLocal($("camera-from").value), to = fromLocal($("camera-to").value);
  const interval = $("camera-interval").value;
  const range = `from=${enc(from.toISOString())}&to=${enc(to.toISOString())}`;
  const [summary, page] = await Promise.all([
    api(`cameras/${enc(id)}/summary?${range}&interval=${interval}`),
    api(`cameras/${enc(id)}/classifications?${range}&top=20`)]);
  drawTimeline(summary);
  rows("camera-results", page.items.map((r) => el("tr", { class: r.status },
    el("td", {}, when(r.capturedAt)), el("td", {}, r.blobName), el("td", {}, r.model ? `${r.model}/${r.modelVersion}` : ""),
    el("td", {}, describe(r)), el("td", {}, r.stale ? "frozen" : ""))));
}

/** Stacked bars of top labels (or a detector's object counts) per interval, frozen periods shaded; the rejected total in the caption. */
function drawTimeline(summary) {
  const chart = $("camera-timeline");
  const width = 960, height = 256, left = 40, right = 10, top = 10, bottom = 40;
  chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const step = summary.interval === "day" ? 86400000 : 3600000;
  const start = Math.floor(new Date(summary.from).getTime() / step) * step;
  const end = new Date(summary.to).getTime();
  const slots = Math.max(1, Math.ceil((end - start) / step));
  const counts = new Map();
  const labels = [];
  const add = (t, label, n) => {
    const slot = Math.floor((new Date(t).getTime() - start) / step);
    if (!labels.includes(label)) labels.push(label);
    const key = slot + "|" + label;
    counts.set(key, (counts.get(key) || 0) + n);
  };
  for (const b of summary.buckets) add(b.start, b.label, b.count);
  for (const o of summary.objects || []) add(o.start, o.label, o.total);
  let max = 1;
  for (let s = 0; s < slots; s++) max = Math.max(max, labels.reduce((sum, l) => sum + (counts.get(s + "|" + l) || 0), 0));
  const slotWidth = (width - left - right) / slots;
  const y = (n) => height - bottom - (n / max) * (height - top - bottom);
  const x = (t) => left + ((t - start) / step) * slotWidth;
  const nodes = [];
  for (const p of summary.stalePeriods) {
    const x0 = x(new Date(p.from).getTime()), x1 = Math.max(x0 + 3, x(new Date(p.to).getTime()));
    nodes.push(svg("rect", { class: "stale", x: x0, y: top, width: x1 - x0, height: height - top - bottom }, svg("title", {}, `frozen ${when(p.from)} – ${when(p.to)}: ${p.frames} repeated frame(s)`)));
  }
  for (let s = 0; s < slots; s++) {
    let base = 0;
    labels.forEach((label, i) => {
      const n = counts.get(s + "|" + label) || 0;
      if (!n) return;
      nodes.push(svg("rect", { class: "bar", "data-label": label, x: left + s * slotWidth + 1, y: y(base + n), width: Math.max(1, slotWidth - 2), height: y(base) - y(base + n), fill: Colors[i % Colors.length] },
        svg("title", {}, `${new Date(start + s * step).toISOString()}: ${n} ${label}`)));
      base += n;
    });
  }
  nodes.push(svg("line", { class: "axis", x1: left, y1: height - bottom, x2: width - right, y2: height - bottom }));
  nodes.push(svg("text", { x: 2, y: top + 8 }, String(max)), svg("text", { x: 2, y: height - bottom }, "0"));
  const every = Math.max(1, Math.ceil(slots / 12));
  for (let s = 0; s < slots; s += every) {
    const d = new Date(start + s * step).toISOString();
    nodes.push(svg("text", { x: left + s * slotWidth, y: height - bottom + 14 }, summary.interval === "day" ? d.slice(5, 10) : d.slice(11, 16)));
  }
  nodes.push(svg("text", { x: left, y: height - 6 }, `${when(summary.from)} – ${when(summary.to)} (UTC), per ${summary.interval}: ${summary.classified} classified, ${summary.rejected} rejected, ${summary.stalePeriods.length} frozen period(s)${summary.complete ? "" : ", partial: covered from " + when(summary.coveredFrom)}`));
  chart.replaceChildren(...nodes);
  $("camera-legend").replaceChildren(...labels.map((l, i) => el("span", {}, svg("svg", { viewBox: "0 0 1 1" }, svg("rect", { width: 1, height: 1, fill: Colors[i % Colors.length] })), l)),
    ...(summary.stalePeriods.length ? [el("span", { class: "status-frozen" }, "shaded: frozen feed")] : []));
}

function setupCameras() {
  $("camera-refresh").addEventListener("click", () => { clearProblem(); showCamera().catch(showProblem); });
}

// ---- Models -----------------------------------------------------------------------------------

let selectedModel = null;

async function loadModels() {
  const models = await api("models");
  rows("model-list", models.map((m) => {
    const tr = el("tr", { class: "selectable", "data-model": m.name }, el("td", {}, m.name), el("td", {}, m.task), el("td", {}, m.versions.join(", ")), el("td", { class: "default" }, m.defaultVersion));
    tr.addEventListener("click", () => selectModel(m.name).catch(showProblem));
    return tr;
  }));
  try {
    const index = await postJson("v2/repository/index", {});
    const defaults = Object.fromEntries(models.map((m) => [m.name, m.defaultVersion]));
    rows("repository-index", index.map((e) => el("tr", { "data-model": e.name, "data-version": e.version },
      el("td", {}, e.name), el("td", {}, e.version), el("td", { class: e.state === "READY" ? "status-live" : "status-frozen" }, e.state), el("td", {}, e.reason || ""),
      el("td", {}, defaults[e.name] === e.version ? "default" : e.state === "READY" ? promoteButton(e.name, e.version) : ""))));
  } catch (error) {
    rows("repository-index", [el("tr", {}, el("td", { colspan: 5, class: "refused" }, explain(error)))]);
  }
  if (selectedModel) await selectModel(selectedModel);
}

function promoteButton(model, version) {
  const button = el("button", { type: "button", class: "promote" }, "Make default");
  button.addEventListener("click", () => change(() => postJson(`models/${enc(model)}/default`, { version, reason: $("model-reason").value }, "PUT"), `${model}/${version} is the default`));
  return button;
}

async function change(call, done) {
  clearProblem();
  try {
    await call();
    await loadModels();
    $("model-title").dataset.done = done;
  } catch (error) {
    showProblem(error);
  }
}

async function selectModel(name) {
  selectedModel = name;
  for (const tr of $("model-list").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.model === name);
  $("model-detail").hidden = false;
  $("model-title").textContent = `Model ${name}`;
  let history;
  try {
    history = await api(`models/${enc(name)}/history`);
  } catch (error) {
    rows("model-history", [el("tr", {}, el("td", { colspan: 5, class: "refused" }, explain(error)))]);
    rows("model-jobs", []);
    return;
  }
  rows("model-history", history.changes.slice().reverse().map((c) => el("tr", {}, el("td", {}, when(c.at)), el("td", {}, c.action), el("td", {}, c.version || ""), el("td", {}, c.actor), el("td", {}, c.reason || ""))));
  // There is no route listing a model's jobs: the jobs are the ones that published versions (their
  // history actor names them) and any looked up by ID.
  const ids = [...new Set(history.changes.map((c) => /^training job (\S+)/.exec(c.actor)).filter(Boolean).map((m) => m[1]))];
  await showJobs(name, ids);
}

const jobIds = {};

async function showJobs(model, ids) {
  const all = jobIds[model] = [...new Set([...(jobIds[model] || []), ...ids])];
  const jobs = await Promise.all(all.map((id) => api(`models/${enc(model)}/training-jobs/${enc(id)}`).catch((error) => ({ id, error }))));
  rows("model-jobs", jobs.map((j) => j.error
    ? el("tr", {}, el("td", {}, j.id), el("td", { colspan: 5, class: "refused" }, explain(j.error)))
    : el("tr", { "data-job": j.id },
      el("td", {}, j.id), el("td", {}, `${j.state} (${j.step})`),
      el("td", {}, el("progress", { max: Math.max(1, j.progress.total), value: j.progress.embedded }), ` ${j.progress.embedded}/${j.progress.total}`),
      el("td", {}, j.result && j.result.trained ? percent(j.result.trained.accuracy) + (j.result.compared ? ` (default ${percent(j.result.compared.accuracy)})` : "") : ""),
      el("td", {}, j.result && j.result.trained ? j.result.trained.macroF1.toFixed(3) : ""),
      el("td", {}, j.result && j.result.version ? j.result.version + (j.result.promoted ? " (promoted)" : "") : (j.failure || []).join(" ")))));
}

function setupModels() {
  $("model-rollback").addEventListener("click", () => change(() => postJson(`models/${enc(selectedModel)}/default/rollback`, { reason: $("model-reason").value }), `${selectedModel} rolled back`));
  $("job-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = $("job-id").value.trim();
    if (id && selectedModel) showJobs(selectedModel, [id]).catch(showProblem);
  });
}

// ---- start ------------------------------------------------------------------------------------

setupKey();
setupTry();
setupCameras();
setupModels();
window.addEventListener("hashchange", route);
route();
