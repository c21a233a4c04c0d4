// The dashboard: polls the REST API every two seconds and redraws. No build step, no framework.
(function () {
  'use strict';
  const POLL_MS = 2000;
  const history = [];          // [time, events/s]
  let lastDot = null;
  const chart = echarts.init(document.getElementById('throughput'));
  chart.setOption({
    grid: { left: 50, right: 20, top: 20, bottom: 30 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', name: 'events/s' },
    tooltip: { trigger: 'axis' },
    series: [{ type: 'line', showSymbol: false, areaStyle: {}, data: [] }]
  });
  window.addEventListener('resize', () => chart.resize());

  async function get(path) {
    try {
      const r = await fetch(path, { headers: { 'Accept': 'application/json' } });
      if (!r.ok) { return null; }
      const type = r.headers.get('content-type') || '';
      return type.includes('json') ? r.json() : r.text();
    } catch (e) {
      return null;
    }
  }

  function text(v) { return v === null || v === undefined ? '' : String(v); }
  function el(tag, content, cls) {
    const e = document.createElement(tag);
    e.textContent = text(content);
    if (cls) { e.className = cls; }
    return e;
  }
  function fill(tableId, rows) {
    const body = document.querySelector('#' + tableId + ' tbody');
    body.replaceChildren();
    if (!rows.length) {
      const tr = document.createElement('tr');
      const td = el('td', 'none', 'muted');
      td.colSpan = document.querySelectorAll('#' + tableId + ' th').length;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach(cells => {
      const tr = document.createElement('tr');
      cells.forEach(c => tr.appendChild(c instanceof Node ? c : el('td', c, typeof c === 'number' ? 'num' : '')));
      body.appendChild(tr);
    });
  }
  function badge(state) {
    const td = document.createElement('td');
    td.appendChild(el('span', state, 'badge ' + text(state)));
    return td;
  }
  function fmt(n) { return typeof n === 'number' ? n.toLocaleString() : text(n); }
  function time(t) { return t ? new Date(t).toLocaleTimeString() : ''; }

  async function refreshStatus() {
    const s = await get('/api/v1/pipeline/status');
    if (!s) { return; }
    const state = document.getElementById('pipeline-state');
    state.textContent = s.state;
    state.className = 'badge ' + s.state;
    document.getElementById('pipeline-owner').textContent = s.owner ? 'owner ' + s.owner : '';
    const m = s.metrics || {};
    document.getElementById('m-received').textContent = fmt(m.received || 0);
    document.getElementById('m-delivered').textContent = fmt(m.delivered || 0);
    document.getElementById('m-filtered').textContent = fmt(m.filtered || 0);
    document.getElementById('m-dead').textContent = fmt(m.dead_lettered || 0);
    document.getElementById('m-dups').textContent = fmt(m.duplicates_dropped || 0);
    const buffer = s.buffer || {};
    document.getElementById('m-buffer').textContent = fmt(buffer.used || 0) + ' / ' + fmt(buffer.capacity || 0);
    const eps = Math.round(s.events_per_second || (m.events_per_second || 0));
    document.getElementById('eps').textContent = fmt(eps) + ' events/s';
    history.push([Date.now(), eps]);
    while (history.length > 300) { history.shift(); }
    chart.setOption({ series: [{ data: history }] });
    const perSource = m.sources || {};
    fill('sources', (s.sources || []).map(src => [src.id, badge(src.state), src.lag_ms >= 0 ? src.lag_ms + ' ms' : '',
      text(src.committed_position), fmt((perSource[src.id] || {}).committed || 0)]));
  }

  async function refreshSinks() {
    const r = await get('/api/v1/sinks');
    const s = await get('/api/v1/pipeline/status');
    const written = ((s || {}).metrics || {}).sinks || {};
    if (!r) { return; }
    fill('sinks', r.sinks.map(k => [k.id, k.type, badge((k.health || {}).status || 'UNKNOWN'), fmt((written[k.id] || {}).written || 0)]));
  }

  async function refreshRules() {
    const r = await get('/api/v1/transformations');
    if (!r) { fill('rules', []); return; }
    const rules = r.rules || r.transformations || r;
    fill('rules', (Array.isArray(rules) ? rules : []).map(x => {
      const m = x.metrics || {};
      return [x.rule_id, x.rule_type, fmt((m.applied || 0) - (m.filtered || 0)), fmt(m.failed || 0)];
    }));
  }

  async function refreshQuality() {
    const q = await get('/api/v1/quality/metrics');
    if (!q) { fill('quality', []); return; }
    const rows = [];
    const assets = q.assets || q.per_asset || {};
    Object.keys(assets).sort().forEach(k => {
      const t = assets[k].total || {};
      rows.push([k, fmt(t.checked || 0), fmt(t.failed || 0), t.checked ? (Math.round(t.score * 1000) / 10) + ' %' : '']);
    });
    fill('quality', rows);
  }

  async function refreshDeadLetters() {
    const d = await get('/api/v1/dead-letters?limit=20');
    if (!d) { return; }
    fill('dead-letters', d.dead_letters.slice().reverse().map(x => [time(x.failed_at), x.stage, x.component, x.reason]));
  }

  async function refreshAudit() {
    const a = await get('/api/v1/lineage/audit?limit=20');
    if (!a) { return; }
    fill('audit', a.entries.slice().reverse().map(x => [time(x.time), x.actor, x.action, x.target]));
  }

  const viz = typeof Viz === 'function' ? new Viz() : null;
  async function refreshLineage() {
    const dot = await get('/api/v1/lineage/flow?format=dot');
    if (!dot || typeof dot !== 'string' || dot === lastDot || !viz) { return; }
    lastDot = dot;
    try {
      const svg = await viz.renderSVGElement(dot);
      const box = document.getElementById('lineage');
      box.classList.remove('muted');
      box.replaceChildren(svg);
    } catch (e) {
      console.warn('could not draw the lineage graph', e);
    }
  }

  async function tick() {
    await Promise.all([refreshStatus(), refreshSinks(), refreshRules(), refreshQuality(), refreshDeadLetters(),
      refreshAudit(), refreshLineage()]);
  }
  tick();
  setInterval(tick, POLL_MS);
})();
