import type { Utility } from './utility.ts';

export const trueUtility: Utility = {
  name: 'true',
  usage: 'true: do nothing, successfully',
  run: async () => 0,
};
