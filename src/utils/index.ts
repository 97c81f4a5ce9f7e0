// The one table of built-in utilities, sorted by name. `octant <name>` and a
// link named `<name>` pointing at the executable both reach these.

import type { Utility } from './utility.ts';
import { catUtility } from './cat.ts';
import { echoUtility } from './echo.ts';
import { falseUtility } from './false.ts';
import { lsUtility } from './ls.ts';
import { trueUtility } from './true.ts';

export const UTILITIES: readonly Utility[] = [
  catUtility,
  echoUtility,
  falseUtility,
  lsUtility,
  trueUtility,
];

export function findUtility(name: string): Utility | undefined {
  return UTILITIES.find((u) => u.name === name);
}
