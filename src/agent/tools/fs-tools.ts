// fs.read, fs.write, fs.list: performed by the gateway on the host, inside
// the manifest's granted paths (checked after symlink resolution). Reads are
// size-limited so a huge file cannot flood the model or the ledger.

import { mkdirSync, readdirSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathWithin } from '../manifest/path-set.ts';
import type { Tool } from './tool.ts';
import { argsError, readArgs, stringArg } from './tool-errors.ts';
import { grantedPath, stillResolves } from './fs-paths.ts';
import { contentDigest, contentReview } from './evidence.ts';

const MAX_READ = 256 * 1024;
const MAX_WRITE = 4 * 1024 * 1024;

function readLimited(path: string): { text: string; truncated: boolean; size: number } {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(size, MAX_READ));
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return { text: buffer.subarray(0, n).toString('utf8'), truncated: size > MAX_READ, size };
  } finally {
    closeSync(fd);
  }
}

export const fsRead: Tool<{ path: string }> = {
  name: 'fs.read',
  action: 'fs.read',
  description: `Read a text file (at most ${MAX_READ} bytes) from a path this agent may read.`,
  parameters: { type: 'object', properties: { path: { type: 'string', description: 'absolute path' } }, required: ['path'], additionalProperties: false },
  parse: (raw) => ({ path: stringArg('fs.read', readArgs('fs.read', raw, ['path']), 'path')! }),
  check: (session, args) => ({ target: grantedPath('fs.read', args.path, [...session.manifest.filesystem.read, ...session.manifest.filesystem.write], 'read', session) }),
  perform: async (_session, _args, target) => ({ path: target, ...readLimited(stillResolves('fs.read', target)) }),
};

export const fsWrite: Tool<{ path: string; content: string; append: boolean }> = {
  name: 'fs.write',
  action: 'fs.write',
  description: 'Write a text file at a path this agent may write (creates parent directories).',
  parameters: {
    type: 'object',
    properties: { path: { type: 'string' }, content: { type: 'string' }, append: { type: 'boolean' } },
    required: ['path', 'content'],
    additionalProperties: false,
  },
  parse: (raw) => {
    const args = readArgs('fs.write', raw, ['path', 'content', 'append']);
    const content = stringArg('fs.write', args, 'content', { max: MAX_WRITE })!;
    if (args.append !== undefined && typeof args.append !== 'boolean') throw argsError('fs.write', 'append', 'must be a boolean');
    return { path: stringArg('fs.write', args, 'path')!, content, append: args.append === true };
  },
  check: (session, args) => {
    const target = grantedPath('fs.write', args.path, session.manifest.filesystem.write, 'write', session);
    const outside = !session.workspace.some((w) => pathWithin(target, w));
    return { target, critical: outside ? 'writes outside the workspace (its scratch directory and first write path)' : undefined, evidence: { ...contentDigest(args.content), append: args.append }, review: contentReview(args.content) };
  },
  perform: async (_session, args, target) => {
    mkdirSync(dirname(stillResolves('fs.write', target)), { recursive: true });
    writeFileSync(target, args.content, { flag: args.append ? 'a' : 'w' });
    return { path: target, bytes: Buffer.byteLength(args.content) };
  },
};

export const fsList: Tool<{ path: string }> = {
  name: 'fs.list',
  action: 'fs.read',
  description: 'List a directory this agent may read: names with their type and size.',
  parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
  parse: (raw) => ({ path: stringArg('fs.list', readArgs('fs.list', raw, ['path']), 'path')! }),
  check: (session, args) => ({ target: grantedPath('fs.list', args.path, [...session.manifest.filesystem.read, ...session.manifest.filesystem.write], 'read', session) }),
  perform: async (_session, _args, target) => {
    const entries = readdirSync(stillResolves('fs.list', target), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    return {
      path: target,
      entries: entries.slice(0, 1000).map((e) => ({ name: e.name, type: e.isDirectory() ? 'dir' : e.isFile() ? 'file' : e.isSymbolicLink() ? 'link' : 'other', size: e.isFile() ? statSync(`${target}/${e.name}`).size : undefined })),
      truncated: entries.length > 1000,
    };
  },
};

