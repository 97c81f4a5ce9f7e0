// The built-in embedder's math: a text becomes a fixed-size unit vector with
// no model file, so T3 works on a fresh machine (docs/memory.md "T3").
//
// Signed feature hashing (Weinberger et al., "Feature Hashing for Large
// Scale Multitask Learning", ICML 2009): each feature of the text is hashed
// to one of `dims` coordinates and to a sign, and its weight is added there.
// The sign makes collisions cancel in expectation, so the dot product of two
// hashed vectors is an unbiased estimate of the dot product of their sparse
// feature vectors. The features:
//   - word unigrams (weight 1): the words both texts share;
//   - word bigrams (0.5): word order and short phrases ("new york");
//   - character trigrams of each word, padded with spaces (0.5 over the
//     word's trigrams): morphology and typos — "timezone"/"timezones",
//     "colour"/"color" share most trigrams.
// Counts are dampened (1 + log tf) and a short stopword list is weighed down
// (the glue words every sentence shares would otherwise dominate the cosine).
// The vector is L2-normalized, so cosine similarity is a dot product.
//
// What it is not: it knows no meaning. "car" and "automobile" share nothing,
// so it finds paraphrases only through shared words and word pieces. It is
// a lexical-fuzzy embedder that complements BM25 (partial words, inflections,
// misspellings, phrase overlap) rather than a semantic one; a local model or
// the router's embeddings give meaning when the operator provides one.
// Collisions: with 256 dimensions and a few hundred features per memory,
// distinct texts keep cosines near 0 (± about 1/sqrt(dims)).
//
// Pure and allocation-light: it runs in the embed workers (embed-worker.ts),
// and on the event loop only for one short query.

/** Version of the feature set: vectors of another version are another space. */
export const HASHED_EMBEDDING_VERSION = 1;

const STOPWORDS = new Set(('a an and are as at be been but by did do does for from had has have he her him his how i if in into is it its ' +
  'me my of on or our she so than that the their them then there these they this to was we were what when where which who whom why will with ' +
  'you your yours just also very can could would should about').split(' '));

const STOPWORD_WEIGHT = 0.2;
const BIGRAM_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.5;

/** FNV-1a over UTF-16 units with a seed, then a murmur3 finalizer so nearby strings spread over all bits. */
function hash(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Lowercased words (letters and digits of any script), NFKC so full-width and composed forms agree. */
export function words(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function add(out: Float32Array, feature: string, weight: number): void {
  const h = hash(feature, 0x9e3779b9);
  // The low bits pick the coordinate, the top bit the sign (independent enough after the finalizer).
  out[h % out.length] += (h & 0x80000000) === 0 ? weight : -weight;
}

/** The unit vector of `text` in `dims` dimensions (all zeros for a text without words). */
export function hashedEmbedding(text: string, dims: number): Float32Array {
  const out = new Float32Array(dims);
  const ws = words(text);
  const counts = new Map<string, number>();
  const bump = (key: string, w: number): void => {
    counts.set(key, (counts.get(key) ?? 0) + w);
  };
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i];
    const stop = STOPWORDS.has(w);
    bump(`w:${w}`, stop ? STOPWORD_WEIGHT : 1);
    if (i + 1 < ws.length) {
      const next = ws[i + 1];
      bump(`b:${w} ${next}`, stop || STOPWORDS.has(next) ? BIGRAM_WEIGHT * STOPWORD_WEIGHT : BIGRAM_WEIGHT);
    }
    if (!stop && w.length > 2) {
      const padded = ` ${w} `;
      const per = TRIGRAM_WEIGHT / (padded.length - 2);
      for (let j = 0; j + 3 <= padded.length; j++) bump(`c:${padded.slice(j, j + 3)}`, per);
    }
  }
  // Sublinear term frequency: a word said five times is not five times the topic.
  for (const [feature, weight] of counts) add(out, feature, weight > 1 ? 1 + Math.log(weight) : weight);
  normalize(out);
  return out;
}

/** Scale `v` to unit length in place (a zero vector stays zero). */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}
