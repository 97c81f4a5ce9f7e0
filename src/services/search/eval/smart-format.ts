// Reads collections in the SMART format (Cornell's SMART system; used by
// Cranfield, CISI, CACM, MED, ADI, NPL, Time): a record starts with a line
// ".I <id>", and each field with a line ".<letter>" (.T title, .A authors,
// .B source, .W text, .K keywords...); the lines after a field marker, up
// to the next marker, are that field's text.

import { OctantError } from '../../../lib/errors.ts';

export interface SmartRecord {
  id: string;
  /** Field letter ('T', 'W'...) -> text, lines joined by one space, trimmed. */
  fields: Readonly<Record<string, string>>;
}

const RECORD = /^\.I\s+(\S+)\s*$/;
const FIELD = /^\.([A-Z])\s*$/;

export function parseSmart(text: string): SmartRecord[] {
  const records: SmartRecord[] = [];
  let fields: Record<string, string[]> | undefined;
  let id = '';
  let current: string[] | undefined;
  const flush = (): void => {
    if (fields === undefined) return;
    const joined: Record<string, string> = {};
    for (const [name, lines] of Object.entries(fields)) joined[name] = lines.join(' ').replace(/\s+/g, ' ').trim();
    records.push({ id, fields: joined });
  };
  text.split('\n').forEach((line, i) => {
    const record = RECORD.exec(line);
    if (record !== null) {
      flush();
      id = record[1];
      fields = {};
      current = undefined;
      return;
    }
    const field = FIELD.exec(line);
    if (field !== null && fields !== undefined) {
      current = fields[field[1]] ??= [];
      return;
    }
    if (line.trim() === '') return;
    if (current === undefined) {
      throw new OctantError('E_SEARCH_EVAL_FORMAT', `SMART line ${i + 1}: text before any ".I id" and field marker: ${JSON.stringify(line.slice(0, 80))}`);
    }
    current.push(line);
  });
  flush();
  return records;
}
