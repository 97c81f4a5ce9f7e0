// Python packages: an exact project lookup through PyPI's JSON API (PyPI
// offers no search API; see wire.ts). Finds "requests", not "http client".

import type { Engine } from '../../types.ts';
import { callEngine, parseJson } from '../engine-http.ts';
import { projectName, toHits, toProjectUrl } from './convert.ts';
import { ENGINE, readPyPiError } from './errors.ts';

export function createPyPiEngine(): Engine {
  return {
    name: ENGINE,
    kind: 'remote',
    category: 'packages',
    description: 'Python packages: exact project-name lookup (PyPI JSON API; PyPI has no search API)',
    hosts: ['pypi.org'],
    async search(query, ctx) {
      const name = projectName(query.text);
      if (name === undefined) return [];
      const answer = await callEngine(ENGINE, ctx, { url: toProjectUrl(name), accept: 'application/json', readError: readPyPiError, notFoundIsAnswer: true });
      return toHits(answer.status, answer.status === 404 ? undefined : parseJson(ENGINE, answer.body), query);
    },
  };
}
