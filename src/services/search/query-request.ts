// A query as a caller sends it (the admin API's body, the search.query
// tool's arguments), checked field by field. Each refusal names the field,
// through the caller's own error (E_SEARCH_QUERY for the admin API,
// E_TOOL_ARGS for the tool), so one reader serves both.

export interface QueryRequest {
  text: string;
  /** Engines and indexes by name; absent: the service's defaults (operators) or every granted one (agents). */
  engines?: string[];
  limit?: number;
  offset?: number;
  filters?: Record<string, string>;
  lang?: string;
}

export const QUERY_LIMITS = { textChars: 1024, engines: 64, filters: 16, filterChars: 256, maxLimit: 100, maxOffset: 1000 } as const;

export const ENGINE_NAME = /^[a-z0-9][a-z0-9._:-]{0,63}$/;
const LANG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export type FieldError = (field: string, expected: string) => Error;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function integer(value: unknown, field: string, min: number, max: number, fail: FieldError): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) throw fail(field, `must be a whole number from ${min} to ${max}`);
  return value;
}

export function readNameList(value: unknown, field: string, fail: FieldError): string[] {
  if (!Array.isArray(value)) throw fail(field, 'must be a list of engine names');
  if (value.length > QUERY_LIMITS.engines) throw fail(field, `has ${value.length} entries; at most ${QUERY_LIMITS.engines}`);
  return value.map((name, i) => {
    if (typeof name !== 'string' || !ENGINE_NAME.test(name)) throw fail(`${field}[${i}]`, `must be an engine name (${ENGINE_NAME.source})`);
    return name;
  });
}

/**
 * The query in `raw`: its text under `textField`, and the fields above.
 * `extra` names the fields this caller accepts besides (a tool's `indexes`,
 * the admin API's `remote`); any other field is refused.
 */
export function readQueryRequest(raw: unknown, fail: FieldError, textField = 'text', extra: readonly string[] = []): QueryRequest {
  if (!isRecord(raw)) throw fail('(arguments)', 'must be a JSON object');
  const known = [textField, 'engines', 'limit', 'offset', 'filters', 'lang', ...extra];
  for (const key of Object.keys(raw)) if (!known.includes(key)) throw fail(key.slice(0, 64), `is not a field of a query (expected: ${known.join(', ')})`);
  const text = raw[textField];
  if (typeof text !== 'string' || text.trim() === '') throw fail(textField, 'must be a non-empty string');
  if (text.length > QUERY_LIMITS.textChars || /[\0\r\n]/.test(text)) throw fail(textField, `must be one line of at most ${QUERY_LIMITS.textChars} characters`);
  const request: QueryRequest = { text };
  if (raw.engines !== undefined) request.engines = readNameList(raw.engines, 'engines', fail);
  if (raw.limit !== undefined) request.limit = integer(raw.limit, 'limit', 1, QUERY_LIMITS.maxLimit, fail);
  if (raw.offset !== undefined) request.offset = integer(raw.offset, 'offset', 0, QUERY_LIMITS.maxOffset, fail);
  if (raw.filters !== undefined) {
    if (!isRecord(raw.filters)) throw fail('filters', 'must be an object of strings');
    const entries = Object.entries(raw.filters);
    if (entries.length > QUERY_LIMITS.filters) throw fail('filters', `has ${entries.length} entries; at most ${QUERY_LIMITS.filters}`);
    const filters: Record<string, string> = {};
    for (const [key, value] of entries) {
      if (!/^[a-z][a-z0-9_.-]{0,31}$/.test(key)) throw fail(`filters.${key.slice(0, 40)}`, 'is not a field name (lowercase letters, digits, _ . -)');
      if (typeof value !== 'string' || value.length > QUERY_LIMITS.filterChars || /[\0\r\n]/.test(value)) throw fail(`filters.${key}`, `must be one line of at most ${QUERY_LIMITS.filterChars} characters`);
      filters[key] = value;
    }
    request.filters = filters;
  }
  if (raw.lang !== undefined) {
    if (typeof raw.lang !== 'string' || !LANG.test(raw.lang)) throw fail('lang', "must be a language tag like 'en' or 'pt-BR'");
    request.lang = raw.lang;
  }
  return request;
}
