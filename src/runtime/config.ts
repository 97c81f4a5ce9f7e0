// The configuration file: <etc>/octant.yaml (YAML 1.2 core schema, duplicate
// keys refused). When the file does not exist the embedded defaults apply, so
// a fresh machine boots with no configuration at all. Every key is validated
// (config-schema.ts): an unknown key or a wrong type stops the boot with
// E_CONFIG naming the key path and the file, before any service starts.
// Each service's section `services.<name>` is checked against the schema the
// service declares and handed to it as ctx.config.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OctantError, messageOf } from '../lib/errors.ts';
import { validateConfig, type ConfigSchema, type ObjectSchema } from './config-schema.ts';
import type { Paths } from './paths.ts';

export interface SupervisorSettings {
  /** Period of the health check of running services (ms). */
  healthIntervalMs: number;
  /** How long a started service may take to report healthy (ms). */
  readyTimeoutMs: number;
}

export interface OctantConfig {
  /** The file the configuration came from (whether or not it exists). */
  file: string;
  /** False when the embedded defaults were used because the file is absent. */
  fromFile: boolean;
  supervisor: SupervisorSettings;
  /** Validated section per registered service (defaults filled in). */
  services: Record<string, Record<string, unknown>>;
  init: InitSettings;
}

export interface InitSettings {
  /** octant commands `octant init` runs, one after the other, once the system is ready (an appliance's agents). */
  run: string[][];
}

export const INIT_SCHEMA: ObjectSchema = {
  type: 'object',
  properties: {
    run: { type: 'array', items: { type: 'array', items: { type: 'string' } }, default: [] },
  },
};

/** What config needs to know of a service: its name and optional schema. */
export interface ConfigurableService {
  name: string;
  configSchema?: ObjectSchema;
}

export const SUPERVISOR_SCHEMA: ObjectSchema = {
  type: 'object',
  properties: {
    healthIntervalMs: { type: 'integer', min: 10, max: 3_600_000, default: 5_000 },
    readyTimeoutMs: { type: 'integer', min: 10, max: 600_000, default: 10_000 },
  },
};

/** A service that declares no schema takes no configuration: any key in its section is refused. */
const NO_SETTINGS: ObjectSchema = { type: 'object', properties: {} };

export function configFile(paths: Paths): string {
  return join(paths.etc, 'octant.yaml');
}

/** The schema of the whole file for a given set of registered services. */
export function fileSchema(services: readonly ConfigurableService[]): ObjectSchema {
  const sections: Record<string, ConfigSchema> = {};
  for (const service of services) sections[service.name] = service.configSchema ?? NO_SETTINGS;
  return {
    type: 'object',
    properties: {
      supervisor: SUPERVISOR_SCHEMA,
      services: { type: 'object', properties: sections },
      init: INIT_SCHEMA,
    },
  };
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OctantError('E_CONFIG_READ', `${file}: cannot read the configuration file: ${messageOf(error)}`, { cause: error });
  }
}

async function parseYaml(text: string, file: string): Promise<unknown> {
  // yaml is loaded only when a file exists: a default boot never pays for it.
  const { parse } = await import('yaml');
  try {
    return parse(text, { uniqueKeys: true, schema: 'core', prettyErrors: true, maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new OctantError('E_CONFIG', `${file}: not valid YAML: ${messageOf(error).split('\n')[0]}`, { cause: error, detail: { file } });
  }
}

/** Validate an already-parsed document (exported for tests and `octant doctor`). */
export function configFromValue(value: unknown, file: string, services: readonly ConfigurableService[], fromFile: boolean): OctantConfig {
  const checked = validateConfig(fileSchema(services), value, '', file) as {
    supervisor: SupervisorSettings;
    services: Record<string, Record<string, unknown>>;
    init: InitSettings;
  };
  return { file, fromFile, supervisor: checked.supervisor, services: checked.services, init: checked.init };
}

/** Load <etc>/octant.yaml, or the embedded defaults when it does not exist. */
export async function loadConfig(paths: Paths, services: readonly ConfigurableService[]): Promise<OctantConfig> {
  const file = configFile(paths);
  const text = readText(file);
  if (text === undefined) return configFromValue({}, file, services, false);
  return configFromValue(await parseYaml(text, file), file, services, true);
}
