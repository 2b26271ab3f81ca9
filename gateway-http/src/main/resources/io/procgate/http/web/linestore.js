// What the console knows of one process's history: line texts by number (a bounded cache, loaded
// in chunks over /lines as the view needs them) and the gaps in it. Lines are keyed by number, so
// a line that arrives twice (a reconnect, a fill) is still one line.
//
// The view sees "items": every line number from 0 to `end`, except that a gap counts as one item
// (a row that says what is missing), so a gap of a million lines takes one row, not a million.

/** Lines per /lines request when the view needs a range; also the alignment of those requests. */
export const CHUNK = 500;
/** Line texts kept in memory; the oldest loaded go first (they are loaded again when seen). */
const MAX_CACHED = 60000;
/** /lines requests in flight at once while the view moves. */
const MAX_INFLIGHT = 4;

export class LineStore {
  /** `fetchLines(from, limit)` answers as GET /lines; `changed()` is called when the view must redraw. */
  constructor(fetchLines, changed) {
    this.fetchLines = fetchLines;
    this.changed = changed;
    this.end = 0; // the next line number: lines 0..end-1 exist
    this.texts = new Map();
    // sorted, disjoint: {from, to, kind: 'missed' (fillable) | 'gone' (retention dropped them)}
    this.gaps = [];
    this.inflight = new Set(); // chunk start numbers being fetched
    this.failed = false;
  }

  /** Stores lines from a /lines answer (or the WebSocket) starting at `from`. */
  put(from, lines) {
    for (let k = 0; k < lines.length; k++) {
      const n = from + k;
      if (this.texts.has(n)) this.texts.delete(n);
      this.texts.set(n, lines[k]);
    }
    if (from + lines.length > this.end) this.end = from + lines.length;
    this.evict();
  }

  /** One live line `n`; returns false when it was already known (shown once, whatever happens). */
  putLive(n, text) {
    const known = this.texts.has(n);
    if (n > this.end) this.addGap(this.end, n, 'missed'); // a hole we were never told about
    this.texts.set(n, text);
    if (n + 1 > this.end) this.end = n + 1;
    this.evict();
    return !known;
  }

  evict() {
    if (this.texts.size <= MAX_CACHED) return;
    let drop = this.texts.size - MAX_CACHED;
    for (const key of this.texts.keys()) {
      if (drop-- <= 0) break;
      this.texts.delete(key);
    }
  }

  addGap(from, to, kind) {
    if (to <= from) return;
    if (to > this.end) this.end = to;
    const merged = { from, to, kind };
    const rest = [];
    for (const g of this.gaps) {
      if (g.to < merged.from || g.from > merged.to || g.kind !== kind) {
        // an overlapping gap of the other kind is cut back to what this one does not cover
        if (g.kind !== kind && g.to > merged.from && g.from < merged.to) {
          if (g.from < merged.from) rest.push({ ...g, to: merged.from });
          if (g.to > merged.to) rest.push({ ...g, from: merged.to });
        } else {
          rest.push(g);
        }
      } else {
        merged.from = Math.min(merged.from, g.from);
        merged.to = Math.max(merged.to, g.to);
      }
    }
    rest.push(merged);
    rest.sort((a, b) => a.from - b.from);
    this.gaps = rest;
  }

  /** Turns a `missed` gap back into ordinary lines, loaded as the view reaches them. */
  fillGap(gap) {
    this.gaps = this.gaps.filter((g) => g !== gap);
    this.changed();
  }

  itemCount() {
    let count = this.end;
    for (const g of this.gaps) count -= g.to - g.from - 1;
    return count;
  }

  /** The item at index i: {kind: 'line', n, text (undefined while not loaded)} or {kind: 'gap', gap}. */
  itemAt(i) {
    let offset = 0;
    for (const g of this.gaps) {
      const at = g.from - offset;
      if (i < at) break;
      if (i === at) return { kind: 'gap', gap: g, n: g.from };
      offset += g.to - g.from - 1;
    }
    const n = i + offset;
    return { kind: 'line', n, text: this.texts.get(n) };
  }

  /** The index of the item that shows line n (its gap's row when n is in a gap). */
  indexOf(n) {
    let offset = 0;
    for (const g of this.gaps) {
      if (n < g.from) break;
      if (n < g.to) return g.from - offset;
      offset += g.to - g.from - 1;
    }
    return n - offset;
  }

  inGap(n) {
    return this.gaps.some((g) => n >= g.from && n < g.to);
  }

  /** Fetches what is missing of lines from..to-1, a few chunks at a time. */
  ensure(from, to) {
    const last = Math.min(to, this.end);
    for (let c = Math.floor(Math.max(0, from) / CHUNK) * CHUNK; c < last; c += CHUNK) {
      if (this.inflight.has(c)) continue;
      if (this.inflight.size >= MAX_INFLIGHT) return;
      let missing = false;
      for (let n = Math.max(c, from); n < Math.min(c + CHUNK, last); n++) {
        if (!this.texts.has(n) && !this.inGap(n)) {
          missing = true;
          break;
        }
      }
      if (missing) this.load(c, CHUNK);
    }
  }

  async load(from, limit) {
    this.inflight.add(from);
    try {
      const answer = await this.fetchLines(from, limit);
      this.accept(answer);
      this.failed = false;
    } catch (e) {
      this.failed = true;
    } finally {
      this.inflight.delete(from);
      this.changed();
    }
  }

  /** Takes in a /lines answer: its lines, and the numbers retention no longer keeps. */
  accept(answer) {
    if (answer.missed) this.addGap(answer.missed.from, answer.missed.to, 'gone');
    const first = answer.next - answer.lines.length;
    this.put(first, answer.lines);
    if (answer.next > this.end) this.end = answer.next;
  }
}
