import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveGraph, transitiveDependents } from './graph.ts';

const nodes = [
  { name: 'vault', needs: ['ledger'] },
  { name: 'router', needs: ['ledger', 'vault'] },
  { name: 'ledger', needs: [] },
  { name: 'search', needs: ['ledger'] },
];

test('order puts every service after all it needs', () => {
  const { order } = resolveGraph(nodes);
  assert.equal(order.length, 4);
  for (const node of nodes) for (const need of node.needs) assert.ok(order.indexOf(need) < order.indexOf(node.name), `${need} before ${node.name}`);
  assert.equal(order[0], 'ledger');
});

test('order does not depend on the registration order', () => {
  assert.deepEqual(resolveGraph(nodes).order, resolveGraph([...nodes].reverse()).order);
});

test('a cycle is refused, naming the services on it', () => {
  const error = (() => {
    try {
      resolveGraph([{ name: 'a', needs: ['b'] }, { name: 'b', needs: ['c'] }, { name: 'c', needs: ['a'] }, { name: 'd', needs: [] }]);
    } catch (e) { return e as { code: string; message: string }; }
    return undefined;
  })();
  assert.equal(error?.code, 'E_SERVICE_CYCLE');
  assert.match(error!.message, /a -> b -> c -> a/);
  assert.doesNotMatch(error!.message, /\bd\b/);
});

test('a service needing itself is a cycle', () => {
  assert.throws(() => resolveGraph([{ name: 'a', needs: ['a'] }]), { code: 'E_SERVICE_CYCLE' });
});

test('a missing dependency is refused, naming both services', () => {
  assert.throws(() => resolveGraph([{ name: 'vault', needs: ['ledger'] }]), (e: { code: string; message: string }) =>
    e.code === 'E_SERVICE_MISSING_DEP' && /vault/.test(e.message) && /ledger/.test(e.message));
});

test('a name registered twice is refused', () => {
  assert.throws(() => resolveGraph([{ name: 'a', needs: [] }, { name: 'a', needs: [] }]), { code: 'E_SERVICE_DUPLICATE' });
});

test('transitive dependents follow the whole chain', () => {
  const graph = resolveGraph(nodes);
  assert.deepEqual(transitiveDependents(graph, 'ledger').sort(), ['router', 'search', 'vault']);
  assert.deepEqual(transitiveDependents(graph, 'vault'), ['router']);
  assert.deepEqual(transitiveDependents(graph, 'router'), []);
});
