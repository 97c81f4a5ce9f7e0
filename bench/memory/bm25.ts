// The plain BM25 baseline lives with the evaluation code the executable runs
// (`octant memory eval`), so the benches and the command measure the same one.
export { Bm25Tier } from '../../src/services/context/eval/plain-bm25.ts';
