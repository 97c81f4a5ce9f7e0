// The program interpreter (PT_INTERP, the dynamic loader) an ELF executable
// names. The kernel opens it for execution when it starts the program
// (fs/binfmt_elf.c load_elf_binary → open_exec), so Landlock checks
// LANDLOCK_ACCESS_FS_EXECUTE on it too: a granted dynamically linked program
// needs EXECUTE on its loader as well. Shared libraries are only mmap'd by
// the loader and need READ_FILE, which the read-only system tree gives.
//
// Reads the ELF header and program headers only (System V ABI, "Program
// Header"); 64-bit little-endian files, which is all x86_64 runs natively.
// Results are remembered per (path, inode, size, mtime).

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

const PT_INTERP = 3;
const cache = new Map<string, { key: string; interpreter: string | undefined }>();

function readAt(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const got = readSync(fd, buffer, 0, length, offset);
  return buffer.subarray(0, got);
}

function parse(fd: number): string | undefined {
  const header = readAt(fd, 0, 64);
  // \x7fELF, ELFCLASS64, ELFDATA2LSB
  if (header.length < 64 || header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return undefined;
  const phoff = Number(header.readBigUInt64LE(32));
  const phentsize = header.readUInt16LE(54);
  const phnum = header.readUInt16LE(56);
  if (phentsize < 56 || phnum > 256) return undefined;
  const table = readAt(fd, phoff, phentsize * phnum);
  for (let i = 0; i + phentsize <= table.length; i += phentsize) {
    if (table.readUInt32LE(i) !== PT_INTERP) continue;
    const offset = Number(table.readBigUInt64LE(i + 8));
    const size = Number(table.readBigUInt64LE(i + 32));
    if (size < 2 || size > 4096) return undefined;
    const name = readAt(fd, offset, size).toString('latin1');
    const end = name.indexOf('\0');
    return end > 0 ? name.slice(0, end) : undefined;
  }
  return undefined;
}

/** The absolute loader path, or undefined (static binary, script, not ELF, unreadable). */
export function elfInterpreter(path: string): string | undefined {
  let key: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    key = `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
  const known = cache.get(path);
  if (known?.key === key) return known.interpreter;
  let interpreter: string | undefined;
  try {
    const fd = openSync(path, 'r');
    try {
      interpreter = parse(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    interpreter = undefined;
  }
  if (interpreter !== undefined && !interpreter.startsWith('/')) interpreter = undefined;
  cache.set(path, { key, interpreter });
  return interpreter;
}

/** The glibc and musl loaders for x86_64, where they exist on this host. */
const KNOWN_LOADERS = ['/lib64/ld-linux-x86-64.so.2', '/lib/ld-musl-x86_64.so.1'];
let loaders: string[] | undefined;

/**
 * The loaders a directory of programs may need (a grant like
 * `/usr/local/bin` names no single file whose PT_INTERP could be read).
 */
export function hostLoaders(): string[] {
  loaders ??= KNOWN_LOADERS.filter((path) => existsSync(path));
  return loaders;
}
