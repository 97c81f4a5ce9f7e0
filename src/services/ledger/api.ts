// The ledger's public API: the one file other layers and services import
// (test/layering.test.ts refuses any other file of this folder from
// outside). What it offers beyond the running service's API is what the
// operator needs without a running system: read, verify, export and
// checkpoint the log on disk, and open it for append when no service holds it.

// The service and the API it hands to the services that need it.
export { ledgerService, openLedger, LEDGER_CONFIG, DEFAULT_CHECKPOINT_INTERVAL_MS } from './index.ts';
export type { LedgerApi, LedgerAppend, LedgerCheckpointInfo, LedgerEntry, LedgerEvent, LedgerMark, LedgerServiceApi, OpenLedger } from './types.ts';

// Recording one event from a command (through the running system, or the log itself).
export { recordEvent } from './record-event.ts';
export { OPERATOR_AGENT } from './entry.ts';
// Whether a detail takes the append fast path (one JSON.stringify is its canonical form); recorders keep their details so.
export { isCanonicalOrder } from './entry.ts';

// Reading the log on disk.
export { ledgerDir, readLedger, checkCheckpoints, forEachEntryFrom, FIRST_MARK, type LedgerSnapshot } from './read.ts';

// Verifying: the whole log, an export, one entry's inclusion.
export { verifyLedgerDir, verifyExport, type VerifyReport } from './verify.ts';
export { verifyInclusion } from './merkle.ts';

// Checkpoints, their signatures, and witnesses.
export { latestCheckpoint, openCheckpoint, publishCheckpoint, storeCheckpoint, type StoredCheckpoint } from './checkpoint.ts';
export { ledgerVerifierKey, machineSigner, machineVerifier } from './log-key.ts';
export { parseVerifierKey, type NoteVerifier } from './note.ts';
export { loadWitness, witnessCheckpoint } from './witness.ts';

// Exports (`octant ledger export`).
export { exportLines } from './export.ts';
export type { ExportScope } from './export-claim.ts';
