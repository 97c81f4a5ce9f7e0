// The kernel modules an initramfs must load, with their dependencies, from an
// unpacked kernel package (lib/modules/<version>/kernel/...). Debian's package
// ships no modules.dep (depmod runs at install), so each module's own
// "depends=" line (its ELF .modinfo section, as modinfo(8) reads it) is the
// source; the result is in load order, dependencies first.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OctantError } from '../../lib/errors.ts';

/** Module names compare with '-' and '_' as the same character (kmod does). */
function normal(name: string): string {
  return name.replace(/-/g, '_');
}

function indexModules(dir: string, into = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) indexModules(path, into);
    else if (entry.name.endsWith('.ko')) into.set(normal(entry.name.slice(0, -3)), path);
  }
  return into;
}

/** The NUL-separated key=value strings of an ELF64 little-endian file's .modinfo section. */
export function modinfo(elf: Buffer): Map<string, string> {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) throw new Error('not an ELF64 little-endian file');
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const shstrndx = elf.readUInt16LE(0x3e);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return { name: elf.readUInt32LE(at), offset: Number(elf.readBigUInt64LE(at + 0x18)), size: Number(elf.readBigUInt64LE(at + 0x20)) };
  };
  const names = section(shstrndx);
  const info = new Map<string, string>();
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const nameEnd = elf.indexOf(0, names.offset + s.name);
    if (elf.toString('latin1', names.offset + s.name, nameEnd) !== '.modinfo') continue;
    for (const item of elf.toString('latin1', s.offset, s.offset + s.size).split('\0')) {
      const eq = item.indexOf('=');
      if (eq > 0 && !info.has(item.slice(0, eq))) info.set(item.slice(0, eq), item.slice(eq + 1));
    }
  }
  return info;
}

/** Paths of `wanted` and everything they depend on, dependencies first. */
export function resolveModules(modulesDir: string, wanted: readonly string[]): string[] {
  const index = indexModules(join(modulesDir, 'kernel'));
  const builtin = new Set(readFileSync(join(modulesDir, 'modules.builtin'), 'utf8').split('\n')
    .filter(Boolean).map((line) => normal(line.slice(line.lastIndexOf('/') + 1).replace(/\.ko$/, ''))));
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string, wantedBy: string): void => {
    const key = normal(name);
    if (builtin.has(key) || order.includes(index.get(key) ?? '') || visiting.has(key)) return;
    const path = index.get(key);
    if (path === undefined) {
      throw new OctantError('E_IMAGE_MODULE', `kernel module ${name} (needed by ${wantedBy}) is neither in ${modulesDir}/kernel nor built in`);
    }
    visiting.add(key);
    for (const dep of (modinfo(readFileSync(path)).get('depends') ?? '').split(',').filter(Boolean)) visit(dep, name);
    visiting.delete(key);
    order.push(path);
  };
  for (const name of wanted) visit(name, 'the image');
  return order;
}
