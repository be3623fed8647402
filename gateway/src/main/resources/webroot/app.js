// GTM Research Engine web page: plain JavaScript, no build step.
// The job on screen lives in the URL (#/research/<id>, #/documents/<id>, #/reports/<id>), so a reload
// or a shared link reopens it; the server replays a job's events on subscribe, deduplicated by `id`.
'use strict';

const $ = (sel, root = document) => root.querySelector(sel);

/** Creates an element; children are nodes or strings (always inserted as text, never as HTML). */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c != null) node.append(c instanceof Node ? c : String(c));
  return node;
}

const fmt = {
  conf: (x) => (typeof x === 'number' ? x.toFixed(2) : '–'),
  ms: (x) => (typeof x !== 'number' ? '–' : x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`),
  num: (x) => (typeof x === 'number' ? (Number.isInteger(x) ? x.toLocaleString() : x.toFixed(2)) : String(x)),
};
const human = (key) => key.replace(/_/g, ' ').replace(/\b(llm|url|api|id)\b/gi, (w) => w.toUpperCase()).replace(/^./, (c) => c.toUpperCase());
const safeUrl = (u) => (typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null);

/** Renders any JSON value readably: objects as key/value lists, arrays as bullet lists. */
function renderValue(v) {
  if (v == null || v === '') return h('span', { class: 'muted' }, '—');
  if (Array.isArray(v)) {
    if (!v.length) return h('span', { class: 'muted' }, 'none');
    return h('ul', { class: 'value-list' }, v.map((x) => h('li', {}, renderValue(x))));
  }
  if (typeof v === 'object') {
    const dl = h('dl', { class: 'kv' });
    for (const [k, x] of Object.entries(v)) dl.append(h('dt', {}, human(k)), h('dd', {}, renderValue(x)));
    return dl;
  }
  if (typeof v === 'number') return document.createTextNode(fmt.num(v));
  if (typeof v === 'boolean') return document.createTextNode(v ? 'yes' : 'no');
  const url = safeUrl(v);
  return url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, v) : document.createTextNode(v);
}

// ---------------------------------------------------------------------------------------------
// Connection banner, API key, REST

const banner = {
  show(text) { const b = $('#banner'); b.textContent = text; b.hidden = false; },
  hide() { $('#banner').hidden = true; },
};

const KEY_STORE = 'gtm.apiKey';
const apiKey = () => localStorage.getItem(KEY_STORE) || '';

/** Opens the key dialog (once, however many requests ask); resolves true when a key was saved. */
let keyPrompt = null;
let keyDeclined = false;
function askForKey(reason) {
  if (keyPrompt) return keyPrompt;
  const dlg = $('#key-dialog');
  $('#key-reason').textContent = reason || 'This server needs an API key.';
  $('#key-input').value = apiKey();
  keyPrompt = new Promise((resolve) => {
    dlg.addEventListener('close', () => {
      const saved = dlg.returnValue === 'save';
      if (saved) localStorage.setItem(KEY_STORE, $('#key-input').value.trim());
      keyDeclined = !saved;
      keyPrompt = null;
      resolve(saved);
    }, { once: true });
    dlg.returnValue = '';
    dlg.showModal();
  });
  return keyPrompt;
}
$('#key-form').addEventListener('submit', () => { $('#key-dialog').returnValue = 'save'; });
$('#key-cancel').addEventListener('click', () => $('#key-dialog').close('cancel'));
$('#key-button').addEventListener('click', () => askForKey('The key is sent as X-API-Key with every request.'));

class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    Object.assign(this, { status, code, field });
  }
}

/** One REST call; answers the parsed JSON body or throws an ApiError carrying the server's message. */
async function api(method, path, { json, text } = {}, keyAsked = false) {
  const headers = { Accept: 'application/json' };
  if (apiKey()) headers['X-API-Key'] = apiKey();
  let body;
  if (json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  if (text !== undefined) { headers['Content-Type'] = 'text/plain; charset=utf-8'; body = text; }
  let res;
  try {
    res = await fetch(path, { method, headers, body });
  } catch (e) {
    banner.show(`Cannot reach the server at ${location.host}. Check that the engine is running, then try again.`);
    throw new ApiError(0, 'unreachable', 'The server could not be reached.', null);
  }
  if (!live.down) banner.hide();
  const data = await res.json().catch(() => null);
  const err = (data && typeof data.error === 'object' && data.error) || {};
  if (res.status === 401 && !keyAsked && await askForKey(err.message || 'This server needs an API key.')) {
    return api(method, path, { json, text }, true);
  }
  if (!res.ok) {
    const message = err.message || `The server answered ${res.status} ${res.statusText}`.trim();
    throw new ApiError(res.status, err.code || `http_${res.status}`, message, err.field || null);
  }
  return data;
}

// ---------------------------------------------------------------------------------------------
// Live events: one WebSocket per job on screen, reconnecting and re-subscribing on loss

const live = {
  ws: null, jobId: null, onEvent: null, delay: 1000, timer: null, down: false,

  /** Follows one job; `probe` is its REST path, read when the socket is refused (401 asks for a key). */
  subscribe(jobId, onEvent, probe) {
    this.close();
    Object.assign(this, { jobId, onEvent, probe, delay: 1000 });
    this.connect();
  },

  close() {
    clearTimeout(this.timer);
    if (this.ws) { this.ws.onclose = null; this.ws.close(); this.ws = null; }
    this.jobId = null;
    this.setDown(false);
  },

  setDown(down) {
    this.down = down;
    if (down) banner.show('Lost the connection to the server: reconnecting…');
    else banner.hide();
  },

  connect() {
    const key = apiKey();
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws${key ? `?api_key=${encodeURIComponent(key)}` : ''}`;
    const ws = new WebSocket(url);
    const jobId = this.jobId;
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.delay = 1000;
      this.setDown(false);
      ws.send(JSON.stringify({ subscribe: jobId }));
    };
    ws.onmessage = (m) => {
      let ev;
      try { ev = JSON.parse(m.data); } catch (e) { return; }
      if (this.ws === ws && this.onEvent) this.onEvent(ev);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setDown(true);
      const retry = () => {
        if (this.jobId !== jobId) return;
        this.timer = setTimeout(() => this.connect(), this.delay);
        this.delay = Math.min(this.delay * 2, 8000);
      };
      // refused before opening: maybe a missing key, which only a REST answer can tell (401 opens the key dialog)
      if (!opened && this.probe && !keyDeclined) api('GET', this.probe).then(() => { this.delay = 0; }, () => {}).finally(retry);
      else retry();
    };
  },
};

/** Wraps an event handler so that replayed or repeated events (same `id`) are handled once. */
function dedupe(handler) {
  const seen = new Set();
  return (ev) => {
    if (typeof ev.id === 'number') {
      if (seen.has(ev.id)) return;
      seen.add(ev.id);
    }
    handler(ev);
  };
}

// ---------------------------------------------------------------------------------------------
// Forms: the server's message, with the field it names highlighted

function clearFormError(form) {
  $('.form-error', form).hidden = true;
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

function showFormError(form, err) {
  const p = $('.form-error', form);
  p.textContent = err.message || 'The request failed.';
  p.hidden = false;
  const name = err.field && err.field.split(/[.[]/)[0];
  const input = name && form.elements[name];
  if (input && input.setAttribute) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

/** Binds a form's submit to an async action; errors go to the form. */
function onSubmit(form, action) {
  form.addEventListener('input', (e) => e.target.removeAttribute('aria-invalid'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const button = $('button[type=submit]', form);
    button.disabled = true;
    try { await action(); } catch (err) { showFormError(form, err); } finally { button.disabled = false; }
  });
}

const optionalNumber = (input) => (input.value.trim() === '' ? undefined : Number(input.value));

/** Domains from pasted text or a .txt/.csv file: one per line, first column or the "domain" column. */
function parseDomains(text) {
  const rows = text.split(/\r?\n/).map((l) => l.split(/[,;\t]/).map((c) => c.trim().replace(/^"|"$/g, '')));
  let col = 0;
  if (rows.length && rows[0].some((c) => /domain|website|url/i.test(c))) {
    col = rows[0].findIndex((c) => /domain|website|url/i.test(c));
    rows.shift();
  }
  return rows.map((r) => r[col] || '').filter((d) => d !== '');
}

// ---------------------------------------------------------------------------------------------
// Research

const research = { id: null, rows: new Map(), order: [], total: 0, searched: 0, done: false };

onSubmit($('#research-form'), async () => {
  const f = $('#research-form').elements;
  const body = {
    research_goal: f.research_goal.value.trim(),
    company_domains: parseDomains(f.company_domains.value),
    search_depth: f.search_depth.value,
    max_parallel_searches: optionalNumber(f.max_parallel_searches),
    confidence_threshold: optionalNumber(f.confidence_threshold),
  };
  const { research_id: id } = await api('POST', '/api/research/jobs', { json: body });
  location.hash = `#/research/${encodeURIComponent(id)}`;
});

$('#research-file').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  if (file) $('#research-domains').value = parseDomains(await file.text()).join('\n');
});

function openResearch(id) {
  Object.assign(research, { id, rows: new Map(), order: [], total: 0, searched: 0, done: false, figures: 0 });
  const job = $('#research-job');
  job.hidden = false;
  job.dataset.status = 'running';
  $('.job-id', job).textContent = id;
  $('.job-error', job).hidden = true;
  $('#research-rows').replaceChildren();
  $('#research-performance').hidden = true;
  for (const li of job.querySelectorAll('.milestones li')) li.classList.remove('reached');
  researchProgress();
  api('GET', `/api/research/jobs/${encodeURIComponent(id)}`).then((j) => {
    if (research.id !== id) return;
    research.total = j.total_companies || research.total;
    for (const r of j.results || []) upsertCompany(r.domain, r.confidence_score, r.evidence_sources, r.findings);
    if (j.status === 'done') finishResearch(j);
    if (j.status === 'failed' || j.status === 'cancelled') jobError(job, `The job ${j.status}.`, j.status);
    researchProgress();
  }, (err) => jobError(job, err.message, 'failed'));
  live.subscribe(id, dedupe(researchEvent), `/api/research/jobs/${encodeURIComponent(id)}?limit=1`);
}

function researchEvent(ev) {
  const m = (name) => $(`#research-job .milestones [data-m="${name}"]`).classList.add('reached');
  switch (ev.type) {
    case 'pipeline_start': research.total = ev.total_companies || ev.total || research.total; break;
    case 'strategies_generated': m('strategies'); break;
    case 'evidence_progress':
      research.searched = Math.max(research.searched, ev.progress || 0);
      for (const p of [25, 50, 75, 100]) if (research.searched >= p) m(`e${p}`);
      break;
    case 'analysis_start': m('analysis'); break;
    case 'domain_analyzed':
      m('analysis');
      research.total = ev.total || research.total;
      upsertCompany(ev.domain, ev.confidence, ev.evidence_count, ev.technologies ? { technologies: ev.technologies } : null);
      break;
    case 'evidence_complete': for (const p of [25, 50, 75, 100]) m(`e${p}`); research.searched = 100; break;
    case 'high_confidence_results':
      for (const d of ev.domains || ev.results || []) {
        const row = research.rows.get(typeof d === 'string' ? d : d.domain);
        if (row) row.tr.classList.add('high');
      }
      confirmResearchDone(research.id, 1000);
      break;
    case 'pipeline_complete':
      for (const r of ev.results || []) upsertCompany(r.domain, r.confidence_score, r.evidence_sources, r.findings);
      finishResearch({ ...(ev.summary || {}), ...(ev.metrics || {}) });
      break;
    case 'completed': finishResearch(null); break;
    case 'error': jobError($('#research-job'), errorText(ev), 'failed'); break;
    default: break;
  }
  researchProgress();
}

/** The last events of a run may be too big for a socket message: the job's status says it ended. */
function confirmResearchDone(id, wait) {
  setTimeout(() => {
    if (research.id !== id || research.done) return;
    api('GET', `/api/research/jobs/${encodeURIComponent(id)}?limit=1`).then((j) => {
      if (research.id !== id || research.done) return;
      if (j.status === 'done') { finishResearch(j); researchProgress(); }
      else if (j.status === 'failed' || j.status === 'cancelled') jobError($('#research-job'), `The job ${j.status}.`, j.status);
      else confirmResearchDone(id, Math.min(wait * 2, 5000));
    }, () => confirmResearchDone(id, 5000));
  }, wait);
}

const errorText = (ev) => (ev.error && ev.error.message) || ev.message || (typeof ev.error === 'string' ? ev.error : 'The job failed.');

function jobError(job, message, status) {
  const p = $('.job-error', job);
  p.textContent = message;
  p.hidden = false;
  job.dataset.status = status;
}

/** Inserts or updates a company row, keeping rows sorted by confidence (binary search, no re-render). */
function upsertCompany(domain, confidence, evidence, findings) {
  if (!domain) return;
  let row = research.rows.get(domain);
  if (!row) {
    const toggle = h('button', { type: 'button', class: 'expand', 'aria-expanded': 'false' }, domain);
    row = { domain, confidence: -1, tr: h('tr', { class: 'result', 'data-domain': domain }), detail: null, findings: null };
    row.cells = [h('td', {}, toggle), h('td', { class: 'conf' }), h('td', { class: 'num' }), h('td', { class: 'techs' })];
    row.tr.append(...row.cells);
    toggle.addEventListener('click', () => toggleDetails(row, toggle));
    research.rows.set(domain, row);
  }
  if (findings) row.findings = { ...(row.findings || {}), ...findings };
  if (typeof evidence === 'number') row.cells[2].textContent = evidence;
  const techs = (row.findings && row.findings.technologies) || [];
  row.cells[3].replaceChildren(...techs.slice(0, 6).map((t) => h('span', { class: 'chip' }, t)), techs.length > 6 ? ` +${techs.length - 6}` : '');
  const c = typeof confidence === 'number' ? confidence : 0;
  if (c !== row.confidence) {
    const at = research.order.indexOf(row);
    if (at >= 0) research.order.splice(at, 1);
    row.confidence = c;
    row.cells[1].replaceChildren(h('span', { class: 'bar', style: `--w:${Math.round(c * 100)}%` }), fmt.conf(c));
    let lo = 0, hi = research.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const o = research.order[mid];
      if (o.confidence > c || (o.confidence === c && o.domain < domain)) lo = mid + 1; else hi = mid;
    }
    const next = research.order[lo];
    research.order.splice(lo, 0, row);
    const tbody = $('#research-rows');
    tbody.insertBefore(row.tr, next ? next.tr : null);
    if (row.detail) row.tr.after(row.detail);
  }
  if (row.detail && findings) fillDetails(row);
}

async function toggleDetails(row, toggle) {
  if (row.detail) {
    row.detail.remove();
    row.detail = null;
    toggle.setAttribute('aria-expanded', 'false');
    return;
  }
  row.detail = h('tr', { class: 'detail' }, h('td', { colspan: '4' }, 'Loading details…'));
  row.tr.after(row.detail);
  toggle.setAttribute('aria-expanded', 'true');
  if (!(row.findings && row.findings.evidence)) await loadResearchDetails();
  if (row.detail) fillDetails(row);
}

/** Fetches the stored results of the job (a page at a time) for the rows' evidence. */
async function loadResearchDetails() {
  const id = research.id;
  try {
    for (let offset = 0; ; offset += 1000) {
      const j = await api('GET', `/api/research/jobs/${encodeURIComponent(id)}?offset=${offset}&limit=1000`);
      if (research.id !== id) return;
      for (const r of j.results || []) {
        const row = research.rows.get(r.domain);
        if (row) row.findings = { ...(row.findings || {}), ...(r.findings || {}) };
      }
      if (!j.results || j.results.length < 1000) break;
    }
  } catch (err) {
    banner.show(`Could not load the details: ${err.message}`);
  }
}

function fillDetails(row) {
  const f = row.findings || {};
  const evidence = Array.isArray(f.evidence) ? f.evidence : [];
  const list = h('ul', { class: 'evidence' }, evidence.map((e) => h('li', {},
    safeUrl(e.url) ? h('a', { href: e.url, target: '_blank', rel: 'noopener noreferrer' }, e.title || e.url) : (e.title || 'untitled'),
    e.source_name ? h('span', { class: 'source' }, ` · ${e.source_name}`) : null,
    e.snippet ? h('p', { class: 'snippet' }, e.snippet) : null)));
  const rest = Object.fromEntries(Object.entries(f).filter(([k]) => !['evidence', 'technologies'].includes(k)));
  const reportBtn = h('button', { type: 'button', class: 'quiet' }, 'Open a report for this company');
  reportBtn.addEventListener('click', () => {
    $('#report-domain').value = row.domain;
    $('#report-goal').value = $('#research-goal').value;
    location.hash = '#/reports';
  });
  row.detail.firstChild.replaceChildren(
    h('div', { class: 'details' },
      h('h4', {}, 'Technologies'),
      (f.technologies || []).length ? h('p', {}, f.technologies.map((t) => h('span', { class: 'chip' }, t))) : h('p', { class: 'muted' }, 'none found'),
      Object.keys(rest).length ? [h('h4', {}, 'Signals'), renderValue(rest)] : null,
      h('h4', {}, `Evidence (${evidence.length})`),
      evidence.length ? list : h('p', { class: 'muted' }, f.evidence ? 'No evidence found.' : 'Evidence is not stored yet.'),
      reportBtn));
}

function finishResearch(perf) {
  research.done = true;
  const job = $('#research-job');
  if (job.dataset.status === 'running') job.dataset.status = 'done';
  for (const li of job.querySelectorAll('.milestones li')) li.classList.add('reached');
  if (!perf) return;
  const sp = perf.search_performance || {};
  const stages = perf.stage_seconds || {};
  const figures = {
    companies: perf.total_companies,
    strategies: perf.search_strategies_generated,
    searches_executed: perf.total_searches_executed,
    queries_per_second: sp.queries_per_second,
    failed_requests: sp.failed_requests,
    processing_time: typeof perf.processing_time_ms === 'number' ? fmt.ms(perf.processing_time_ms) : undefined,
    stage_times: Object.entries(stages).map(([k, v]) => `${k} ${fmt.ms(v * 1000)}`).join(' · ') || undefined,
  };
  const shown = Object.fromEntries(Object.entries(figures).filter(([, v]) => v !== undefined));
  // the job GET and the replayed pipeline_complete both carry figures: keep the fuller set
  if (Object.keys(shown).length <= (research.figures || 0)) return;
  research.figures = Object.keys(shown).length;
  $('#research-performance .perf').replaceChildren(renderValue(shown));
  $('#research-performance').hidden = false;
}

function researchProgress() {
  const total = research.total || research.rows.size;
  const analysed = research.rows.size;
  const pct = research.done ? 100 : Math.round((research.searched + (total ? (100 * analysed) / total : 0)) / 2);
  const bar = $('#research-progress');
  bar.value = Math.min(pct, 100);
  bar.setAttribute('aria-valuetext', `${bar.value}%`);
  $('#research-status').textContent = research.done
    ? `Done: ${analysed} companies analysed.`
    : `Searches ${research.searched}% · ${analysed}${total ? ` of ${total}` : ''} companies analysed`;
}

// ---------------------------------------------------------------------------------------------
// Documents

const documents = { id: null, chapters: new Map(), refreshTimer: null, lastRefresh: 0 };

onSubmit($('#document-form'), async () => {
  const f = $('#document-form').elements;
  const file = f.body.files[0];
  if (!file) throw new ApiError(400, 'invalid', 'Choose a plain-text (.txt) file to upload.', 'body');
  const title = f.title.value.trim() || file.name.replace(/\.[^.]+$/, '');
  const { document_id: id } = await api('POST', `/api/documents?title=${encodeURIComponent(title)}`, { text: await file.text() });
  location.hash = `#/documents/${encodeURIComponent(id)}`;
});

function openDocument(id) {
  clearTimeout(documents.refreshTimer);
  Object.assign(documents, { id, chapters: new Map(), refreshTimer: null, lastRefresh: 0, total: 0, done: 0, failed: 0 });
  const job = $('#document-job');
  job.hidden = false;
  job.dataset.status = 'running';
  $('.job-id', job).textContent = id;
  $('.job-error', job).hidden = true;
  $('.doc-title', job).textContent = 'Document';
  $('.doc-stats', job).replaceChildren();
  $('#document-chapters').replaceChildren();
  documentProgress({});
  refreshDocument();
  live.subscribe(id, dedupe(documentEvent), `/api/documents/${encodeURIComponent(id)}`);
}

function documentEvent(ev) {
  switch (ev.type) {
    case 'chapter_done': upsertChapter(ev); scheduleChapters(); break;
    case 'document_progress': documentProgress(ev); if (documents.chapters.size < (ev.chapters_total || 0)) scheduleChapters(); break;
    case 'document_complete': refreshDocument(); break;
    case 'error': jobError($('#document-job'), errorText(ev), 'failed'); break;
    default: break;
  }
}

/** Re-reads the chapters at most once a second while events arrive (summaries and previews are not in the events). */
function scheduleChapters() {
  if (documents.refreshTimer) return;
  const wait = Math.max(0, 1000 - (Date.now() - documents.lastRefresh));
  documents.refreshTimer = setTimeout(() => { documents.refreshTimer = null; loadChapters(); }, wait);
}

async function loadChapters() {
  const id = documents.id;
  documents.lastRefresh = Date.now();
  const list = await api('GET', `/api/documents/${encodeURIComponent(id)}/chapters`).catch(() => null);
  if (documents.id !== id || !Array.isArray(list)) return;
  for (const c of list) upsertChapter(c);
}

async function refreshDocument() {
  const id = documents.id;
  const job = $('#document-job');
  try {
    const d = await api('GET', `/api/documents/${encodeURIComponent(id)}`);
    if (documents.id !== id) return;
    $('.doc-title', job).textContent = d.title || 'Document';
    documentProgress(d);
    await loadChapters();
    if (['done', 'partial', 'failed', 'cancelled'].includes(d.status)) {
      job.dataset.status = d.status;
      $('.doc-stats', job).replaceChildren(renderValue({ status: d.status, chapters: d.chapters_total, llm_calls: d.llm_calls, processing_time: fmt.ms(d.processing_time_ms) }));
    }
  } catch (err) {
    if (documents.id === id) jobError(job, err.message, 'failed');
  }
}

function documentProgress(p) {
  const d = documents;
  if (typeof p.chapters_total === 'number') d.total = p.chapters_total;
  if (typeof p.chapters_done === 'number') d.done = p.chapters_done;
  if (typeof p.chapters_failed === 'number') d.failed = p.chapters_failed;
  const total = d.total || 0, done = d.done || 0, failed = d.failed || 0;
  const bar = $('#document-progress');
  bar.value = total ? Math.round((100 * (done + failed)) / total) : 0;
  $('#document-status').textContent = total
    ? `${done} of ${total} chapters summarised${failed ? `, ${failed} failed` : ''}`
    : (p.status ? `Status: ${p.status}` : 'Splitting the book into chapters…');
}

function upsertChapter(c) {
  if (typeof c.number !== 'number') return;
  let ch = documents.chapters.get(c.number);
  if (!ch) {
    ch = { li: h('li', { class: 'chapter', 'data-number': String(c.number) }), key: '' };
    documents.chapters.set(c.number, ch);
    // chapters usually arrive in order; otherwise insert before the first higher number
    const after = [...documents.chapters.keys()].filter((n) => n > c.number).sort((a, b) => a - b)[0];
    $('#document-chapters').insertBefore(ch.li, after ? documents.chapters.get(after).li : null);
  }
  const merged = Object.assign(ch.data || {}, Object.fromEntries(Object.entries(c).filter(([, v]) => v != null)));
  ch.data = merged;
  const key = JSON.stringify([merged.status, merged.title, merged.preview, merged.summary, merged.error]);
  if (key === ch.key) return;
  ch.key = key;
  const status = merged.status || 'pending';
  ch.li.dataset.status = status;
  ch.li.replaceChildren(...[
    h('div', { class: 'chapter-head' },
      h('span', { class: 'heading' }, `${merged.number}. ${merged.heading || ''}`),
      h('span', { class: `badge ${status}` }, status)),
    merged.title ? h('h4', {}, merged.title) : null,
    merged.preview ? h('p', { class: 'preview' }, merged.preview) : null,
    merged.summary ? h('details', {}, h('summary', {}, 'Summary'), h('p', {}, merged.summary)) : null,
    status === 'failed' ? h('p', { class: 'error' }, `Failed: ${merged.error || 'no reason given'}`) : null,
  ].filter(Boolean));
}

// ---------------------------------------------------------------------------------------------
// Reports

const CORE = ['profile', 'research', 'recommendations'];
const SECTIONS = ['financial', 'risk', 'competitive', 'market', 'metrics', 'validation', 'risk_priority'];
const reports = { id: null, parts: new Map() };

onSubmit($('#report-form'), async () => {
  const f = $('#report-form').elements;
  const body = { domain: f.domain.value.trim(), research_goal: f.research_goal.value.trim(), search_depth: f.search_depth.value };
  const { report_id: id } = await api('POST', '/api/reports', { json: body });
  location.hash = `#/reports/${encodeURIComponent(id)}`;
});

function openReport(id) {
  Object.assign(reports, { id, parts: new Map() });
  const job = $('#report-job');
  job.hidden = false;
  job.dataset.status = 'running';
  $('.job-id', job).textContent = id;
  $('.job-error', job).hidden = true;
  $('.report-domain', job).textContent = '';
  const card = (name) => {
    const body = h('div', { class: 'part-body muted' }, 'Waiting…');
    const badge = h('span', { class: 'badge pending' }, 'pending');
    const el = h('article', { class: 'part', 'data-name': name }, h('h4', {}, human(name), ' ', badge), body);
    reports.parts.set(name, { el, body, badge });
    return el;
  };
  $('#report-core').replaceChildren(...CORE.map(card));
  $('#report-sections').replaceChildren(...SECTIONS.map(card));
  $('#report-status').textContent = 'Writing the core report…';
  api('GET', `/api/reports/${encodeURIComponent(id)}`).then((r) => {
    if (reports.id !== id) return;
    $('.report-domain', job).textContent = r.domain || '';
    for (const [name, body] of Object.entries(r.core || {})) if (body) setPart(name, 'done', body);
    for (const s of r.sections || []) setPart(s.name, s.status, s.body, s.error);
    if (r.status && r.status !== 'running') reportDone(r.status);
  }, (err) => jobError(job, err.message, 'failed'));
  live.subscribe(id, dedupe((ev) => {
    if (ev.type === 'core_step_ready') setPart(ev.name, 'done', ev.body);
    else if (ev.type === 'core_step_failed') setPart(ev.name, 'failed', null, ev.error);
    else if (ev.type === 'section_ready') setPart(ev.name, ev.status, ev.body, ev.error);
    else if (ev.type === 'report_complete') reportDone(ev.status);
    else if (ev.type === 'error') jobError(job, errorText(ev), 'failed');
  }), `/api/reports/${encodeURIComponent(id)}`);
}

function setPart(name, status, body, error) {
  const part = reports.parts.get(name);
  if (!part || !status) return;
  part.badge.className = `badge ${status}`;
  part.badge.textContent = status;
  part.el.dataset.status = status;
  if (status === 'failed') {
    part.body.className = 'part-body error';
    part.body.replaceChildren(`Failed: ${typeof error === 'string' ? error : (error && error.message) || 'no reason given'}`);
  } else if (body != null) {
    part.body.className = 'part-body';
    part.body.replaceChildren(renderValue(body));
  } else if (status === 'running') {
    part.body.replaceChildren('In progress…');
  }
  const ready = [...reports.parts.values()].filter((p) => ['done', 'failed'].includes(p.el.dataset.status)).length;
  if ($('#report-job').dataset.status === 'running') $('#report-status').textContent = `${ready} of ${reports.parts.size} parts ready`;
}

function reportDone(status) {
  $('#report-job').dataset.status = status || 'done';
  $('#report-status').textContent = `Report ${status || 'done'}.`;
}

// ---------------------------------------------------------------------------------------------
// Routing: #/<view>[/<job id>]

const views = { research: openResearch, documents: openDocument, reports: openReport };
let shown = { view: null, id: null };

function route() {
  const [view, id] = location.hash.replace(/^#\/?/, '').split('/');
  const name = views[view] ? view : 'research';
  const jobId = id ? decodeURIComponent(id) : null;
  for (const s of document.querySelectorAll('.view')) s.hidden = s.dataset.view !== name;
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.tab === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (shown.view === name && shown.id === jobId) return;
  shown = { view: name, id: jobId };
  live.close();
  for (const v of Object.keys(views)) if (v !== name || !jobId) $(`#view-${v} .job`).hidden = true;
  if (jobId) views[name](jobId);
}

window.addEventListener('hashchange', route);
route();
