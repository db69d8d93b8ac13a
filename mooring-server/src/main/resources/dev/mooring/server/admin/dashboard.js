// The admin dashboard's script: reads GET /v1/admin/dashboard and draws it into the page.
// Everything that comes from the server is written as text (textContent, append of strings, attributes), never as
// markup: a row value such as <img src=x onerror=...> shows as those characters. The page's Content-Security-Policy
// allows no inline script or style, so this file is the only code the page runs.
'use strict';

(() => {
  const TOKEN_KEY = 'mooring.adminToken';
  const FIGURES = '/v1/admin/dashboard';
  const REFRESH_MS = 60_000;
  const SVG = 'http://www.w3.org/2000/svg';
  const byId = (id) => document.getElementById(id);
  let refreshTimer = null;
  let loading = false;

  // ---- building DOM ----

  /** An element with a class (or none) and children: nodes as they are, anything else as text. */
  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    node.append(...children.map((c) => (c instanceof Node ? c : String(c))));
    return node;
  }

  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    node.append(...children.map((c) => (c instanceof Node ? c : String(c))));
    return node;
  }

  function tile(value, label, bad) {
    return el('div', bad ? 'tile bad' : 'tile', el('span', 'value', value), el('span', 'label', label));
  }

  function fill(id, ...nodes) {
    byId(id).replaceChildren(...nodes);
  }

  /** Rows into a table's body; a row saying {@code empty} when there are none. */
  function fillTable(id, rows, empty) {
    const body = byId(id).querySelector('tbody');
    if (rows.length === 0) {
      const cell = el('td', 'empty', empty);
      cell.colSpan = byId(id).querySelectorAll('thead th').length;
      body.replaceChildren(el('tr', null, cell));
    } else {
      body.replaceChildren(...rows);
    }
  }

  function row(...cells) {
    return el('tr', null, ...cells.map((c) => (c instanceof Node && c.nodeName === 'TD' ? c : el('td', null, c))));
  }

  function numberCell(n) {
    return el('td', 'number', count(n));
  }

  // ---- formatting ----

  function count(n) {
    return Number(n ?? 0).toLocaleString('en-US');
  }

  function percent(fraction) {
    return `${(Number(fraction ?? 0) * 100).toFixed(1)}%`;
  }

  function time(iso) {
    return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—';
  }

  /** How long before {@code now} (the server's time of the figures) {@code iso} was. */
  function age(iso, now) {
    if (!iso) return 'none';
    const seconds = Math.max(0, (Date.parse(now) - Date.parse(iso)) / 1000);
    if (seconds < 90) return `${Math.round(seconds)} s ago`;
    if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
    if (seconds < 36 * 3600) return `${(seconds / 3600).toFixed(1)} h ago`;
    return `${(seconds / 86400).toFixed(1)} days ago`;
  }

  /** A column's value as a person reads it: strings as they are, the rest as JSON, long ones cut. */
  function value(v) {
    const text = v === undefined ? '(not set)' : typeof v === 'string' ? v : JSON.stringify(v);
    return text.length > 160 ? `${text.slice(0, 160)}…` : text;
  }

  // ---- sections ----

  function firing(figures, key) {
    return (figures.alerts ?? []).some((a) => a.key === key && a.firing);
  }

  function renderHealth(f) {
    const h = f.health;
    fill('health',
      tile(count(h.sessionsLastHour), 'Syncs, last hour'),
      tile(count(h.failedLastHour), 'Failed syncs, last hour', firing(f, 'failed-syncs-per-hour')),
      tile(percent(h.conflictRate), 'Conflict rate, last hour', firing(f, 'conflict-rate')),
      tile(count(h.pendingConflicts), 'Pending conflicts', firing(f, 'pending-conflicts')),
      tile(age(h.oldestUndeliveredChange, f.generatedAt), 'Oldest undelivered change',
        firing(f, 'oldest-undelivered-change')),
      tile(count(h.nodes), 'Nodes'),
      tile(count(h.changeLogRows), 'Change log rows'),
      tile(`${Number(h.averageDurationMs ?? 0).toFixed(1)} ms`, 'Average sync, last hour'));

    const checks = Object.entries(h.checks ?? {}).map(([name, result]) => el('li', null,
      el('span', result.healthy ? 'badge ok' : 'badge bad', result.healthy ? 'OK' : 'FAILING'),
      `${name}: ${result.summary}`));
    fill('checks', ...(checks.length ? checks : [el('li', 'note', 'No other checks run on this server (such as a backup'
      + ' schedule).')]));

    let alerts;
    if (f.alerts == null) {
      alerts = [el('li', 'note', 'This server raises no health alerts (sync.yaml, alerts:).')];
    } else if (f.alerts.length === 0) {
      alerts = [el('li', 'note', 'Every health alert is switched off.')];
    } else {
      alerts = f.alerts.map((a) => el('li', null,
        el('span', a.firing ? 'badge bad' : 'badge ok', a.firing ? 'FIRING' : 'OK'),
        `${a.key}: ${a.description} (threshold ${a.thresholdText})`));
    }
    fill('alerts', ...alerts);
  }

  function renderPending(f) {
    const h = f.health;
    const behind = f.nodesBehind ?? { count: 0, oldest: [] };
    fill('pending',
      tile(count(h.pendingConflicts), 'Conflicts waiting for a person', firing(f, 'pending-conflicts')),
      tile(age(h.oldestPendingConflict, f.generatedAt), 'Oldest waiting conflict'),
      tile(age(h.oldestUndeliveredChange, f.generatedAt), 'Oldest undelivered change'),
      tile(count(behind.count), 'Nodes behind'));
    fillTable('nodes-behind', behind.oldest.map((n) => row(n.nodeId, n.userId, time(n.lastSeenAt),
      `${time(n.oldestUndeliveredChange)} (${age(n.oldestUndeliveredChange, f.generatedAt)})`)),
    'Every node that has pulled is up to date.');
  }

  /** One bar per day, its failed part in red over its foot; the count above, the date below. */
  function renderChart(days) {
    const width = 1200;
    const height = 340;
    const top = 34;
    const bottom = 44;
    const left = 10;
    const slot = (width - 2 * left) / Math.max(1, days.length);
    const barWidth = Math.min(60, slot * 0.7);
    const plot = height - top - bottom;
    const max = Math.max(1, ...days.map((d) => d.sessions));
    const chart = svg('svg', {
      viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'chart-title',
    }, svg('title', { id: 'chart-title' }, `Sync requests per day, the last ${days.length} days`));
    days.forEach((d, i) => {
      const x = left + i * slot + (slot - barWidth) / 2;
      const h = (d.sessions / max) * plot;
      const hFailed = (d.failed / max) * plot;
      const label = `${d.day}: ${count(d.sessions)} syncs, ${count(d.failed)} failed, ${count(d.changes)} changes,`
        + ` ${count(d.conflicts)} conflicts`;
      const group = svg('g', {}, svg('title', {}, label),
        svg('rect', {
          class: 'bar', x, y: top + plot - h, width: barWidth, height: h,
          'data-day': d.day, 'data-sessions': d.sessions, 'data-failed': d.failed,
        }));
      if (d.failed > 0) {
        group.append(svg('rect', { class: 'bar-failed', x, y: top + plot - hFailed, width: barWidth, height: hFailed }));
      }
      if (d.sessions > 0) {
        group.append(svg('text', { class: 'count', x: x + barWidth / 2, y: top + plot - h - 8, 'text-anchor': 'middle' },
          count(d.sessions)));
      }
      group.append(svg('text', { x: x + barWidth / 2, y: height - bottom + 26, 'text-anchor': 'middle' },
        String(d.day).slice(5)));
      chart.append(group);
    });
    chart.append(svg('line', { class: 'axis', x1: 0, x2: width, y1: top + plot, y2: top + plot }));
    fill('chart', chart);
    const total = days.reduce((sum, d) => sum + d.sessions, 0);
    const failed = days.reduce((sum, d) => sum + d.failed, 0);
    fill('chart-note', `Sync requests per UTC day, the last ${days.length} days: ${count(total)} in all, `,
      el('span', 'legend-sessions', 'blue'), ' the requests, ', el('span', 'legend-failed', 'red'),
      ` the ${count(failed)} that failed.`);
  }

  function renderConflictRate(f) {
    const r = f.conflictRate;
    fill('conflict-rate',
      tile(percent(r.lastHour), 'Last hour', firing(f, 'conflict-rate')),
      tile(percent(r.lastWeek), 'Last 7 days'),
      tile(count(r.conflictsLastWeek), 'Conflicts, last 7 days'),
      tile(count(r.changesLastWeek), 'Changes synced, last 7 days'));
  }

  function renderTopUsers(users) {
    fillTable('top-users', users.map((u) => row(u.userId, numberCell(u.pushed), numberCell(u.pulled),
      numberCell(u.syncs), numberCell(u.failed))), 'No syncs in the last 7 days.');
  }

  function renderFailed(sessions) {
    fillTable('failed-syncs', sessions.map((s) => row(time(s.startedAt), s.userId ?? '—', s.nodeId ?? '—', s.kind,
      el('td', 'error', s.error ?? ''))), 'No failed syncs.');
  }

  /** Each pushed column on a line of its own, in the same order in the column, server and client cells. */
  function lines(keys, pick) {
    return keys.map((k) => el('span', 'line', pick(k)));
  }

  function renderWaiting(conflicts) {
    fillTable('waiting', conflicts.map((c) => {
      const client = c.clientVersion ?? {};
      const server = c.serverVersion ?? undefined;
      const keys = Object.keys(client);
      const actions = el('td', null,
        resolveButton(c, 'server', "Keep server's"), resolveButton(c, 'client', "Take client's"));
      return row(`#${c.id}`, time(c.createdAt), el('td', null, el('span', 'line', c.table), el('span', 'line', c.recordId)),
        c.owner, c.clientNode,
        el('td', null, ...lines(keys, (k) => k)),
        el('td', 'value', ...lines(keys, (k) => (server === undefined ? '(no such row)' : value(server[k])))),
        el('td', 'value', ...lines(keys, (k) => value(client[k]))),
        actions);
    }), 'No conflict waits for a person.');
  }

  function renderRecent(conflicts) {
    fillTable('recent-conflicts', conflicts.map((c) => row(`#${c.id}`, time(c.createdAt), `${c.table} ${c.recordId}`,
      c.owner, c.rule, c.result, c.status)), 'No conflicts yet.');
  }

  function render(f) {
    const viewer = f.viewer === 'admin-port' ? 'the admin port' : f.viewer;
    byId('status').textContent = `Figures of ${time(f.generatedAt)}, for ${viewer}; refreshed every minute.`;
    renderHealth(f);
    renderPending(f);
    renderChart(f.syncsPerDay ?? []);
    renderConflictRate(f);
    renderTopUsers(f.topUsers ?? []);
    renderFailed(f.failedSyncs ?? []);
    renderWaiting(f.waiting ?? []);
    renderRecent(f.recentConflicts ?? []);
    byId('dashboard').hidden = false;
  }

  // ---- talking to the server ----

  function headers(extra) {
    const h = { Accept: 'application/json', ...extra };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) h.Authorization = `Bearer ${token}`;
    return h;
  }

  async function message(response) {
    try {
      const body = await response.json();
      return body.message ?? `HTTP ${response.status}`;
    } catch (e) {
      return `HTTP ${response.status}`;
    }
  }

  function showError(text) {
    const error = byId('error');
    error.textContent = text;
    error.hidden = !text;
  }

  function signIn(text) {
    // a token the server refused is of no further use: forget it, ask for another
    sessionStorage.removeItem(TOKEN_KEY);
    byId('forget').hidden = true;
    byId('dashboard').hidden = true;
    byId('signin').hidden = false;
    byId('status').textContent = 'An admin token is needed.';
    showError(text);
    byId('token').focus();
  }

  async function load() {
    if (loading) return;
    loading = true;
    clearTimeout(refreshTimer);
    byId('refresh').disabled = true;
    try {
      const response = await fetch(FIGURES, { headers: headers(), cache: 'no-store', credentials: 'omit' });
      if (response.ok) {
        render(await response.json());
        byId('signin').hidden = true;
        byId('forget').hidden = !sessionStorage.getItem(TOKEN_KEY);
        showError('');
        refreshTimer = setTimeout(refresh, REFRESH_MS);
      } else if (response.status === 401 && !sessionStorage.getItem(TOKEN_KEY)) {
        signIn(''); // a first visit: the form says what is needed
      } else if (response.status === 401 || response.status === 403) {
        signIn(`That token does not open the dashboard: ${await message(response)}`);
      } else {
        showError(`The server could not give the figures: ${await message(response)}`);
        refreshTimer = setTimeout(refresh, REFRESH_MS);
      }
    } catch (e) {
      showError(`Could not reach the server: ${e.message}`);
      refreshTimer = setTimeout(refresh, REFRESH_MS);
    } finally {
      loading = false;
      byId('refresh').disabled = false;
    }
  }

  /** The timer's load: not while the tab is hidden (it loads again once shown). */
  function refresh() {
    if (!document.hidden) load();
  }

  function resolveButton(conflict, choice, label) {
    const button = el('button', null, label);
    button.type = 'button';
    button.addEventListener('click', () => resolve(conflict, choice, button));
    return button;
  }

  async function resolve(conflict, choice, button) {
    const side = choice === 'server' ? "the server's" : "the client's";
    if (!window.confirm(`Resolve conflict #${conflict.id} (${conflict.table} ${conflict.recordId}) with ${side}`
      + ' values?')) return;
    button.disabled = true;
    try {
      const response = await fetch(`/v1/conflicts/${encodeURIComponent(conflict.id)}/resolve`, {
        method: 'POST',
        headers: headers({ 'Content-Type': 'application/json' }),
        body: JSON.stringify({ choice }),
        credentials: 'omit',
      });
      if (response.status === 401 || response.status === 403) {
        signIn(`That token does not resolve conflicts: ${await message(response)}`);
        return;
      }
      if (!response.ok) {
        showError(`Conflict #${conflict.id} was not resolved: ${await message(response)}`);
        button.disabled = false;
        return;
      }
      showError('');
    } catch (e) {
      showError(`Could not reach the server: ${e.message}`);
      button.disabled = false;
      return;
    }
    await load();
  }

  document.addEventListener('DOMContentLoaded', () => {
    byId('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = byId('token').value.trim();
      byId('token').value = '';
      if (token) {
        sessionStorage.setItem(TOKEN_KEY, token);
        load();
      }
    });
    byId('refresh').addEventListener('click', load);
    byId('forget').addEventListener('click', () => signIn('The token is forgotten; paste one to go on.'));
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && !loading && byId('signin').hidden) load();
    });
    load();
  });
})();
