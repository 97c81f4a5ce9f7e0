// T4's rule-based extraction (docs/memory.md "T4"): entities and relations
// out of a memory's text, with no model. Simple on purpose — every rule is
// one line of the tables below, and what it misses the agent can state with
// relate(). A model-based extractor can replace it behind the same shape.
//
// Entities:
//   - runs of Capitalized words ("Priya Raman", "Quantix Labs", "Bank of
//     America"), except a sentence's first word when it is a common opener
//     ("The", "My", "Yesterday");
//   - the subject and object of every relation below (so "my sister" and
//     "vegetarian" are entities too);
//   - a fact's key (Memory.key) and the key of every key=value pair.
// Relations (subject, relation, object), from the RELATIONS table:
//   "X works at Y", "X lives in Y", "X moved to Y", "X is based in Y",
//   "X is Y", "X's Y is Z", "my Y is Z" (subject 'user'), "key=value" ...
// Names are compared normalized (lowercase, single spaces, no leading
// article): `normalizeEntity`.

export interface Extracted {
  /** Normalized name -> display name (first seen). */
  entities: Map<string, string>;
  relations: { subject: string; relation: string; object: string }[];
}

const OPENERS = new Set(('the a an i we you he she it they my our your his her their this that these those there here ' +
  'yesterday today tomorrow tonight also and but so then when what where who whom whose why how which oh yes no well hey hi hello ' +
  'thanks thank sure ok okay just last next after before please if in on at for by with from to as of did do does is are was were ' +
  'can could would should will maybe actually anyway btw remember note not never always sometimes').split(' '));

const ARTICLE = /^(?:the|a|an|my|our|your|his|her|their)\s+/i;

/** The comparison form of an entity name. */
export function normalizeEntity(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}'./@+-]+/gu, ' ').trim().replace(ARTICLE, '').replace(/\s+/g, ' ').replace(/[.']+$/, '');
}

// A name: Capitalized words, optionally joined by of/de/van/von/the.
// (An apostrophe or slash only before another capital, O'Brien and
// Europe/Paris: "Priya's" is Priya.)
const WORD = String.raw`[A-Z][\p{L}\p{N}-]*(?:['/][A-Z][\p{L}\p{N}-]*)*`;
const NAME = String.raw`${WORD}(?:\s+(?:(?:of|de|van|von|der|la|the)\s+)?${WORD})*`;
// Adverbs allowed between a subject and its verb ("Priya just moved to").
const ADVERB = String.raw`(?:(?:just|recently|now|also|still|finally|already|officially)\s+)?`;
// A subject: a name, "my <noun>", or "I".
const SUBJECT = String.raw`(?<s>${NAME}|[Mm]y\s+[a-z][\w-]*(?:\s+[a-z][\w-]*)?|I)`;
// An object: a name, or up to four plain words (stopping at punctuation and conjunctions).
const OBJECT = String.raw`(?<o>${NAME}|(?:(?:a|an|the|my)\s+)?[\p{L}\p{N}][\p{L}\p{N}'./@+-]*(?:\s+(?!(?:and|but|or|because|since|so|who|which|when|in|at|on|of|for|with|from|to|near|by|last|this|next|yesterday|today)\b)[\p{L}\p{N}][\p{L}\p{N}'./@+-]*){0,3})`;

/** [verb phrase (a regex), relation name]; first match in a clause wins. */
const RELATIONS: readonly [string, string][] = [
  [String.raw`(?:works?|worked|is working|started (?:a (?:new )?job|working)) (?:at|for)`, 'works_at'],
  [String.raw`(?:joined|is employed by|got hired (?:at|by))`, 'works_at'],
  [String.raw`(?:lives?|lived|is living|resides?) in`, 'lives_in'],
  [String.raw`(?:moved|relocated|is moving) to`, 'lives_in'],
  [String.raw`(?:is|are|was) (?:based|located|headquartered) in`, 'based_in'],
  [String.raw`(?:was|were) born in`, 'born_in'],
  [String.raw`(?:is|was) (?:married to|engaged to|dating)`, 'partner_of'],
  [String.raw`(?:manages|leads|runs)`, 'manages'],
  [String.raw`(?:reports to)`, 'reports_to'],
  [String.raw`(?:owns|has a pet|adopted)`, 'owns'],
  [String.raw`(?:likes|loves|enjoys|prefers)`, 'likes'],
  [String.raw`(?:hates|dislikes|is allergic to)`, 'dislikes'],
  [String.raw`(?:uses|switched to)`, 'uses'],
  [String.raw`(?:studies|studied|is studying) at`, 'studies_at'],
  [String.raw`(?:is|are|was|were) (?:a|an|the)?`, 'is'],
];

const COMPILED = RELATIONS.map(([verb, relation]) => ({ re: new RegExp(String.raw`${SUBJECT}\s+${ADVERB}${verb}\s+${OBJECT}`, 'gu'), relation }));
const POSSESSIVE = new RegExp(String.raw`(?<s>${NAME}|[Mm]y)(?:'s)?\s+(?<rel>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)\s+(?:is|are|was)\s+(?:called\s+|named\s+)?${OBJECT}`, 'gu');
const KEY_VALUE = /(?<![\w.])(?<k>[A-Za-z_][\w.-]{0,63})\s*[=:]\s*(?<v>"[^"\n]{1,200}"|[^\s,;]{1,200})/g;
const NAMES = new RegExp(NAME, 'gu');

function subjectOf(raw: string): string {
  return /^(?:I|my)$/i.test(raw.trim()) ? 'user' : raw;
}

export function extract(text: string, key?: string): Extracted {
  const entities = new Map<string, string>();
  const relations: Extracted['relations'] = [];
  const entity = (name: string): string | undefined => {
    const display = name.trim().replace(ARTICLE, '');
    const norm = normalizeEntity(display);
    if (norm === '' || norm.length > 200 || OPENERS.has(norm)) return undefined;
    if (!entities.has(norm)) entities.set(norm, display);
    return norm;
  };
  const usable = (name: string): boolean => {
    const norm = normalizeEntity(name.trim().replace(ARTICLE, ''));
    return norm !== '' && !OPENERS.has(norm);
  };
  const relate = (s: string, relation: string, o: string): void => {
    if (!usable(s) || !usable(o)) return;
    const subject = entity(s)!;
    const object = entity(o)!;
    if (subject !== object) relations.push({ subject, relation, object });
  };
  if (key !== undefined) entity(key);

  for (const sentence of text.split(/(?<=[.!?\n])\s+|\n+/)) {
    // Names, but not a common word that is capitalized only because it opens the sentence.
    for (const match of sentence.matchAll(NAMES)) {
      let name = match[0];
      if (match.index === 0 || /[.!?:;"(]\s*$/.test(sentence.slice(0, match.index))) {
        const [first, ...rest] = name.split(/\s+/);
        if (OPENERS.has(first.toLowerCase())) name = rest.join(' ');
      }
      if (name !== '' && !OPENERS.has(name.toLowerCase())) entity(name);
    }
    for (const match of sentence.matchAll(KEY_VALUE)) {
      const { k, v } = match.groups!;
      if (/^(?:https?|ftp|mailto)$/i.test(k)) continue;
      relate(k, 'is', v.replace(/^"|"$/g, ''));
    }
    let matched = false;
    for (const { re, relation } of COMPILED) {
      for (const match of sentence.matchAll(re)) {
        relate(subjectOf(match.groups!.s), relation, match.groups!.o);
        matched = true;
      }
      if (matched) break;
    }
    if (!matched) {
      for (const match of sentence.matchAll(POSSESSIVE)) {
        const { s, rel, o } = match.groups!;
        relate(subjectOf(s), rel.toLowerCase().replace(/\s+/g, '_'), o);
      }
    }
  }
  return { entities, relations };
}
