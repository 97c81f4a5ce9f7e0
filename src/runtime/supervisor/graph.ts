// The service dependency graph: checked as a whole before anything starts.
// A duplicate name, a need that names no service, or a cycle is an error that
// names the services involved, so a bad registration never half-boots.

import { OctantError } from '../../lib/errors.ts';

export interface GraphNode {
  name: string;
  needs: readonly string[];
}

export interface ServiceGraph {
  /** Names in a dependency order (every service after all it needs), ties by name. */
  order: string[];
  needs: ReadonlyMap<string, readonly string[]>;
  /** Direct dependents of each service (who needs it). */
  dependents: ReadonlyMap<string, readonly string[]>;
}

export function resolveGraph(nodes: readonly GraphNode[]): ServiceGraph {
  const needs = new Map<string, readonly string[]>();
  for (const node of nodes) {
    if (needs.has(node.name)) throw new OctantError('E_SERVICE_DUPLICATE', `service ${node.name} is registered twice`);
    needs.set(node.name, [...new Set(node.needs)]);
  }
  for (const [name, list] of needs) {
    for (const need of list) {
      if (!needs.has(need)) {
        throw new OctantError('E_SERVICE_MISSING_DEP', `service ${name} needs ${need}, which is not registered`, {
          detail: { service: name, missing: need },
        });
      }
    }
  }
  const dependents = new Map<string, string[]>([...needs.keys()].map((n) => [n, []]));
  for (const [name, list] of needs) for (const need of list) dependents.get(need)!.push(name);

  // Depth-first search with colours; a grey node reached again closes a cycle,
  // and the stack from it to the top is the cycle to report.
  const colour = new Map<string, 'grey' | 'black'>();
  const stack: string[] = [];
  const order: string[] = [];
  const visit = (name: string): void => {
    if (colour.get(name) === 'black') return;
    if (colour.get(name) === 'grey') {
      const cycle = [...stack.slice(stack.indexOf(name)), name];
      throw new OctantError('E_SERVICE_CYCLE', `services form a dependency cycle: ${cycle.join(' -> ')}`, { detail: { cycle } });
    }
    colour.set(name, 'grey');
    stack.push(name);
    for (const need of [...needs.get(name)!].sort()) visit(need);
    stack.pop();
    colour.set(name, 'black');
    order.push(name);
  };
  for (const name of [...needs.keys()].sort()) visit(name);
  return { order, needs, dependents };
}

/** Every service that needs `name`, directly or through others. */
export function transitiveDependents(graph: ServiceGraph, name: string): string[] {
  const seen = new Set<string>();
  const walk = (n: string): void => {
    for (const d of graph.dependents.get(n) ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        walk(d);
      }
    }
  };
  walk(name);
  return [...seen];
}
