// Small helpers to build DOM nodes without ever parsing HTML.

/**
 * el('div.row.gap', {dataset: {n: 5}, onclick: f}, child...) : tag with classes, properties and
 * children (nodes or strings, strings become text nodes).
 */
export function el(spec, props = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const node = document.createElement(tag || 'div');
  if (classes.length) node.classList.add(...classes);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

const numbers = new Intl.NumberFormat('en-US');

export function formatCount(n) {
  return numbers.format(n);
}

export function formatBytes(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 && u > 0 ? 1 : 0)} ${units[u]}`;
}

export function formatDuration(seconds) {
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s % 60}s`;
}

/** A state badge as the process list and the console header show it; `error`: why a start failed. */
export function stateBadge(state, error) {
  const title = error ? `${state}: ${error}` : `state: ${state}`;
  return el(`span.badge.state-${state || 'unknown'}`, { title }, state || 'unknown');
}

/** How long ago an ISO instant was ("5m 3s"), or '' when there is none. */
export function sinceText(iso) {
  const t = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) return '';
  return formatDuration(Math.max(0, (Date.now() - t) / 1000));
}

/** "exit 0", "signal 9" or "" for a process status object. */
export function exitText(p) {
  const why = p.reason ? ` (${p.reason})` : '';
  if (p.signal !== undefined && p.signal !== null) return `signal ${p.signal}${why}`;
  if (p.exit !== undefined && p.exit !== null) return `exit ${p.exit}${why}`;
  return '';
}

/** A short notice at the bottom of the page. */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  if (!box) return;
  const t = el(`div.toast.${kind}`, { role: 'status' }, message);
  box.appendChild(t);
  setTimeout(() => t.remove(), 5000);
}
