// ANSI escape sequences in process output -> styled text runs, built node by node.
// Process output is untrusted: text only ever reaches the DOM through textContent, and a colour
// reaches it as a class name from a fixed list or as numbers we computed, never as a string
// taken from the output. Only SGR (ESC [ ... m) is rendered; every other sequence is dropped.

const ESC = '\u001b';
const CSI_C1 = '\u009b';

/** Style of a run of text; `fg`/`bg` are a palette index 0-255, an [r, g, b] triple or null. */
function plainStyle() {
  return { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false, strike: false };
}

// CSI: parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, one final byte 0x40-0x7E.
function scanCsi(text, i) {
  let j = i;
  while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x3f) j++;
  const params = text.slice(i, j);
  while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
  if (j >= text.length) return { end: text.length, final: '', params };
  const code = text.charCodeAt(j);
  if (code < 0x40 || code > 0x7e) return { end: j, final: '', params };
  return { end: j + 1, final: text[j], params };
}

// OSC, DCS, SOS, PM, APC: a string ended by BEL or ST (ESC \), dropped whole.
function skipString(text, i) {
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '\u0007') return j + 1;
    if (c === ESC && text[j + 1] === '\\') return j + 2;
  }
  return text.length;
}

function colour(codes, k) {
  // 38;5;N (palette) or 38;2;R;G;B (true colour); returns [value, codes consumed after 38/48]
  const mode = codes[k + 1];
  if (mode === 5 && codes.length > k + 2) {
    const n = codes[k + 2];
    return [n >= 0 && n <= 255 ? n : null, 2];
  }
  if (mode === 2 && codes.length > k + 4) {
    const rgb = [codes[k + 2], codes[k + 3], codes[k + 4]].map((v) => Math.max(0, Math.min(255, v | 0)));
    return [rgb, 4];
  }
  return [null, codes.length - k - 1];
}

function applySgr(style, params) {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : parseInt(p, 10)));
  for (let k = 0; k < codes.length; k++) {
    const c = codes[k];
    if (Number.isNaN(c)) continue;
    if (c === 0) Object.assign(style, plainStyle());
    else if (c === 1) style.bold = true;
    else if (c === 2) style.dim = true;
    else if (c === 3) style.italic = true;
    else if (c === 4) style.underline = true;
    else if (c === 7) style.inverse = true;
    else if (c === 9) style.strike = true;
    else if (c === 21 || c === 22) { style.bold = false; style.dim = false; }
    else if (c === 23) style.italic = false;
    else if (c === 24) style.underline = false;
    else if (c === 27) style.inverse = false;
    else if (c === 29) style.strike = false;
    else if (c >= 30 && c <= 37) style.fg = c - 30;
    else if (c >= 90 && c <= 97) style.fg = c - 90 + 8;
    else if (c === 39) style.fg = null;
    else if (c >= 40 && c <= 47) style.bg = c - 40;
    else if (c >= 100 && c <= 107) style.bg = c - 100 + 8;
    else if (c === 49) style.bg = null;
    else if (c === 38 || c === 48) {
      const [value, used] = colour(codes, k);
      if (c === 38) style.fg = value; else style.bg = value;
      k += used;
    }
  }
}

/**
 * Splits one line of output into runs [{text, style}]. SGR sets the style; every other escape
 * sequence and control character (but tab) is dropped.
 */
export function parseAnsi(text) {
  const runs = [];
  const style = plainStyle();
  let buf = '';
  const flush = () => {
    if (buf !== '') runs.push({ text: buf, style: { ...style } });
    buf = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const code = text.charCodeAt(i);
    if (ch === ESC || ch === CSI_C1) {
      let next = ch === CSI_C1 ? '[' : text[i + 1];
      let start = ch === CSI_C1 ? i + 1 : i + 2;
      if (next === '[') {
        const csi = scanCsi(text, start);
        if (csi.final === 'm') {
          flush();
          applySgr(style, csi.params);
        }
        i = csi.end;
      } else if (next === ']' || next === 'P' || next === 'X' || next === '^' || next === '_') {
        i = skipString(text, start);
      } else if (next !== undefined && next >= ' ' && next <= '/') {
        // ESC with intermediates (charset selection "ESC ( B"): intermediates then one final byte
        let j = i + 1;
        while (j < text.length && text[j] >= ' ' && text[j] <= '/') j++;
        i = Math.min(text.length, j + 1);
      } else {
        i = Math.min(text.length, i + 2); // two-byte escape (ESC 7, ESC =, ...)
      }
      continue;
    }
    if ((code < 0x20 && ch !== '\t') || code === 0x7f || (code >= 0x80 && code < 0xa0)) {
      i++; // other C0/C1 controls (CR, BS, BEL...) would only show as garbage
      continue;
    }
    buf += ch;
    i++;
  }
  flush();
  return runs;
}

const NAMED = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

// xterm's 256-colour palette beyond the 16 named ones: a 6x6x6 cube, then a grey ramp.
function paletteRgb(n) {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return [v, v, v];
  }
  const k = n - 16;
  const step = (v) => (v === 0 ? 0 : 55 + v * 40);
  return [step(Math.floor(k / 36)), step(Math.floor(k / 6) % 6), step(k % 6)];
}

function paint(span, colourValue, side) {
  if (colourValue === null) return;
  if (typeof colourValue === 'number' && colourValue < 16) {
    span.classList.add(`${side}-${colourValue >= 8 ? 'bright-' : ''}${NAMED[colourValue % 8]}`);
    return;
  }
  const [r, g, b] = typeof colourValue === 'number' ? paletteRgb(colourValue) : colourValue;
  // numbers we computed, set through the CSSOM (allowed by style-src 'self'; no style attribute)
  const value = `rgb(${r | 0}, ${g | 0}, ${b | 0})`;
  if (side === 'fg') span.style.color = value;
  else span.style.backgroundColor = value;
}

/** Appends the line's runs to `parent` as text nodes and styled spans; returns `parent`. */
export function renderAnsi(text, parent) {
  for (const run of parseAnsi(text)) {
    const s = run.style;
    const plain = s.fg === null && s.bg === null && !s.bold && !s.dim && !s.italic && !s.underline && !s.inverse && !s.strike;
    if (plain) {
      parent.appendChild(document.createTextNode(run.text));
      continue;
    }
    const span = document.createElement('span');
    span.textContent = run.text;
    const fg = s.inverse ? (s.bg === null ? 'inverse' : s.bg) : s.fg;
    const bg = s.inverse ? (s.fg === null ? 'inverse' : s.fg) : s.bg;
    if (fg === 'inverse') span.classList.add('fg-inverse'); else paint(span, fg, 'fg');
    if (bg === 'inverse') span.classList.add('bg-inverse'); else paint(span, bg, 'bg');
    if (s.bold) span.classList.add('sgr-bold');
    if (s.dim) span.classList.add('sgr-dim');
    if (s.italic) span.classList.add('sgr-italic');
    if (s.underline) span.classList.add('sgr-underline');
    if (s.strike) span.classList.add('sgr-strike');
    parent.appendChild(span);
  }
  return parent;
}

/** The line as a person reads it: escape sequences removed (for search results, titles). */
export function stripAnsi(text) {
  return parseAnsi(text).map((r) => r.text).join('');
}
