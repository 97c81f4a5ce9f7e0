import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { inTransaction } from './sqlite-transaction.ts';

function table(): DatabaseSync {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE t (x INTEGER)');
  return db;
}
const count = (db: DatabaseSync): number => Number(db.prepare('SELECT count(*) AS n FROM t').get()!.n);

test('a transaction that throws writes nothing and rethrows', () => {
  const db = table();
  assert.throws(() => inTransaction(db, () => {
    db.exec('INSERT INTO t VALUES (1)');
    throw new Error('half way');
  }), /half way/);
  assert.equal(count(db), 0);
  assert.equal(db.isTransaction, false);
});

test('twin: one that returns commits every write and returns its value', () => {
  const db = table();
  assert.equal(inTransaction(db, () => {
    db.exec('INSERT INTO t VALUES (1), (2)');
    return 'done';
  }, 'BEGIN IMMEDIATE'), 'done');
  assert.equal(count(db), 2);
});
