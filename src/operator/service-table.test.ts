import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveGraph } from '../runtime/supervisor/graph.ts';
import { fixedService } from '../../test/support/fixed-service.ts';
import { SERVICES, serviceTable } from './service-table.ts';

test('one table holds every service, the agent layer\'s included, and its graph is complete', () => {
  const names = SERVICES.map((s) => s.name);
  assert.ok(names.includes('agents') && names.includes('ledger'), names.join(' '));
  assert.equal(new Set(names).size, names.length);
  // Every need names a service of the table (E_SERVICE_MISSING_DEP otherwise).
  const graph = resolveGraph(SERVICES);
  assert.equal(graph.order.length, SERVICES.length);
  assert.ok(graph.order.indexOf('ledger') < graph.order.indexOf('agents'));
});

test('a table key that is not its service\'s name is refused (the needs would be checked against another API); the twin is accepted', () => {
  const clock = fixedService('clock', [], { now: () => 0 });
  assert.throws(() => serviceTable({ time: clock }), (e: Error & { code?: string }) => e.code === 'E_SERVICE_TABLE' && /'time'/.test(e.message) && /'clock'/.test(e.message));
  assert.deepEqual(serviceTable({ clock }).map((s) => s.name), ['clock']);
});
