// The conversational retrieval set (docs/benchmarks.md "Memory"): a long
// multi-session conversation between a user and an assistant, generated
// deterministically (seeded generator, templates), with questions whose
// answers are in known turns. Nothing is downloaded; the same seed gives the
// same set byte for byte, so figures are comparable across runs.
//
// The world: people, each with an employer, a pet, a hobby and a city that
// changes over time; companies with a home city. The user mentions these
// facts across sessions, in varied wording, among chit-chat that names the
// same people and places (the distractors). Question types:
//   single-hop  one turn holds the answer ("What is the name of Priya's pet?")
//   multi-hop   two turns together ("In which city is the company Priya
//               works for based?": Priya's job turn and the company's city turn)
//   temporal    the answer changed; the latest turn holds the current value
//               ("Where does Priya live now?"); older values do not count.
// A question's `gold` lists the turn ids that hold its answer; recall@10 is
// the share of them in the top 10 (for multi-hop, both turns).

import { prng, type Rand } from '../../src/lib/seeded-random.ts';
import { evalLines } from '../../src/services/context/eval/jsonl.ts';

export interface Turn {
  id: string;
  session: number;
  role: 'user' | 'assistant';
  text: string;
  /** ms since epoch. */
  at: number;
}

export type QuestionType = 'single-hop' | 'multi-hop' | 'temporal';

export interface Question {
  type: QuestionType;
  text: string;
  gold: string[];
  /** Temporal questions: the turns that held the answer before (superseded values). */
  stale?: string[];
  /** When the question is asked (after the last session). */
  at: number;
}

export interface ConversationSet {
  turns: Turn[];
  questions: Question[];
}

const FIRST = ('Priya Tomas Amara Kenji Lucia Oskar Freya Mateo Ines Dmitri Aisha Bruno Chiara Elif Farid Greta Hugo Ilse Jonas Kaia Lars Mira Nadia Otto ' +
  'Paloma Quentin Rhea Soren Talia Umar Vera Wendell Ximena Yusuf Zora Anselm Beatriz Cyrus Dagny Emeka Fiona Gideon Hana Ivo Jasmin Kofi Leona Milo ' +
  'Noor Orla Pavel Rosa Silas Tove Ulla Viktor Wren Yara Zeno Agnes').split(' ');
const LAST = ('Raman Okafor Lindqvist Moreau Tanaka Bianchi Novak Haddad Petrov Alvarez Nakamura Schmidt Kowalski Dubois Mensah Rossi Andersen Costa ' +
  'Ibrahim Keller').split(' ');
const COMPANY_A = 'Quantix Bluefin Northwind Solace Ironbark Lumen Vantage Crestline Halcyon Meridian Tessera Oakridge Pinnacle Arbor Cobalt'.split(' ');
const COMPANY_B = 'Labs Systems Analytics Robotics Health Logistics Studios Energy Foods Capital'.split(' ');
const CITIES = 'Oslo Lisbon Madrid Berlin Nairobi Osaka Toronto Lima Krakow Tallinn Porto Seoul Dublin Lyon Denver Hanoi Accra Quito Bergen Graz'.split(' ');
const PETS = 'Biscuit Pepper Mochi Juniper Ziggy Nutmeg Clementine Basil Pickles Waffles Tofu Olive Maple Rocket Pretzel'.split(' ');
const PET_KINDS = ['dog', 'cat', 'parrot', 'rabbit', 'tortoise'];
const HOBBIES = 'pottery|rock climbing|sourdough baking|birdwatching|salsa dancing|chess|woodworking|trail running|watercolor painting|beekeeping|kayaking|astronomy'.split('|');
const TOPICS = 'the new tax rules|a podcast about octopuses|their upcoming holiday|the football final|a tricky bug at work|houseplants|a documentary on volcanoes|electric bikes|the book club pick|a recipe for ramen'.split('|');
const ERRANDS = 'buy oat milk|renew my passport|call the plumber|book a dentist appointment|return the library books|pay the electricity bill|water the tomatoes|send the birthday card'.split('|');

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

interface Person {
  name: string;
  first: string;
  company: string;
  pet: string;
  petKind: string;
  hobby: string;
  /** City moves: [session, city], in order. */
  homes: [number, string][];
}

const FACT_TEMPLATES = {
  job: ['{p} just started a new job at {c}.', 'My friend {p} works at {c} now.', '{p} got hired at {c} last month, so happy for them.', 'Did I mention {p} joined {c}?'],
  home: ['{p} lives in {x}.', '{p} moved to {x} a few weeks ago.', 'Big news: {p} relocated to {x}.', '{p} is living in {x} these days.'],
  hq: ['{c} is based in {x}.', '{c} is headquartered in {x}, apparently.', 'Fun fact, {c} is located in {x}.'],
  pet: ["{p}'s {k} is called {pet}.", '{p} adopted a {k} named {pet}.', "{p}'s new {k} is named {pet}, it is adorable."],
  hobby: ['{p} is really into {h} lately.', '{p} took up {h} this year.', 'Apparently {p} spends every weekend on {h}.'],
};
const FILLER = [
  'I had coffee with {p} and we talked about {t}.',
  '{p} and I watched a film about {t} last night.',
  'The weather in {x} was lovely when I visited.',
  'Can you remind me to {e} tomorrow?',
  'I keep thinking about {t}.',
  '{p} sent me a long message about {t}.',
  'We might all meet in {x} next spring, {p} included.',
  'Remind me to ask {p} about {t}.',
];
const ASSISTANT = ['Noted!', 'That sounds lovely.', 'Sure, I will remember that.', 'Got it, thanks for telling me.', 'Interesting, tell me more.', 'I have added a reminder.', 'Happy to help with that.'];

function fill(template: string, v: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => v[k] ?? '');
}

/** The set for `sessions` sessions; `seed` fixes everything. */
export function generateConversations(options: { sessions: number; seed?: number; people?: number; turnsPerSession?: number }): ConversationSet {
  const r = prng(options.seed ?? 19);
  const sessions = options.sessions;
  const turnsPerSession = options.turnsPerSession ?? 14;
  const companies = COMPANY_A.flatMap((a) => COMPANY_B.map((b) => `${a} ${b}`)).filter(() => r() < 0.25).slice(0, 30);
  const hq = new Map(companies.map((c) => [c, pick(r, CITIES)]));
  const people: Person[] = FIRST.slice(0, options.people ?? 60).map((first, i) => {
    const moves = 1 + Math.floor(r() * 3);
    const homes: [number, string][] = [];
    for (let m = 0; m < moves; m++) homes.push([Math.floor(((m + r()) / moves) * sessions * 0.95), pick(r, CITIES)]);
    return { first, name: `${first} ${LAST[i % LAST.length]}`, company: pick(r, companies), pet: pick(r, PETS), petKind: pick(r, PET_KINDS), hobby: pick(r, HOBBIES), homes };
  });

  // Which fact is told in which session: each person's job, pet and hobby once, at a random session; each move at its session; each company's city once.
  const facts = new Map<number, { kind: keyof typeof FACT_TEMPLATES; person?: Person; company?: string; city?: string }[]>();
  const at = (s: number, f: { kind: keyof typeof FACT_TEMPLATES; person?: Person; company?: string; city?: string }): void => {
    const list = facts.get(s) ?? [];
    list.push(f);
    facts.set(s, list);
  };
  for (const p of people) {
    at(Math.floor(r() * sessions), { kind: 'job', person: p });
    at(Math.floor(r() * sessions), { kind: 'pet', person: p });
    at(Math.floor(r() * sessions), { kind: 'hobby', person: p });
    for (const [s, city] of p.homes) at(s, { kind: 'home', person: p, city });
  }
  for (const c of companies) at(Math.floor(r() * sessions), { kind: 'hq', company: c, city: hq.get(c)! });

  const start = Date.UTC(2025, 0, 1);
  const DAY = 86_400_000;
  const turns: Turn[] = [];
  const where = { job: new Map<Person, string>(), pet: new Map<Person, string>(), hobby: new Map<Person, string>(), home: new Map<Person, string>(), hq: new Map<string, string>() };
  const oldHomes = new Map<Person, string[]>();
  for (let s = 0; s < sessions; s++) {
    const due = facts.get(s) ?? [];
    const told = new Set<number>();
    // Fact turns go at random user positions among the session's turns.
    for (let t = 0; t < turnsPerSession; t++) {
      const id = `s${s}t${t}`;
      const time = start + s * DAY + t * 60_000;
      if (t % 2 === 1) {
        turns.push({ id, session: s, role: 'assistant', text: pick(r, ASSISTANT), at: time });
        continue;
      }
      const remaining = due.filter((_, i) => !told.has(i));
      const slotsLeft = Math.ceil((turnsPerSession - t) / 2);
      const fact = remaining.length > 0 && (remaining.length >= slotsLeft || r() < 0.4) ? remaining[0] : undefined;
      if (fact === undefined) {
        const v = { p: pick(r, people).first, t: pick(r, TOPICS), x: pick(r, CITIES), e: pick(r, ERRANDS) };
        turns.push({ id, session: s, role: 'user', text: fill(pick(r, FILLER), v), at: time });
        continue;
      }
      told.add(due.indexOf(fact));
      const p = fact.person;
      const v = { p: r() < 0.5 && p !== undefined ? p.name : (p?.first ?? ''), c: fact.company ?? p?.company ?? '', x: fact.city ?? '', pet: p?.pet ?? '', k: p?.petKind ?? '', h: p?.hobby ?? '' };
      turns.push({ id, session: s, role: 'user', text: fill(pick(r, FACT_TEMPLATES[fact.kind]), v), at: time });
      if (fact.kind === 'home' && where.home.has(p!)) oldHomes.set(p!, [...(oldHomes.get(p!) ?? []), where.home.get(p!)!]);
      if (fact.kind === 'hq') where.hq.set(fact.company!, id);
      else where[fact.kind].set(p!, id);
    }
  }

  const toldCount = where.job.size + where.pet.size + where.hobby.size + where.hq.size;
  if (toldCount !== people.length * 3 + companies.length) throw new Error(`conversations: ${toldCount} facts told of ${people.length * 3 + companies.length}; use more sessions`);
  const asked = start + sessions * DAY;
  const questions: Question[] = [];
  for (const p of people) {
    const name = r() < 0.5 ? p.first : p.name;
    const petQ = r() < 0.5 ? `What is the name of ${name}'s ${p.petKind}?` : `What did ${name} call their ${p.petKind}?`;
    questions.push({ type: 'single-hop', text: petQ, gold: [where.pet.get(p)!], at: asked });
    questions.push({ type: 'single-hop', text: r() < 0.5 ? `Which hobby is ${name} into?` : `What does ${name} do on weekends for fun?`, gold: [where.hobby.get(p)!], at: asked });
    questions.push({ type: 'multi-hop', text: r() < 0.5 ? `In which city is the company ${name} works for based?` : `Where is ${name}'s employer headquartered?`, gold: [where.job.get(p)!, where.hq.get(p.company)!], at: asked });
    if (p.homes.length > 1) questions.push({ type: 'temporal', text: r() < 0.5 ? `Where does ${name} live now?` : `Which city is ${name} living in at the moment?`, gold: [where.home.get(p)!], stale: oldHomes.get(p) ?? [], at: asked });
  }
  return { turns, questions };
}

/**
 * The set as JSON lines in the evaluation format (src/services/context/eval/jsonl.ts),
 * one conversation: what `octant memory eval FILE --format jsonl` reads.
 */
export function conversationLines(set: ConversationSet, conversation = 'c1'): string[] {
  return evalLines([{
    id: conversation,
    turns: set.turns.map((t) => ({ id: t.id, session: `s${t.session}`, text: t.text, at: t.at })),
    questions: set.questions.map((q, i) => ({ id: `q${i + 1}`, type: q.type, text: q.text, at: q.at, evidence: q.gold, sessions: [], abstain: false })),
  }]);
}
