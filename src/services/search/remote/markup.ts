// A small, tolerant HTML/XML reader for engine answers: result pages
// (DuckDuckGo, Mojeek) and feeds (arXiv's Atom, RSS). It builds a plain
// element tree and never throws on bad markup: unknown end tags are
// ignored, unclosed elements end with their parent, and the implied end
// tags that result pages lean on (<p>, <li>, <td>, ... closing the previous
// sibling, HTML §13.1.2.4) are applied. Scripts and styles are skipped
// unread; nothing here evaluates anything. A minimal selector language
// (tag, .class, #id, [attr], [attr=value], descendant) finds results.

export interface MarkupElement {
  name: string;
  attrs: Readonly<Record<string, string>>;
  children: MarkupNode[];
  parent: MarkupElement | undefined;
}
export type MarkupNode = MarkupElement | string;

// HTML §13.1.2: void elements have no end tag.
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
// Raw text elements: their content is not markup, and not ours to read.
const RAW = new Set(['script', 'style', 'template', 'noscript']);
// Elements a start tag of the same name closes (a simplification of §13.2.6.4 good enough for result lists).
const SELF_CLOSING_SIBLINGS = new Set(['p', 'li', 'tr', 'td', 'th', 'option', 'dt', 'dd']);

const NAMED: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', hellip: '…', mdash: '—', ndash: '–',
  laquo: '«', raquo: '»', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', copy: '©', reg: '®', middot: '·', bull: '•', trade: '™',
};

/** Character references (HTML §13.5) for the named ones engines use, and every numeric one. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
    }
    return NAMED[ref] ?? whole;
  });
}

const ATTR = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

function parseAttrs(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of text.matchAll(ATTR)) {
    const name = m[1]!.toLowerCase();
    if (!(name in attrs)) attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

/**
 * The element tree of `source`. With `xml` (feeds), HTML's rules are off:
 * no void elements (RSS has <link>URL</link>), no raw-text or implied end
 * tags; only '/>' closes an element without an end tag.
 */
export function parseMarkup(source: string, options: { xml?: boolean } = {}): MarkupElement {
  const html = options.xml !== true;
  const root: MarkupElement = { name: '#root', attrs: {}, children: [], parent: undefined };
  let current = root;
  let i = 0;
  const n = source.length;
  const text = (s: string): void => {
    if (s !== '') current.children.push(decodeEntities(s));
  };
  while (i < n) {
    const lt = source.indexOf('<', i);
    if (lt === -1) {
      text(source.slice(i));
      break;
    }
    text(source.slice(i, lt));
    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt + 4);
      i = end === -1 ? n : end + 3;
      continue;
    }
    if (source.startsWith('<![CDATA[', lt)) {
      const end = source.indexOf(']]>', lt + 9);
      current.children.push(source.slice(lt + 9, end === -1 ? n : end));
      i = end === -1 ? n : end + 3;
      continue;
    }
    if (source[lt + 1] === '!' || source[lt + 1] === '?') {
      const end = source.indexOf('>', lt);
      i = end === -1 ? n : end + 1;
      continue;
    }
    const close = source[lt + 1] === '/';
    const m = /^[a-zA-Z][\w:.-]*/.exec(source.slice(lt + (close ? 2 : 1), lt + 80));
    if (m === null) {
      // A '<' that starts no tag is text (a stray "a < b").
      text('<');
      i = lt + 1;
      continue;
    }
    const name = m[0].toLowerCase();
    const end = tagEnd(source, lt + (close ? 2 : 1) + m[0].length);
    const inner = source.slice(lt + (close ? 2 : 1) + m[0].length, end);
    i = end === n ? n : end + 1;
    if (close) {
      for (let e: MarkupElement | undefined = current; e !== undefined && e !== root; e = e.parent) {
        if (e.name === name) {
          current = e.parent ?? root;
          break;
        }
      }
      continue;
    }
    if (html && SELF_CLOSING_SIBLINGS.has(name) && current.name === name) current = current.parent ?? root;
    const el: MarkupElement = { name, attrs: parseAttrs(inner), children: [], parent: current };
    current.children.push(el);
    if (html && RAW.has(name)) {
      const closing = new RegExp(`</${name}`, 'ig');
      closing.lastIndex = i;
      const stop = closing.exec(source);
      i = stop === null ? n : Math.min(n, tagEnd(source, stop.index) + 1);
      continue;
    }
    if ((html && VOID.has(name)) || inner.trimEnd().endsWith('/')) continue;
    current = el;
  }
  return root;
}

/** Index of the '>' ending a tag, skipping quoted attribute values; n when there is none. */
function tagEnd(source: string, from: number): number {
  let quote = '';
  for (let j = from; j < source.length; j++) {
    const c = source[j];
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
  }
  return source.length;
}

interface Compound {
  tag?: string;
  id?: string;
  classes: string[];
  attrs: Array<[string, string | undefined]>;
}

function parseCompound(part: string): Compound {
  const c: Compound = { classes: [], attrs: [] };
  for (const m of part.matchAll(/([.#]?)([\w:-]+)|\[([\w:-]+)(?:=["']?([^\]"']*)["']?)?\]/g)) {
    if (m[3] !== undefined) c.attrs.push([m[3].toLowerCase(), m[4]]);
    else if (m[1] === '.') c.classes.push(m[2]!);
    else if (m[1] === '#') c.id = m[2]!;
    else c.tag = m[2]!.toLowerCase();
  }
  return c;
}

function matches(el: MarkupElement, c: Compound): boolean {
  if (c.tag !== undefined && el.name !== c.tag) return false;
  if (c.id !== undefined && el.attrs.id !== c.id) return false;
  for (const cls of c.classes) if (!hasClass(el, cls)) return false;
  for (const [name, value] of c.attrs) {
    const v = el.attrs[name];
    if (v === undefined || (value !== undefined && v !== value)) return false;
  }
  return true;
}

export function hasClass(el: MarkupElement, cls: string): boolean {
  const list = el.attrs.class;
  return list !== undefined && list.split(/\s+/).includes(cls);
}

function* descendants(el: MarkupElement): Generator<MarkupElement> {
  for (const child of el.children) {
    if (typeof child === 'string') continue;
    yield child;
    yield* descendants(child);
  }
}

/** Elements below `from` matching a descendant selector ('div.result h2 a', '#links .web-result', 'entry > ...' not supported). */
export function selectAll(from: MarkupElement, selector: string): MarkupElement[] {
  const parts = selector.trim().split(/\s+/).map(parseCompound);
  const last = parts.at(-1)!;
  const out: MarkupElement[] = [];
  for (const el of descendants(from)) {
    if (!matches(el, last)) continue;
    // Ancestors must match the earlier compounds in order, nearest first, stopping at `from`.
    let k = parts.length - 2;
    for (let a = el.parent; a !== undefined && a !== from && k >= 0; a = a.parent) if (matches(a, parts[k]!)) k--;
    if (k < 0) out.push(el);
  }
  return out;
}

export function selectFirst(from: MarkupElement, selector: string): MarkupElement | undefined {
  return selectAll(from, selector)[0];
}

// Elements that separate words when rendered ("<p>a</p><p>b</p>" reads "a b").
const BLOCK = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'dd', 'dt', 'section', 'article', 'header', 'footer', 'blockquote']);

/** The element's text, whitespace collapsed, block elements apart. */
export function textOf(node: MarkupNode | undefined): string {
  if (node === undefined) return '';
  const parts: string[] = [];
  const walk = (n: MarkupNode): void => {
    if (typeof n === 'string') {
      parts.push(n);
      return;
    }
    const block = BLOCK.has(n.name);
    if (block) parts.push(' ');
    for (const c of n.children) walk(c);
    if (block) parts.push(' ');
  };
  walk(node);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** The text of the first child element named `name` (feeds: <title>, <link>, <summary>). */
export function childText(el: MarkupElement, name: string): string {
  return textOf(el.children.find((c): c is MarkupElement => typeof c !== 'string' && c.name === name));
}

export function childrenNamed(el: MarkupElement, name: string): MarkupElement[] {
  return el.children.filter((c): c is MarkupElement => typeof c !== 'string' && c.name === name);
}
