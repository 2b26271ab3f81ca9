// One process's console: its whole numbered history (virtualised), live lines, state, actions,
// search, and the input line.

import { api } from './api.js';
import { el, formatBytes, formatCount, formatDuration, stateBadge, exitText, sinceText, toast } from './dom.js';
import { stripAnsi } from './ansi.js';
import { LineStore } from './linestore.js';
import { LineView } from './lineview.js';
import { ConsoleSocket } from './consolesocket.js';

/** Lines fetched when a console opens at its end (from=-TAIL_LINES). */
const TAIL_LINES = 200;
/** Search hits asked for at a time. */
const SEARCH_LIMIT = 50;
/** How often the header's "up 5m" is brought up to date. */
const META_REFRESH_MS = 1000;
/** Commands kept in the input history, per process. */
const INPUT_HISTORY = 100;

const RUNNING = new Set(['running', 'starting']);

export class ConsoleView {
  /** `session` is {user, admin}; `line` a line to open at (a deep link) or null for the end. */
  constructor(name, line, session, callbacks) {
    this.name = name;
    this.session = session;
    this.callbacks = callbacks; // onSessionEnded(resume)
    this.status = null;
    this.liveNext = 0; // the next line number the WebSocket has to bring
    this.store = new LineStore((from, limit) => api.lines(name, from, limit), () => this.view.schedule());
    this.view = new LineView(this.store, {
      lineLink: (n) => `#/p/${encodeURIComponent(name)}/L${n}`,
      onFill: (gap) => this.fillGap(gap),
      onScroll: () => this.updateFollow(),
    });
    this.socket = new ConsoleSocket(name, {
      nextFrom: () => this.liveNext,
      onConnect: (from) => { this.root.dataset.wsFrom = String(from); },
      onEvent: (msg) => this.onEvent(msg),
      onStatus: (s, detail) => this.onConnection(s, detail),
    });
    this.build();
    this.pendingLine = line;
  }

  build() {
    this.badge = el('span.badge');
    this.meta = el('span.meta');
    this.stats = el('span.stats');
    this.actions = el('div.actions');
    this.connection = el('span.conn');
    this.gapsButton = el('button.gaps', { type: 'button', hidden: true, title: 'show where', onclick: () => this.showFirstGap() });
    this.banner = el('div.banner', { role: 'status', hidden: true });
    this.searchInput = el('input.search-input', { type: 'search', placeholder: 'Search the whole history…', ariaLabel: 'search' });
    this.results = el('div.results', { hidden: true });
    this.followButton = el('button.follow', { type: 'button', hidden: true, onclick: () => this.view.scrollToBottom() }, '↓ Newest');
    this.input = el('input.command', {
      type: 'text',
      ariaLabel: 'command',
      autocomplete: 'off',
      spellcheck: false,
      onkeydown: (e) => this.onInputKey(e),
    });
    this.inputForm = el('form.input-line', { onsubmit: (e) => { e.preventDefault(); this.send(); } },
      el('span.prompt', {}, '›'), this.input, el('button', { type: 'submit' }, 'Send'));
    this.download = el('a.download', { title: 'the raw bytes of the whole history', download: '' }, 'Download log');
    this.screen = el('div.screen', {}, this.banner, this.results, this.followButton);
    this.root = el(
      'section.console-view',
      { dataset: { process: this.name } },
      el('div.console-head', {},
        el('a.back', { href: '#/' }, '← Processes'),
        el('h1.pname', {}, this.name),
        this.badge, this.meta, el('span.grow'), this.stats, this.actions),
      el('div.toolbar', {},
        el('form.search', { onsubmit: (e) => { e.preventDefault(); this.search(null); } },
          this.searchInput, el('button', { type: 'submit' }, 'Find')),
        el('span.grow'), this.gapsButton, this.connection, this.download),
      this.screen,
      this.inputForm,
    );
    this.history = loadHistory(this.name);
    this.historyAt = this.history.length;
  }

  mount(parent) {
    parent.appendChild(this.root);
    this.view.attach(this.screen);
    document.addEventListener('keydown', this.keys);
    this.clock = setInterval(() => this.updateMeta(), META_REFRESH_MS);
    this.open(this.pendingLine);
  }

  destroy() {
    document.removeEventListener('keydown', this.keys);
    clearInterval(this.clock);
    this.socket.stop();
    this.view.destroy();
  }

  /** "/" goes to the search box (as in most log viewers), Escape closes the search results. */
  keys = (e) => {
    const typing = e.target instanceof HTMLInputElement;
    if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      this.searchInput.focus();
      this.searchInput.select();
    } else if (e.key === 'Escape' && !this.results.hidden) {
      this.results.hidden = true;
    }
  };

  async open(line) {
    let status;
    try {
      status = await api.process(this.name);
    } catch (e) {
      this.fail(e.status === 404 ? `There is no process named ${this.name}.`
        : e.status === 403 ? `${this.name} is not yours to see.` : `Cannot open ${this.name}: ${e.message}`);
      return;
    }
    this.setStatus(status);
    this.store.end = Math.max(this.store.end, status.lines || 0);
    if (line === null || line === undefined) {
      try {
        this.store.accept(await api.lines(this.name, -TAIL_LINES, TAIL_LINES));
      } catch (e) {
        toast(`Cannot load the last lines: ${e.message}`, 'error');
      }
      this.view.scrollToBottom();
    } else {
      this.view.scrollToLine(Math.min(line, Math.max(0, this.store.end - 1)));
    }
    this.liveNext = this.store.end;
    this.socket.start();
  }

  fail(message) {
    this.root.replaceChildren(el('a.back', { href: '#/' }, '← Processes'), el('p.fatal', { role: 'alert' }, message));
  }

  /** A hash change within this console: #/p/NAME/L1234. */
  goto(line) {
    if (line === null) this.view.scrollToBottom();
    else this.view.scrollToLine(line);
  }

  resume() {
    this.socket.resume();
  }

  onEvent(msg) {
    if (msg.t === 'line') {
      this.store.putLive(msg.n, msg.text);
      if (msg.n + 1 > this.liveNext) this.liveNext = msg.n + 1;
      this.view.schedule();
      this.updateMeta();
    } else if (msg.t === 'missed') {
      this.store.addGap(msg.from, msg.to, 'missed');
      if (msg.to > this.liveNext) this.liveNext = msg.to;
      this.view.schedule();
      this.updateMeta();
      this.updateGaps();
    } else if (msg.t === 'state') {
      const next = { ...this.status, state: msg.state, pid: msg.pid, exit: msg.exit, signal: msg.signal, reason: msg.reason };
      // state frames carry no time: a change starts now (the first frame of a connection may be none)
      if (msg.state !== this.status.state || msg.pid !== this.status.pid) next.since = new Date().toISOString();
      if (!RUNNING.has(msg.state)) this.stats.textContent = '';
      this.setStatus(next);
    } else if (msg.t === 'stats') {
      this.stats.textContent = `CPU ${Number(msg.cpu).toFixed(2)} · RSS ${formatBytes(msg.rss)} · ${msg.threads} threads · up ${formatDuration(msg.uptime)}`;
    }
  }

  onConnection(status, detail) {
    this.root.dataset.connection = status;
    this.connection.className = `conn conn-${status}`;
    if (status === 'live') {
      this.connection.textContent = '● live';
      if (!this.banner.hidden) {
        this.banner.hidden = true;
        toast('Reconnected: the console resumed where it was.', 'ok');
      }
    } else if (status === 'connecting') {
      this.connection.textContent = '○ connecting…';
    } else if (status === 'retrying') {
      this.connection.textContent = '○ offline';
      this.banner.className = 'banner warn';
      this.banner.textContent = `Disconnected (${detail.reason}). Reconnecting in ${(detail.delay / 1000).toFixed(1)} s; the console resumes at line ${formatCount(this.liveNext)}.`;
      this.banner.hidden = false;
    } else if (status === 'session-ended') {
      this.connection.textContent = '○ signed out';
      this.banner.className = 'banner warn';
      this.banner.textContent = 'Your session ended. Sign in again to resume.';
      this.banner.hidden = false;
      this.callbacks.onSessionEnded(() => this.resume());
    }
  }

  mayControl() {
    return !!this.status && (this.session.admin || this.status.owner === this.session.user);
  }

  setStatus(status) {
    this.status = status;
    this.badge.replaceWith((this.badge = stateBadge(status.state, status.error)));
    this.root.dataset.state = status.state;
    this.updateMeta();
    this.updateActions();
    this.input.disabled = !this.mayControl() || !RUNNING.has(status.state);
    this.input.placeholder = this.input.disabled
      ? `${this.name} is not running: start it to send commands`
      : 'Type a command for the process, Enter to send (↑/↓: history)';
    this.inputForm.hidden = !this.mayControl();
  }

  updateMeta() {
    const s = this.status;
    if (!s) return;
    const parts = [];
    if (s.pid !== undefined && s.pid !== null && RUNNING.has(s.state)) parts.push(`pid ${s.pid}`);
    const since = sinceText(s.since);
    if (since) parts.push(`${RUNNING.has(s.state) ? 'up' : 'for'} ${since}`);
    const exit = exitText(s);
    if (exit && !RUNNING.has(s.state)) parts.push(exit);
    if (s.owner) parts.push(`owner ${s.owner}`);
    const scheduled = nextScheduled(s.schedules);
    if (scheduled) parts.push(`next ${scheduled.action} ${new Date(scheduled.next).toLocaleString()}`);
    parts.push(`${formatCount(this.store.end)} lines`);
    this.meta.textContent = parts.join(' · ');
    this.download.href = api.logUrl(this.name, 0, this.store.end);
  }

  updateActions() {
    this.actions.replaceChildren();
    if (!this.mayControl()) return;
    const state = this.status.state;
    const offer = [];
    if (['exited', 'failed', 'backoff'].includes(state)) offer.push('start');
    if (RUNNING.has(state) || state === 'backoff') offer.push('stop');
    if (RUNNING.has(state)) offer.push('restart');
    if (RUNNING.has(state) || state === 'stopping') offer.push('kill');
    for (const action of offer) {
      this.actions.appendChild(el(`button.action.action-${action}`, {
        type: 'button',
        dataset: { action },
        title: ACTION_HELP[action],
        onclick: () => this.act(action),
      }, action[0].toUpperCase() + action.slice(1)));
    }
  }

  async act(action) {
    try {
      const answer = await api.action(this.name, action);
      if (answer && answer.result && answer.result !== 'OK') toast(`${action}: ${answer.result}`, 'info');
    } catch (e) {
      toast(`${action} refused: ${e.message}`, 'error');
    }
  }

  async send() {
    const line = this.input.value;
    if (line === '') return;
    try {
      await api.input(this.name, line);
      if (this.history[this.history.length - 1] !== line) this.history.push(line);
      while (this.history.length > INPUT_HISTORY) this.history.shift();
      saveHistory(this.name, this.history);
      this.historyAt = this.history.length;
      this.input.value = '';
      this.view.scrollToBottom();
    } catch (e) {
      toast(`Not sent: ${e.message}`, 'error');
    }
  }

  onInputKey(e) {
    if (e.key === 'ArrowUp' && this.historyAt > 0) {
      this.historyAt--;
      this.input.value = this.history[this.historyAt];
      e.preventDefault();
    } else if (e.key === 'ArrowDown' && this.historyAt < this.history.length) {
      this.historyAt++;
      this.input.value = this.historyAt === this.history.length ? '' : this.history[this.historyAt];
      e.preventDefault();
    }
  }

  fillGap(gap) {
    this.store.fillGap(gap);
    this.view.scrollToLine(gap.from, 'top');
    this.updateGaps();
  }

  /** The toolbar says when lines were not received, wherever the person is scrolled. */
  updateGaps() {
    const missed = this.store.gaps.filter((g) => g.kind === 'missed');
    const count = missed.reduce((sum, g) => sum + g.to - g.from, 0);
    this.gapsButton.hidden = missed.length === 0;
    this.gapsButton.textContent = `⚠ ${formatCount(count)} line${count === 1 ? '' : 's'} not received`;
  }

  showFirstGap() {
    const gap = this.store.gaps.find((g) => g.kind === 'missed');
    if (gap) this.view.scrollToLine(gap.from, 'center');
  }

  updateFollow() {
    this.followButton.hidden = this.view.follow;
  }

  /** Searches lines below `before` (null: the whole history) and jumps to the newest hit. */
  async search(before) {
    const q = this.searchInput.value;
    if (q === '') {
      this.results.hidden = true;
      return;
    }
    let answer;
    try {
      answer = await api.search(this.name, q, before === null ? this.store.end : before, SEARCH_LIMIT);
    } catch (e) {
      toast(`Search failed: ${e.message}`, 'error');
      return;
    }
    this.showResults(q, answer.matches, before === null, answer.before);
    if (answer.matches.length > 0 && before === null) this.jump(answer.matches[0].n);
  }

  showResults(q, matches, fresh, olderBefore) {
    if (fresh) this.results.replaceChildren(el('div.results-head', {},
      el('span', {}, matches.length === 0 ? `No line contains “${q}”.` : `Lines containing “${q}”, newest first`),
      el('button.close', { type: 'button', ariaLabel: 'close', onclick: () => { this.results.hidden = true; } }, '×')));
    const more = this.results.querySelector('.more');
    if (more) more.remove();
    for (const m of matches) {
      this.results.appendChild(el('button.hit', { type: 'button', dataset: { n: String(m.n) }, onclick: () => this.jump(m.n) },
        el('span.hit-n', {}, String(m.n)), el('span.hit-text', {}, stripAnsi(m.text))));
    }
    if (matches.length === SEARCH_LIMIT) {
      // go on from where the gateway's scan stopped when it says so (`before`), else below the oldest hit
      const next = typeof olderBefore === 'number' ? olderBefore : matches[matches.length - 1].n;
      this.results.appendChild(el('button.more', { type: 'button', onclick: () => this.search(next) }, 'Older matches…'));
    }
    this.results.hidden = false;
  }

  jump(n) {
    history.replaceState(null, '', `#/p/${encodeURIComponent(this.name)}/L${n}`);
    this.view.scrollToLine(n);
  }
}

const ACTION_HELP = {
  start: 'start the process',
  stop: 'stop gracefully: its stop command, then SIGTERM, then SIGKILL',
  restart: 'stop gracefully, then start again',
  kill: 'SIGKILL to the whole process group, at once',
};

function loadHistory(name) {
  try {
    const saved = JSON.parse(localStorage.getItem(`procgate.input.${name}`) || '[]');
    return Array.isArray(saved) ? saved.filter((s) => typeof s === 'string') : [];
  } catch (e) {
    return [];
  }
}

function saveHistory(name, lines) {
  try {
    localStorage.setItem(`procgate.input.${name}`, JSON.stringify(lines));
  } catch (e) {
    // private mode or full: the history lives only as long as the page
  }
}

/** The entry of a process's schedules that runs first, or null (none, or none will run again). */
function nextScheduled(schedules) {
  let first = null;
  for (const entry of schedules || []) {
    if (entry.next && (!first || entry.next < first.next)) first = entry;
  }
  return first;
}
