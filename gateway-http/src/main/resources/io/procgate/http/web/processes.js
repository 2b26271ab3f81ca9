// The process list: every process the user may see, with its state kept live by polling the API.

import { api } from './api.js';
import { el, clear, formatCount, stateBadge, exitText, sinceText } from './dom.js';

/** How often the list asks for fresh states while it is on screen. */
const POLL_MS = 1000;

export class ProcessListView {
  constructor() {
    this.body = el('tbody');
    this.summary = el('span.summary');
    this.error = el('p.list-error', { role: 'alert' });
    this.table = el(
      'table.processes',
      {},
      el('thead', {}, el('tr', {}, ['Name', 'State', 'Since', 'PID', 'Owner', 'Lines', 'Last exit'].map((h) => el('th', {}, h)))),
      this.body,
    );
    this.empty = el('p.empty', {}, 'No processes you may see yet.');
    this.root = el(
      'section.list-view',
      {},
      el('div.list-head', {}, el('h1', {}, 'Processes'), this.summary),
      this.error,
      this.table,
      this.empty,
    );
    this.timer = 0;
    this.stopped = false;
  }

  mount(parent) {
    parent.appendChild(this.root);
    this.refresh();
  }

  destroy() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  async refresh() {
    try {
      const list = await api.processes();
      if (this.stopped) return;
      this.error.textContent = '';
      this.show(list);
    } catch (e) {
      if (this.stopped) return;
      this.error.textContent = `Cannot load the processes: ${e.message}`;
    }
    if (!this.stopped) this.timer = setTimeout(() => this.refresh(), POLL_MS);
  }

  show(list) {
    clear(this.body);
    this.empty.hidden = list.length > 0;
    this.table.hidden = list.length === 0;
    const counts = {};
    for (const p of list) {
      counts[p.state] = (counts[p.state] || 0) + 1;
      const href = `#/p/${encodeURIComponent(p.name)}`;
      const row = el(
        'tr',
        { dataset: { name: p.name, state: p.state }, onclick: (e) => { if (e.target.tagName !== 'A') location.hash = href; } },
        el('td.name', {}, el('a', { href }, p.name), p.declared ? el('span.tag', { title: 'declared in the configuration' }, 'config') : null),
        el('td', {}, stateBadge(p.state, p.error),
          p.restarts > 0 ? el('span.tag.restarts', { title: `restarted ${p.restarts} times` }, `↻ ${p.restarts}`) : null),
        el('td.num', {}, sinceText(p.since) || '–'),
        el('td.num', {}, p.pid !== undefined && p.pid !== null ? String(p.pid) : '–'),
        el('td', {}, p.owner || '–'),
        el('td.num', {}, formatCount(p.lines || 0)),
        el('td', {}, exitText(p) || '–'),
      );
      this.body.appendChild(row);
    }
    this.summary.textContent = Object.entries(counts)
      .sort()
      .map(([state, n]) => `${n} ${state}`)
      .join(' · ');
  }
}
