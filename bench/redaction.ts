// Redaction benchmark: the vault's redactor (20 secrets in play, every
// encoded form, the key formats) over 16 MiB bodies, ordinary and
// adversarial, against a plain Buffer scan for one value over the same bytes
// in the same run (Buffer.indexOf: the floor any scan pays). Also: the old
// regex PEM pattern against the new scanner as the body doubles (quadratic
// vs linear), and what one event-loop turn of redactAsync costs.
// Times are CPU time of this thread (process.cpuUsage): the machine this runs
// on is shared, and wall time there measures the neighbours.
//   node bench/redaction.ts [--mib 16]

import { parseArgs } from 'node:util';
import { Redactor, SLICE_UNITS } from '../src/services/vault/redact.ts';

const { values } = parseArgs({ options: { mib: { type: 'string', default: '16' } } });
const size = Number(values.mib) * 1024 * 1024;

const secrets = Array.from({ length: 20 }, (_, i) => `svc-${i}-${Buffer.from(`bench secret number ${i}`).toString('hex').slice(0, 36)}`);
const redactor = new Redactor();
for (const s of secrets) redactor.add(s);

function fill(unit: string): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

const bodies: Record<string, string> = {
  'prose, no match': fill('The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. '),
  'JSON, a secret form every 64 KiB': (() => {
    const forms = [secrets[3], Buffer.from(`Bearer ${secrets[5]}`).toString('base64'), encodeURIComponent(secrets[7]), JSON.stringify(secrets[9]).slice(1, -1)];
    const record = (i: number): string => `{"id":${i},"note":"lorem ipsum dolor sit amet","v":"${i % 1024 === 0 ? forms[(i / 1024) % 4] : 'x'}"},`;
    let out = '';
    for (let i = 0; out.length < size; i++) out += record(i);
    return out.slice(0, size);
  })(),
  'base64 blob': Buffer.alloc((size * 3) / 4, 'qz7').toString('base64').slice(0, size),
  'PEM headers, no footer (adversarial)': fill('-----BEGIN RSA PRIVATE KEY-----'),
  'eyJ repeated (adversarial)': fill('eyJ'),
  'near-miss secret prefixes (adversarial)': fill(`${secrets[0].slice(0, -1)}!`),
  'short sk- tokens (adversarial)': fill('sk-abc-'),
};

/** CPU milliseconds fn takes. */
function time(fn: () => void): number {
  const t0 = process.cpuUsage();
  fn();
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / 1000;
}

console.log(`redaction, ${values.mib} MiB bodies, ${secrets.length} secrets in play, node ${process.version}`);
console.log(`${'body'.padEnd(42)} ${'redact ms'.padStart(10)} ${'MB/s'.padStart(7)} ${'Buffer scan ms'.padStart(15)} ${'ratio'.padStart(7)}   (CPU time)`);
for (const [name, body] of Object.entries(bodies)) {
  const bytes = Buffer.from(body);
  const needle = Buffer.from(secrets[19]);
  const base = Math.min(...[0, 1, 2].map(() => time(() => bytes.indexOf(needle))));
  const ms = time(() => redactor.redact(body));
  console.log(`${name.padEnd(42)} ${ms.toFixed(0).padStart(10)} ${(body.length / ms / 1000).toFixed(1).padStart(7)} ${base.toFixed(2).padStart(15)} ${(ms / base).toFixed(0).padStart(7)}`);
}

// Scaling: the old pattern (before this redactor) and the new scanner on the same PEM-header bodies.
const OLD_PEM = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g;
console.log('\nPEM headers without a footer, old regex vs new scanner as the body doubles:');
for (const kib of [64, 128, 256, 512]) {
  const body = '-----BEGIN RSA PRIVATE KEY-----'.repeat(Math.ceil((kib * 1024) / 31));
  const old = time(() => body.replace(OLD_PEM, '[REDACTED]'));
  const now = time(() => redactor.redact(body));
  console.log(`  ${String(kib).padStart(4)} KiB: old ${old.toFixed(1).padStart(8)} ms   new ${now.toFixed(1).padStart(6)} ms   old/new ${(old / now).toFixed(0)}`);
}

// One event-loop turn of redactAsync: a slice of SLICE_UNITS code units (the slices pushSliced makes).
console.log(`\none event-loop turn of redactAsync (${SLICE_UNITS} code units), CPU ms:`);
for (const name of ['prose, no match', 'PEM headers, no footer (adversarial)', 'short sk- tokens (adversarial)']) {
  const body = bodies[name];
  const stream = redactor.redactStream();
  const turns: number[] = [];
  for (let at = 0; at < body.length; at += SLICE_UNITS) {
    const slice = body.slice(at, at + SLICE_UNITS);
    turns.push(time(() => stream.push(slice)));
  }
  stream.end();
  turns.sort((a, b) => a - b);
  console.log(`  ${name.padEnd(40)} median ${turns[turns.length >> 1].toFixed(2)}  p99 ${turns[Math.floor(turns.length * 0.99)].toFixed(2)}  max ${turns.at(-1)!.toFixed(2)}`);
}
