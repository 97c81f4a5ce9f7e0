import type { Utility } from './utility.ts';

export const falseUtility: Utility = {
  name: 'false',
  usage: 'false: do nothing, unsuccessfully',
  run: async () => 1,
};
