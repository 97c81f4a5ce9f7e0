// What an approver sees of content an agent wants to write or send: the
// content itself (capped, so one approval file stays small) and the SHA-256
// of the whole, so "approve" refers to exact bytes, not to a byte count.
// The ledger keeps the digest and size; the preview goes only to the approver.

import { createHash } from 'node:crypto';

/** Characters of content shown to the approver. */
export const PREVIEW_CHARS = 4096;

export interface ContentDigest {
  bytes: number;
  sha256: string;
}

export function contentDigest(text: string): ContentDigest {
  return { bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
}

/** The approver's view: the digest plus the first PREVIEW_CHARS characters, saying if more were cut. */
export function contentReview(text: string): { content: string; contentTruncated: boolean } {
  return { content: text.slice(0, PREVIEW_CHARS), contentTruncated: text.length > PREVIEW_CHARS };
}
