// vitalink review app. Every value from the server is written with text nodes
// (el() below), never parsed as HTML: names in registers are untrusted.
'use strict';

const state = {
  session: null,
  filters: JSON.parse(sessionStorage.getItem('vl-filters') || '{"job":"","source":"","township":"","status":"open"}'),
  order: [],           // pair indices of the current filters, queue order
  decisions: new Map(),// index -> decision object (or null)
  pair: null,          // the pair on screen
  busy: false,
};

const LABELS = {
  match: '匹配 match', non_match: '不匹配 non-match', unsure: '不确定 unsure',
};

// ---- DOM helpers: text only.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
function svg(tag, attrs, text) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = String(text);
  return node;
}
function show(...nodes) {
  const main = document.getElementById('main');
  main.replaceChildren(...nodes);
}
let statusTimer = 0;
function say(message) {
  const s = document.getElementById('status');
  s.textContent = message;
  s.classList.add('show');
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => s.classList.remove('show'), 2500);
}
const pct = (p) => (100 * p).toFixed(1) + '%';

// ---- API.
async function api(path, options = {}) {
  const init = { credentials: 'same-origin', headers: {} };
  if (options.method === 'POST') {
    init.method = 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.headers['X-CSRF-Token'] = state.session ? state.session.csrf : '';
    init.body = JSON.stringify(options.body || {});
  }
  const res = await fetch(path, init);
  if (res.status === 401) { location.href = '/login'; throw new Error('login required'); }
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined) q.set(k, v);
  return q.toString();
}

// ---- Routing: /queue, /pair/N, /decisions, /runs.
function go(path, replace) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  route();
}
window.addEventListener('popstate', route);
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-nav]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
  e.preventDefault();
  go(a.getAttribute('href'));
});

async function route() {
  const path = location.pathname;
  for (const a of document.querySelectorAll('header nav a')) {
    a.classList.toggle('active', path.startsWith(a.getAttribute('href')) ||
                                 (path.startsWith('/pair') && a.getAttribute('href') === '/queue'));
  }
  try {
    const m = path.match(/^\/pair\/(\d+)$/);
    if (m) return await showPair(Number(m[1]));
    if (path === '/decisions') return await showDecisions();
    if (path === '/runs') return await showRuns();
    return await showQueue();
  } catch (err) {
    show(el('p', { class: 'error' }, '出错 · error: ', err.message));
  }
}

// ---- Queue.
async function loadOrder() {
  const f = state.filters;
  const order = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await api('/api/pairs?' + query({ job: f.job, source: f.source, township: f.township,
                                                    status: 'all', offset, limit: 1000 }));
    for (const it of page.items) { order.push(it.index); state.decisions.set(it.index, it.decision); }
    if (order.length >= page.total || page.items.length === 0) break;
  }
  state.order = order;
}

async function showQueue() {
  const f = state.filters;
  const [filters, page] = await Promise.all([
    api('/api/filters'),
    api('/api/pairs?' + query({ job: f.job, source: f.source, township: f.township, status: f.status,
                                 offset: 0, limit: 200 })),
  ]);
  const select = (name, label, options) => el('label', {}, label,
    el('select', { name, onchange: (e) => { f[name] = e.target.value; saveFilters(); route(); } },
       options.map(([value, text]) => el('option', { value, selected: f[name] === value }, text))));
  const s = state.session;
  const head = el('div', {},
    el('h1', {}, '审核队列 · review queue ', el('span', { class: 'muted' }, s.run_label)),
    el('p', { class: 'muted' },
       `${s.items} 对存疑（匹配概率 ${pct(s.band[0])}–${pct(s.band[1])}），已决定 ${s.decided} · `,
       `${s.items} doubtful pairs (match probability ${pct(s.band[0])}–${pct(s.band[1])}), ${s.decided} decided. `,
       '按决定对统计数的影响排序 · ordered by how much a decision changes the counts.'));
  const bar = el('div', { class: 'filters' },
    select('status', '状态 status', [['open', '未决定 open'], ['decided', '已决定 decided'], ['all', '全部 all']]),
    select('job', '任务 job', [['', '全部 all'], ...filters.jobs.map((j) => [j, j])]),
    select('source', '来源 source', [['', '全部 all'], ...filters.sources.map((x) => [x, x])]),
    select('township', '乡镇 township', [['', '全部 all'], ...filters.townships.map((t) => [t.code, t.name || t.code])]));
  const rows = page.items.map((it) => el('tr', { class: 'row-link', 'data-index': it.index,
                                                 onclick: () => go('/pair/' + it.index) },
    el('td', {}, String(it.index + 1)),
    el('td', {}, it.job),
    el('td', {}, it.a.name, el('br'), el('span', { class: 'muted' }, `${it.a.source} ${it.a.record_id}`)),
    el('td', {}, it.b.name, el('br'), el('span', { class: 'muted' }, `${it.b.source} ${it.b.record_id}`)),
    el('td', {}, it.a.township_name || ''),
    el('td', {}, pct(it.probability)),
    el('td', {}, decisionBadge(it.decision))));
  const table = el('table', { class: 'queue' },
    el('thead', {}, el('tr', {}, ['#', '任务 job', '记录 A', '记录 B', '乡镇 township', '概率 p', '决定 decision']
      .map((h) => el('th', {}, h)))),
    el('tbody', {}, rows));
  const more = page.total > page.items.length
    ? el('p', { class: 'muted' }, `显示前 ${page.items.length} 对，共 ${page.total} · first ${page.items.length} of ${page.total}`)
    : null;
  const first = page.items.length ? el('button', { onclick: () => go('/pair/' + page.items[0].index) },
                                        '开始审核 start (Enter)') : el('p', {}, '没有待审的对 · nothing to review here.');
  show(head, bar, first, table, more);
  state.queueFirst = page.items.length ? page.items[0].index : null;
}

function saveFilters() {
  sessionStorage.setItem('vl-filters', JSON.stringify(state.filters));
  state.order = [];
}

function decisionBadge(d) {
  if (!d) return el('span', { class: 'muted' }, '—');
  return el('span', { class: 'decision ' + d.decision }, LABELS[d.decision] || d.decision);
}

// ---- Pair view.
async function showPair(index) {
  // Keys pressed while the pair loads must not act on the pair shown before it.
  state.pair = null;
  if (!state.order.length) await loadOrder();
  const pair = await api('/api/pairs/' + index);
  if (location.pathname !== '/pair/' + index) return;  // the user moved on meanwhile
  state.pair = pair;
  state.decisions.set(index, pair.decision);
  const pos = state.order.indexOf(index);
  const head = el('div', { class: 'pair-head', 'data-pair': index },
    el('h1', {}, '第 ', String(index + 1), ' 对 · pair ', String(index + 1)),
    el('span', { class: 'prob', title: 'match probability' }, pct(pair.probability)),
    el('span', { class: 'muted' }, `权重 weight ${pair.weight.toFixed(2)} · 阈值 threshold ${pct(pair.threshold)} · `,
       pair.linked ? '本次运行已链接 linked by the run' : '本次运行未链接 not linked by the run'),
    el('span', { class: 'muted' }, pair.job),
    el('span', { class: 'muted' }, pos >= 0 ? `${pos + 1} / ${state.order.length}` : ''),
    el('span', { id: 'current-decision' }, decisionBadge(pair.decision)));
  const actions = el('div', { class: 'actions' },
    el('button', { class: 'match', onclick: () => decide('match') }, '匹配 match (M)'),
    el('button', { class: 'non_match', onclick: () => decide('non_match') }, '不匹配 non-match (N)'),
    el('button', { class: 'unsure', onclick: () => decide('unsure') }, '不确定 unsure (U)'),
    el('button', { onclick: undo }, '撤销 undo (Z)'),
    el('button', { onclick: () => step(-1) }, '← 上一对 previous'),
    el('button', { onclick: () => step(1) }, '下一对 next →'),
    el('button', { onclick: () => go('/queue') }, '返回 back (Esc)'));
  show(head, actions, recordsTable(pair), el('h2', {}, '匹配权重瀑布图 · match weight, comparison by comparison'),
       waterfall(pair));
  document.getElementById('main').focus();
}

const FIELD_NAMES = {
  name: '姓名 name', child_name: '新生儿姓名 child', id_number: '身份证号 ID', sex: '性别 sex',
  birth_date: '出生日期 birth date', ethnicity: '民族 ethnicity', household_id: '户号 household',
  relation: '与户主关系 relation', area_code: '区划代码 area', registration_date: '登记日期 registered',
  mother_id_number: '母亲身份证 mother ID', father_id_number: '父亲身份证 father ID', status: '人口状态 status',
  mother_name: '母亲姓名 mother', father_name: '父亲姓名 father', hospital: '接生机构 hospital',
  birth_weight: '出生体重 weight', report_date: '报告日期 reported', visit_date: '调查日期 visited',
};

function recordsTable(pair) {
  const a = new Map(pair.a.fields), b = new Map(pair.b.fields);
  const names = [...new Set([...a.keys(), ...b.keys()])];
  // A birth report's child_name faces the register's name.
  const counterpart = (n, other) => (other.has(n) ? n : n === 'child_name' && other.has('name') ? 'name'
                                     : n === 'name' && other.has('child_name') ? 'child_name' : n);
  const rows = [el('tr', {}, el('th', {}, '字段 field'),
                   el('th', {}, `A: ${pair.a.source} ${pair.a.record_id} (第 ${pair.a.line} 行 line)`),
                   el('th', {}, `B: ${pair.b.source} ${pair.b.record_id} (第 ${pair.b.line} 行 line)`))];
  const seen = new Set();
  for (const n of names) {
    if (seen.has(n)) continue;
    const m = a.has(n) ? counterpart(n, b) : n;
    seen.add(n); seen.add(m);
    const va = a.get(n) ?? a.get(m) ?? '', vb = b.get(m) ?? b.get(n) ?? '';
    const cls = !va || !vb ? 'missing' : va === vb ? 'same' : 'differ';
    const [ma, mb] = cls === 'differ' ? highlight(va, vb) : [[va], [vb]];
    rows.push(el('tr', { class: cls }, el('td', { class: 'field' }, FIELD_NAMES[n] || n),
                 el('td', { class: 'a' }, ma), el('td', { class: 'b' }, mb)));
  }
  rows.push(el('tr', {}, el('td', { class: 'field' }, '乡镇 township'),
               el('td', { class: 'a' }, pair.a.township_name || pair.a.township || ''),
               el('td', { class: 'b' }, pair.b.township_name || pair.b.township || '')));
  return el('table', { class: 'records' }, el('tbody', {}, rows));
}

// Mark the characters outside a longest common subsequence (code points, short values).
function highlight(x, y) {
  const a = Array.from(x), b = Array.from(y);
  if (a.length > 80 || b.length > 80) return [[x], [y]];
  const L = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    }
  }
  const ka = new Array(a.length).fill(false), kb = new Array(b.length).fill(false);
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) { ka[i++] = true; kb[j++] = true; } else if (L[i + 1][j] >= L[i][j + 1]) i++; else j++;
  }
  const build = (chars, keep) => {
    const out = [];
    let run = '', marked = false;
    const flush = () => { if (run) out.push(marked ? el('mark', {}, run) : run); run = ''; };
    chars.forEach((c, i) => { if (!keep[i] !== marked) { flush(); marked = !keep[i]; } run += c; });
    flush();
    return out;
  };
  return [build(a, ka), build(b, kb)];
}

function waterfall(pair) {
  const bars = pair.waterfall;
  const rowH = 24, labelW = 230, width = 900, plotW = width - labelW - 130;
  let run = 0, lo = 0, hi = 0;
  for (const b of bars) { run += b.weight; lo = Math.min(lo, run); hi = Math.max(hi, run); }
  lo = Math.min(lo, pair.weight); hi = Math.max(hi, pair.weight);
  const span = Math.max(hi - lo, 1);
  const x = (v) => labelW + ((v - lo) / span) * plotW;
  const height = (bars.length + 2) * rowH + 10;
  const chart = svg('svg', { class: 'waterfall', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
                             'aria-label': 'match weight waterfall' });
  chart.append(svg('line', { class: 'axis', x1: x(0), x2: x(0), y1: 0, y2: height }));
  run = 0;
  bars.forEach((b, i) => {
    const y = i * rowH + 4, from = run, to = run + b.weight;
    run = to;
    const label = b.label === 'prior' ? '先验 prior' : b.label === 'adjustment' ? '频率等调整 adjustment' : b.label;
    chart.append(svg('text', { x: 4, y: y + 15 }, b.level ? `${label}: ${b.level}` : label));
    chart.append(svg('rect', { class: b.weight >= 0 ? 'pos' : 'neg', x: Math.min(x(from), x(to)), y,
                               width: Math.max(Math.abs(x(to) - x(from)), 1), height: rowH - 6 }));
    chart.append(svg('text', { x: Math.max(x(from), x(to)) + 4, y: y + 15 },
                     (b.weight >= 0 ? '+' : '') + b.weight.toFixed(2)));
  });
  const y = bars.length * rowH + 8;
  chart.append(svg('text', { x: 4, y: y + 15 }, '总权重 total'));
  chart.append(svg('rect', { class: 'total', x: Math.min(x(0), x(pair.weight)), y,
                             width: Math.max(Math.abs(x(pair.weight) - x(0)), 1), height: rowH - 6 }));
  chart.append(svg('text', { x: Math.max(x(0), x(pair.weight)) + 4, y: y + 15 },
                   `${pair.weight.toFixed(2)} → ${pct(pair.probability)}`));
  return chart;
}

async function decide(decision) {
  if (!state.pair || state.busy) return;
  state.busy = true;
  try {
    // The key guards against a queue replaced by a new run since this page loaded (409).
    const r = await api(`/api/pairs/${state.pair.index}/decision`,
                        { method: 'POST', body: { decision, key: state.pair.key } });
    state.decisions.set(r.index, r.decision);
    state.session.decided += state.pair.decision ? 0 : 1;
    say(`第 ${r.index + 1} 对：${LABELS[decision]}`);
    // On to the next pair nobody decided yet, in queue order.
    const pos = state.order.indexOf(r.index);
    const next = state.order.slice(pos + 1).find((i) => !state.decisions.get(i));
    if (next !== undefined) go('/pair/' + next); else { say('队列已审完 · queue done'); go('/queue'); }
  } catch (err) {
    say('保存失败 · not saved: ' + err.message);
  } finally {
    state.busy = false;
  }
}

async function undo() {
  if (state.busy) return;
  state.busy = true;
  try {
    const r = await api('/api/undo', { method: 'POST' });
    if (r.index !== null) state.decisions.set(r.index, r.decision);
    if (!r.decision) state.session.decided -= 1;
    say(`已撤销 undone: ${LABELS[r.undone.decision] || r.undone.decision}`);
    if (r.index !== null) go('/pair/' + r.index); else route();
  } catch (err) {
    say('无可撤销 · ' + err.message);
  } finally {
    state.busy = false;
  }
}

function step(delta) {
  if (!state.pair) return;
  const pos = state.order.indexOf(state.pair.index);
  const next = state.order[pos + delta];
  if (next !== undefined) go('/pair/' + next);
}

// ---- Decisions and runs.
async function showDecisions() {
  const { decisions } = await api('/api/decisions');
  const rows = decisions.slice().reverse().map((d) => el('tr', { class: d.index !== null ? 'row-link' : '',
      onclick: d.index !== null ? () => go('/pair/' + d.index) : null },
    el('td', {}, String(d.id)), el('td', {}, d.at), el('td', {}, d.who), el('td', {}, d.job),
    el('td', {}, d.a.join(' ')), el('td', {}, d.b.join(' ')),
    el('td', {}, el('span', { class: 'decision ' + d.decision }, LABELS[d.decision] || d.decision),
       d.undone ? el('span', { class: 'muted' }, ' (已撤销 undone)') : null)));
  show(el('h1', {}, '决定记录 · decisions'),
       el('p', { class: 'muted' }, '下次运行会遵守这些决定：匹配 → 必须链接，不匹配 → 不能链接。',
          ' The next run obeys them: match → must-link, non-match → cannot-link.'),
       el('table', {}, el('thead', {}, el('tr', {}, ['#', '时间 at', '审核员 who', '任务 job', 'A', 'B', '决定 decision']
         .map((h) => el('th', {}, h)))), el('tbody', {}, rows)));
}

async function showRuns() {
  const { runs } = await api('/api/runs');
  const rows = runs.slice().reverse().map((r) => el('tr', {},
    el('td', {}, String(r.run_id)), el('td', {}, r.label), el('td', {}, r.started_at), el('td', {}, r.status),
    el('td', {}, r.bulletin ? el('a', { href: '/bulletins/' + r.run_id }, '公报 bulletin') : '—')));
  show(el('h1', {}, '运行与公报 · runs and bulletins'),
       el('p', {}, el('a', { href: '/bulletins/latest' }, '最新公报 · latest bulletin')),
       el('table', {}, el('thead', {}, el('tr', {}, ['#', '期间 period', '开始 started', '状态 status', '公报 bulletin']
         .map((h) => el('th', {}, h)))), el('tbody', {}, rows)));
}

// ---- Keyboard.
document.addEventListener('keydown', (e) => {
  if (e.target.closest('input, select, textarea') || e.altKey || e.ctrlKey || e.metaKey) return;
  const onPair = location.pathname.startsWith('/pair/');
  const k = e.key.toLowerCase();
  let handled = true;
  if (onPair && (k === 'm' || k === '1')) decide('match');
  else if (onPair && (k === 'n' || k === '2')) decide('non_match');
  else if (onPair && (k === 'u' || k === '3')) decide('unsure');
  else if (k === 'z') undo();
  else if (onPair && (k === 'j' || e.key === 'ArrowRight')) step(1);
  else if (onPair && (k === 'k' || e.key === 'ArrowLeft')) step(-1);
  else if (onPair && e.key === 'Escape') go('/queue');
  else if (!onPair && e.key === 'Enter' && location.pathname !== '/decisions' && location.pathname !== '/runs' &&
           state.queueFirst !== null && state.queueFirst !== undefined) go('/pair/' + state.queueFirst);
  else handled = false;
  if (handled) e.preventDefault();
});

(async function start() {
  try {
    state.session = await api('/api/session');
  } catch (err) {
    return;
  }
  document.getElementById('who').textContent = '审核员 reviewer: ' + state.session.who;
  if (location.pathname === '/') history.replaceState(null, '', '/queue');
  route();
})();
