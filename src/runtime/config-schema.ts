// The configuration file's schemas: the shared schema language of
// lib/schema.ts, with refusals that name the file and the key path
// (`octant.yaml: services.ledger.fsync: expected true or false`).

import { OctantError } from '../lib/errors.ts';
import { defaultOf, validate, type ObjectSchema, type Schema } from '../lib/schema.ts';

export type ConfigSchema = Schema;
export type { ObjectSchema };
export { defaultOf };

/** Validate `value` against `schema`, filling defaults. `path` is the key path
 *  used in error messages (e.g. `services.ledger.fsync`), `file` the config file. */
export function validateConfig(schema: ConfigSchema, value: unknown, path: string, file: string): unknown {
  return validate(schema, value, path, (at, message) => {
    throw new OctantError('E_CONFIG', `${file}: ${at === '' ? '(top level)' : at}: ${message}`, {
      hint: 'see docs/foundation.md "Configuration file"',
      detail: { file, key: at },
    });
  });
}
