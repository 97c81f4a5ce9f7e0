// Scripted voters for tests and the bench: three fake providers of three
// families (OpenAI, Anthropic, Gemini wire formats), each a real HTTP server
// on 127.0.0.1, a router configuration with one deployment per fake, and
// helpers to make each voter answer as told: a ballot, garbage, an error, or
// nothing at all.

import { startFakeAnthropic } from '../../src/services/router/testing/fake-anthropic.ts';
import { startFakeGemini } from '../../src/services/router/testing/fake-gemini.ts';
import { startFakeOpenAI } from '../../src/services/router/testing/fake-openai.ts';
import type { FakeProvider, Step } from '../../src/services/router/testing/fake-server.ts';
import type { Deployment, RouterConfig } from '../../src/services/router/api.ts';
import type { Voter } from '../../src/services/quorum/api.ts';

export interface ScriptedPanel {
  fakes: Record<'alpha' | 'beta' | 'gamma', FakeProvider>;
  /** Router configuration: deployments 'alpha', 'beta', 'gamma' (keyless). */
  config: RouterConfig;
  voters: Voter[];
  close(): Promise<void>;
}

export function ballotStep(vote: 'approve' | 'reject' | 'abstain', risk = 0.1, rationale = `${vote}: scripted`): Step {
  return { kind: 'ok', text: JSON.stringify({ vote, risk, rationale }) };
}

const CAPS = { tools: true, vision: false, json: true };

export async function startScriptedPanel(): Promise<ScriptedPanel> {
  const [alpha, beta, gamma] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  const deployment = (id: string, provider: string, baseUrl: string): Deployment => ({
    id, provider, model: `${id}-judge`, baseUrl, price: { input: 0.1, output: 0.2 }, contextWindow: 32_000, capabilities: CAPS, tier: 1, timeoutMs: 5_000,
  });
  const deployments = [deployment('alpha', 'openai', `${alpha.origin}/v1`), deployment('beta', 'anthropic', beta.origin), deployment('gamma', 'gemini', gamma.origin)];
  return {
    fakes: { alpha, beta, gamma },
    config: { deployments, routes: [] },
    voters: [
      { name: 'alpha', model: 'alpha', weight: 1, family: 'openai' },
      { name: 'beta', model: 'beta', weight: 1, family: 'anthropic' },
      { name: 'gamma', model: 'gamma', weight: 1, family: 'google' },
    ],
    close: async () => { await Promise.all([alpha.close(), beta.close(), gamma.close()]); },
  };
}
