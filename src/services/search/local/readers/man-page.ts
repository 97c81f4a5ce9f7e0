// A man page (roff source, man(7) or mdoc(7) macros) -> title and text:
// requests (lines starting with '.' or "'") give their arguments as text
// (.B, .I, .BR, .SH, .Nm, .Nd...) or nothing (.TH, .PP, .nf...); escapes
// (\fB, \-, \(em, \*(lq, \e, \&) become what they print or nothing. The
// NAME section's line ("ls \- list directory contents") is the description.

/** Requests whose arguments are not text. */
const SILENT = new Set(['TH', 'Dt', 'Dd', 'Os', 'PP', 'P', 'LP', 'nf', 'fi', 'br', 'sp', 'in', 'ti', 'RS', 'RE', 'TP', 'IP', 'HP',
  'ad', 'na', 'ne', 'ft', 'ps', 'vs', 'ds', 'de', 'if', 'ie', 'el', 'nr', 'so', 'ig', 'Bl', 'El', 'Bd', 'Ed', 'Pp', 'hy', 'nh', 'ce', 'tr', 'ta', 'ss', 'cs', 'mso', 'EX', 'EE', 'UR', 'UE', 'MT', 'ME', 'TQ', 'PD', 'Sm']);

const GLYPHS: Readonly<Record<string, string>> = { em: '—', en: '–', hy: '-', lq: '“', rq: '”', oq: '‘', cq: '’', bu: '•', co: '©', rg: '®', aq: "'", dq: '"', mi: '-', pl: '+', mu: '×', tm: '™', ga: '`', ti: '~', ha: '^' };

const glyph = (name: string): string => (Object.hasOwn(GLYPHS, name) ? GLYPHS[name]! : ' ');

export function roffUnescape(line: string): string {
  return line
    .replace(/\\f(\[[^\]]*\]|\(..|.)/g, '')
    .replace(/\\\((..)/g, (_, g: string) => glyph(g))
    .replace(/\\\[([^\]]*)\]/g, (_, g: string) => glyph(g))
    .replace(/\\\*(\(..|\[[^\]]*\]|.)/g, (_, s: string) => (s === '(lq' || s === '[lq]' ? '“' : s === '(rq' || s === '[rq]' ? '”' : ''))
    .replace(/\\s[+-]?\d/g, '')
    .replace(/\\[&|^%:]/g, '')
    .replace(/\\[-e]/g, (m) => (m === '\\-' ? '-' : '\\'))
    .replace(/\\(.)/g, '$1');
}

/** Macro arguments, honouring double quotes ("a b" is one argument). */
function macroArgs(rest: string): string[] {
  const out: string[] = [];
  for (const m of rest.matchAll(/"((?:[^"]|"")*)"|(\S+)/g)) out.push((m[1] ?? m[2]!).replaceAll('""', '"'));
  return out;
}

export interface ManPage {
  name: string;
  section: string;
  description: string;
  body: string;
}

/** Undefined for a page that only includes another (.so): it is indexed under its target. */
export function parseManPage(source: string, fallbackName: string, fallbackSection: string): ManPage | undefined {
  const lines = source.split('\n');
  if (lines.filter((l) => l.trim() !== '').length <= 2 && lines.some((l) => l.startsWith('.so '))) return undefined;
  let name = fallbackName;
  let section = fallbackSection;
  let heading = '';
  let description = '';
  const out: string[] = [];
  for (const raw of lines) {
    if (raw.startsWith('.\\"') || raw.startsWith("'\\\"") || raw.startsWith('\\"')) continue;
    let text: string;
    if (raw.startsWith('.') || raw.startsWith("'")) {
      const m = /^[.'']\s*(\S+)\s*(.*)$/.exec(raw);
      if (m === null) continue;
      const request = m[1]!;
      const rest = m[2]!;
      if (request === 'TH' || request === 'Dt') {
        const args = macroArgs(rest);
        if (args[0] !== undefined) name = roffUnescape(args[0]).toLowerCase();
        if (args[1] !== undefined) section = args[1].toLowerCase();
        continue;
      }
      if (SILENT.has(request)) continue;
      text = macroArgs(rest).join(' ');
      if (request === 'SH' || request === 'Sh') { heading = roffUnescape(text).toUpperCase(); out.push(''); }
      if (request === 'Nd') description = roffUnescape(text);
    } else {
      text = raw;
    }
    const plain = roffUnescape(text).trim();
    if (plain === '') continue;
    if (heading === 'NAME' && description === '' && !/^NAME$/i.test(plain)) {
      const dash = /\s[-—–]\s+(.*)$/.exec(plain);
      if (dash !== null) description = dash[1]!;
    }
    out.push(plain);
  }
  return { name, section, description, body: out.join('\n').trim() };
}
