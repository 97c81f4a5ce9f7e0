// The languages the analyzer knows: a stemmer and a stopword list each.
// English uses Porter2 (porter2.ts); the others use the Snowball stemmers
// and stopword lists of @orama/stemmers and @orama/stopwords (Apache-2.0,
// pure JavaScript, no dependencies, bundled into the executable). Importing
// them only defines functions and arrays; the Sets are built on first use.

import { stemmer as danish } from '@orama/stemmers/danish';
import { stemmer as dutch } from '@orama/stemmers/dutch';
import { stemmer as finnish } from '@orama/stemmers/finnish';
import { stemmer as french } from '@orama/stemmers/french';
import { stemmer as german } from '@orama/stemmers/german';
import { stemmer as italian } from '@orama/stemmers/italian';
import { stemmer as norwegian } from '@orama/stemmers/norwegian';
import { stemmer as portuguese } from '@orama/stemmers/portuguese';
import { stemmer as russian } from '@orama/stemmers/russian';
import { stemmer as spanish } from '@orama/stemmers/spanish';
import { stemmer as swedish } from '@orama/stemmers/swedish';
import { stopwords as daStop } from '@orama/stopwords/danish';
import { stopwords as nlStop } from '@orama/stopwords/dutch';
import { stopwords as enStop } from '@orama/stopwords/english';
import { stopwords as fiStop } from '@orama/stopwords/finnish';
import { stopwords as frStop } from '@orama/stopwords/french';
import { stopwords as deStop } from '@orama/stopwords/german';
import { stopwords as itStop } from '@orama/stopwords/italian';
import { stopwords as noStop } from '@orama/stopwords/norwegian';
import { stopwords as ptStop } from '@orama/stopwords/portuguese';
import { stopwords as ruStop } from '@orama/stopwords/russian';
import { stopwords as esStop } from '@orama/stopwords/spanish';
import { stopwords as svStop } from '@orama/stopwords/swedish';
import { porter2 } from './porter2.ts';

export interface Language {
  /** ISO 639-1 tag ('en'); 'none' folds case and diacritics only. */
  tag: string;
  name: string;
  /** Gets a lowercased word with its diacritics (Snowball stemmers need them). */
  stem(word: string): string;
  stopwords: ReadonlySet<string>;
}

const identity = (word: string): string => word;

const TABLE: Readonly<Record<string, readonly [string, (word: string) => string, readonly string[]]>> = {
  // Snowball's English list has 'a', which this one lacks.
  en: ['English', porter2, [...enStop, 'a', 'an']],
  da: ['Danish', danish, daStop],
  de: ['German', german, deStop],
  es: ['Spanish', spanish, esStop],
  fi: ['Finnish', finnish, fiStop],
  fr: ['French', french, frStop],
  it: ['Italian', italian, itStop],
  nl: ['Dutch', dutch, nlStop],
  no: ['Norwegian', norwegian, noStop],
  pt: ['Portuguese', portuguese, ptStop],
  ru: ['Russian', russian, ruStop],
  sv: ['Swedish', swedish, svStop],
  none: ['no stemming, no stopwords', identity, []],
};

/** The tags the analyzer accepts, sorted. */
export const LANGUAGE_TAGS: readonly string[] = Object.keys(TABLE).sort();

const built = new Map<string, Language>();

/** The language of `tag` ('en', 'en-GB' and 'EN' are English), or undefined when unknown. */
export function language(tag: string): Language | undefined {
  const key = tag.toLowerCase().split(/[-_]/)[0] ?? '';
  const cached = built.get(key);
  if (cached !== undefined) return cached;
  const entry = Object.hasOwn(TABLE, key) ? TABLE[key] : undefined;
  if (entry === undefined) return undefined;
  const [name, stem, words] = entry;
  // Stopword lists hold contractions ("don't"): the analyzer compares words
  // with their apostrophes, so keep them as they are.
  const made: Language = { tag: key, name, stem, stopwords: new Set(words.map((w) => w.toLowerCase())) };
  built.set(key, made);
  return made;
}
