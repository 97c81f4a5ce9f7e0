// echo [-n] [-e] [ARG...]: as GNU echo, including the -e escapes.
import type { Utility } from './utility.ts';

const ESCAPES: Record<string, string> = { '\\': '\\', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function interpret(text: string): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\' || i === text.length - 1) { out += text[i]; continue; }
    const c = text[++i];
    if (c === 'c') return { text: out, stop: true };
    if (c in ESCAPES) { out += ESCAPES[c]; continue; }
    if (c === 'x' && /^[0-9a-fA-F]/.test(text[i + 1] ?? '')) {
      // \xHH: one or two hex digits (GNU); a bare \x stays as written.
      const digits = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(digits, 16));
      i += digits.length;
      continue;
    }
    if (c === '0') {
      const digits = /^[0-7]{0,3}/.exec(text.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(digits || '0', 8));
      i += digits.length;
      continue;
    }
    out += `\\${c}`;
  }
  return { text: out, stop: false };
}

export const echoUtility: Utility = {
  name: 'echo',
  usage: 'echo [-neE] [STRING]...: print the strings separated by spaces',
  run: async (argv, io) => {
    let newline = true;
    let escapes = false;
    let i = 0;
    // GNU: leading arguments made only of n, e, E after a dash are options.
    for (; i < argv.length && /^-[neE]+$/.test(argv[i]); i++) {
      for (const flag of argv[i].slice(1)) {
        if (flag === 'n') newline = false;
        else escapes = flag === 'e';
      }
    }
    let text = argv.slice(i).join(' ');
    if (escapes) {
      const result = interpret(text);
      text = result.text;
      if (result.stop) newline = false;
    }
    io.stdout.write(newline ? `${text}\n` : text);
    return 0;
  },
};
