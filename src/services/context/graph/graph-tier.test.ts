import { after } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { graphSuite } from '../testing/graph-suite.ts';
import { sqliteDriver } from './sql-driver.ts';

const db = new DatabaseSync(':memory:');
after(() => db.close());
const driver = sqliteDriver(db);
graphSuite('sqlite', () => driver);
