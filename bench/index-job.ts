// The stand-in indexing job of bench/heavy-work.ts: what a search indexer
// does to each chunk of a corpus (tokenise, normalise, hash and count each
// term), CPU-bound and growing with the input.

/** Terms of `text` (runs of letters, digits, _ and -), lower-cased, with their FNV-1a hash and count. */
export function indexChunk(text: string): number {
  const counts = new Map<string, number>();
  let term = '';
  let hash = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
    if (word) {
      term += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
      continue;
    }
    if (term === '') continue;
    let h = 0x811c9dc5;
    for (let j = 0; j < term.length; j++) h = Math.imul(h ^ term.charCodeAt(j), 0x01000193);
    hash = (hash + h) | 0;
    counts.set(term, (counts.get(term) ?? 0) + 1);
    term = '';
  }
  return hash ^ counts.size;
}
