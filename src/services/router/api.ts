// The router's public API: the one file other layers and services import
// (test/layering.test.ts refuses any other file of this folder from
// outside). Besides the service and its types: what `octant router ...`
// needs without a running system (its configuration file, an engine for
// `router explain`, the providers it may name).

export { routerService, vaultInjector, type RouterServiceApi, type RouterVault } from './index.ts';
export type { Caller, ChatRequest, ChatResponse, CredentialInjector, Decision, Deployment, EmbedOptions, EmbedRequest, EmbedResponse, PolicyName, RouterApi, RouterConfig } from './types.ts';
export { configPath, loadConfig, saveConfig, validateConfig, validateDeployment, POLICIES } from './config.ts';
export { createRouter } from './router.ts';
export { createGatewayRoutes, serveGateway } from './gateway/server.ts';
export { OPERATOR_AGENT } from './routes.ts';
export { PROVIDER_NAMES, resolveProvider } from './providers/index.ts';
export { ROUTER_API } from './endpoints.ts';
