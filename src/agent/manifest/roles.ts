// Role ceilings (validation rule 3), from data/roles.json. The ceilings are
// read with the manifest's own field readers, so a role can say nothing a
// manifest could not.

import data from './data/roles.json' with { type: 'json' };
import type { Ceiling } from './ceiling.ts';
import { has, join, readBoolean, readList, readObject, readString } from './field-reader.ts';
import { readFilesystem, readNames, readNetwork, readProcesses, readResources, readSpawning } from './schema.ts';
import { readSyscalls } from './syscall-groups.ts';
import { readSearch } from './search-grant.ts';
import { readMemoryCeiling } from './memory-ceiling.ts';
import { remoteCatalog } from '../../services/search/api.ts';
import { readTtl } from './units.ts';

export interface Role {
  name: string;
  comment: string;
  ceiling: Ceiling;
}

export type Roles = ReadonlyMap<string, Role>;

function readCeiling(value: unknown, path: string): Ceiling {
  const r = readObject(value, path, ['filesystem', 'network', 'syscalls', 'processes', 'credentials', 'skills', 'resources', 'spawning', 'lifetime', 'search', 'memory'],
    ['filesystem', 'network', 'syscalls', 'processes', 'credentials', 'skills', 'resources', 'spawning', 'lifetime']);
  const life = readObject(r.lifetime, join(path, 'lifetime'), ['maxTtl', 'unlimited'], ['maxTtl', 'unlimited']);
  // A role without search allows none (default-deny).
  const search = has(r, 'search') ? readSearch(r.search, join(path, 'search'), remoteCatalog) : undefined;
  // A role without memory allows none (default-deny), like search.
  const memory = has(r, 'memory') ? readMemoryCeiling(r.memory, join(path, 'memory')) : undefined;
  return {
    ...(search === undefined ? {} : { search }),
    ...(memory === undefined ? {} : { memory }),
    filesystem: readFilesystem(r.filesystem, join(path, 'filesystem')),
    network: readNetwork(r.network, join(path, 'network')),
    syscalls: readSyscalls(r.syscalls, join(path, 'syscalls')),
    processes: readProcesses(r.processes, join(path, 'processes')),
    credentials: readNames(r.credentials, join(path, 'credentials'), true),
    skills: readNames(r.skills, join(path, 'skills'), true),
    resources: readResources(r.resources, join(path, 'resources')),
    spawning: readSpawning(r.spawning, join(path, 'spawning')),
    lifetime: { maxTtl: readTtl(life.maxTtl, join(path, 'lifetime.maxTtl')), unlimited: readBoolean(life.unlimited, join(path, 'lifetime.unlimited')) },
  };
}

/** Roles from a parsed roles document ({roles: [...]}); the built-in set when omitted. */
export function loadRoles(document: unknown = data): Roles {
  const r = readObject(document, 'roles.json', ['comment', 'roles'], ['roles']);
  const roles = new Map<string, Role>();
  readList(r.roles, 'roles', (value, path) => {
    const entry = readObject(value, path, ['name', 'comment', 'ceiling'], ['name', 'comment', 'ceiling']);
    const name = readString(entry.name, join(path, 'name'), 32);
    roles.set(name, { name, comment: readString(entry.comment, join(path, 'comment')), ceiling: readCeiling(entry.ceiling, join(path, 'ceiling')) });
  });
  if (has(r, 'comment')) readString(r.comment, 'comment');
  return roles;
}
