// The virtualised line list: only the rows on screen exist in the DOM. Every row has the same
// height (--line-height in app.css), so item i sits at i * lineHeight; a spacer gives the
// scrollbar the whole history's length. Browsers cap an element's height (Chrome near 33.5M px,
// Firefox near 17.9M), so past MAX_SPACER_PX the scroll position maps onto the items by ratio.

import { el, clear, formatCount } from './dom.js';
import { renderAnsi } from './ansi.js';

const MAX_SPACER_PX = 15000000;
/** Rows drawn beyond each edge of the screen, so that a small scroll shows no blank row. */
const OVERSCAN = 4;

export class LineView {
  /**
   * `store` is a LineStore; `options.lineLink(n)` gives a row's line-number link, `options.onFill(gap)`
   * loads a missed gap, `options.onScroll()` is told when the person scrolled.
   */
  constructor(store, options) {
    this.store = store;
    this.options = options;
    this.rows = el('div.rows');
    this.spacer = el('div.spacer');
    this.viewport = el('div.viewport', { tabIndex: 0, role: 'log', ariaLabel: 'console output' }, this.spacer, this.rows);
    this.lineHeight = 18;
    this.follow = true; // stick to the newest line while the person is at the bottom
    this.target = null; // a line to highlight (a deep link, a search hit)
    this.frame = 0;
    this.viewport.addEventListener('scroll', () => this.onScroll());
    this.resizer = new ResizeObserver(() => this.schedule());
    this.resizer.observe(this.viewport);
  }

  attach(parent) {
    parent.appendChild(this.viewport);
    const h = parseFloat(getComputedStyle(this.viewport).getPropertyValue('--line-height'));
    if (h > 0) this.lineHeight = h;
    this.schedule();
  }

  destroy() {
    this.resizer.disconnect();
    cancelAnimationFrame(this.frame);
  }

  geometry() {
    const count = this.store.itemCount();
    const total = count * this.lineHeight;
    const height = Math.min(total, MAX_SPACER_PX);
    const client = this.viewport.clientHeight;
    return { count, total, height, client, maxTop: Math.max(0, height - client) };
  }

  /** Scroll position (px of the spacer) -> virtual position (px of the full list), and back. */
  toVirtual(top, g) {
    if (g.total <= MAX_SPACER_PX || g.maxTop === 0) return top;
    return (top / g.maxTop) * (g.total - g.client);
  }

  toScroll(virtual, g) {
    if (g.total <= MAX_SPACER_PX || g.total === g.client) return virtual;
    return (virtual / (g.total - g.client)) * g.maxTop;
  }

  // Measured on the DOM as drawn, not on the line count: lines that arrived since the last frame
  // must not make a scroll to the bottom look like a scroll away from it.
  atBottom() {
    const v = this.viewport;
    return v.scrollTop + v.clientHeight >= v.scrollHeight - 2;
  }

  onScroll() {
    this.follow = this.atBottom();
    this.schedule();
    if (this.options.onScroll) this.options.onScroll();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  setScrollTop(top) {
    if (Math.abs(this.viewport.scrollTop - top) >= 0.5) this.viewport.scrollTop = top;
  }

  /** Puts line n in view: 'center', or 'top'; marks it as the target. */
  scrollToLine(n, align = 'center') {
    this.target = n;
    this.follow = false;
    this.scrollToIndex(this.store.indexOf(n), align);
  }

  scrollToIndex(index, align) {
    const g = this.geometry();
    this.spacer.style.height = `${g.height}px`;
    let virtual = index * this.lineHeight;
    if (align === 'center') virtual -= (g.client - this.lineHeight) / 2;
    virtual = Math.max(0, Math.min(virtual, g.total - g.client));
    this.setScrollTop(this.toScroll(virtual, g));
    this.render();
  }

  scrollToBottom() {
    this.follow = true;
    const g = this.geometry();
    this.spacer.style.height = `${g.height}px`;
    this.setScrollTop(g.maxTop);
    this.render();
  }

  /** Items (first, last) on screen now, for tests and the status line. */
  visibleRange() {
    const g = this.geometry();
    const virtual = this.toVirtual(this.viewport.scrollTop, g);
    const first = Math.floor(virtual / this.lineHeight);
    const last = Math.min(g.count - 1, Math.floor((virtual + g.client - 1) / this.lineHeight));
    return { first, last };
  }

  render() {
    const g = this.geometry();
    this.spacer.style.height = `${g.height}px`;
    if (this.follow) this.setScrollTop(g.maxTop);
    const top = Math.min(this.viewport.scrollTop, g.maxTop);
    const virtual = this.toVirtual(top, g);
    const firstVisible = Math.floor(virtual / this.lineHeight);
    const first = Math.max(0, firstVisible - OVERSCAN);
    const last = Math.min(g.count - 1, Math.ceil((virtual + g.client) / this.lineHeight) + OVERSCAN);
    // the rows layer moves with the scroll position; inside it, row k sits at k * lineHeight
    const offset = virtual - first * this.lineHeight;
    this.rows.style.transform = `translateY(${Math.round(top - offset)}px)`;

    const wanted = last - first + 1;
    while (this.rows.childElementCount > Math.max(0, wanted)) this.rows.lastElementChild.remove();
    while (this.rows.childElementCount < wanted) this.rows.appendChild(el('div.row'));
    let lowLine = Infinity;
    let highLine = -1;
    for (let i = first; i <= last; i++) {
      const item = this.store.itemAt(i);
      this.paintRow(this.rows.children[i - first], item);
      if (item.kind === 'line') {
        lowLine = Math.min(lowLine, item.n);
        highLine = Math.max(highLine, item.n);
      }
    }
    if (highLine >= 0) this.store.ensure(lowLine, highLine + 1);
  }

  paintRow(row, item) {
    const text = item.kind === 'line' ? item.text : null;
    const key = item.kind === 'gap'
      ? `g:${item.gap.from}:${item.gap.to}:${item.gap.kind}:${item.gap.loading ? 1 : 0}`
      : `l:${item.n}:${text === undefined ? '' : 'x'}`;
    const targeted = item.kind === 'line' && item.n === this.target;
    row.classList.toggle('target', targeted);
    if (row.dataset.key === key && row.textCache === text) return;
    row.dataset.key = key;
    row.textCache = text;
    clear(row);
    row.className = targeted ? 'row target' : 'row';
    if (item.kind === 'gap') {
      this.paintGap(row, item.gap);
      return;
    }
    row.dataset.n = String(item.n);
    row.appendChild(el('a.ln', { href: this.options.lineLink(item.n), tabIndex: -1 }, String(item.n)));
    const body = el('span.tx');
    if (text === undefined) {
      row.classList.add('pending');
    } else {
      renderAnsi(text, body);
    }
    row.appendChild(body);
  }

  paintGap(row, gap) {
    const count = gap.to - gap.from;
    row.classList.add('gap', `gap-${gap.kind}`);
    row.dataset.gapFrom = String(gap.from);
    row.dataset.gapTo = String(gap.to);
    delete row.dataset.n;
    const range = `${formatCount(gap.from)}–${formatCount(gap.to - 1)}`;
    row.appendChild(el('span.ln', {}, '⋯'));
    const body = el('span.tx');
    if (gap.kind === 'missed') {
      body.appendChild(el('span.gap-text', {}, `${formatCount(count)} line${count === 1 ? '' : 's'} not received (${range}): the console fell behind`));
      body.appendChild(el('button.gap-load', { type: 'button', onclick: () => this.options.onFill(gap) }, 'Load them'));
    } else {
      body.appendChild(el('span.gap-text', {}, `${formatCount(count)} line${count === 1 ? '' : 's'} no longer kept (${range}): dropped by history retention`));
    }
    row.appendChild(body);
  }
}
