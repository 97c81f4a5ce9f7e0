// A multi-pattern matcher in linear time: the Aho-Corasick automaton
// (Aho & Corasick 1975), completed into a DFA so each input code unit costs
// one table lookup, whatever the text. No backtracking: untrusted text of any
// shape is scanned in time proportional to its length.
//
// Two kinds of pattern: secret forms (a match is redacted) and the literal
// starts of key formats (a match starts a key-format thread, key-formats.ts).

export class PatternAutomaton {
  /** Alphabet size + 1: column 0 stands for every code unit no pattern uses. */
  readonly width: number;
  /** Code unit -> column. */
  readonly column: Uint16Array;
  /** state * width + column -> next state. State 0 is the root. */
  readonly next: Int32Array;
  /** Length of the text a state stands for (the longest suffix that may still grow into a pattern). */
  readonly depth: Int32Array;
  /** Length of the longest secret form ending at this state, 0 if none. */
  readonly longestSecret: Int32Array;
  /** Length of the longest suffix at this state that is a prefix of a secret form (what a cut would show). */
  readonly secretPrefix: Int32Array;
  /** Key-format indices whose start literal ends at this state (and its length), or undefined. */
  readonly starts: ({ format: number; length: number }[] | undefined)[];

  constructor(secrets: readonly string[], formatStarts: readonly { format: number; literal: string }[]) {
    // 1. The trie.
    const children: Map<number, number>[] = [new Map()];
    const depth = [0];
    const secretEnd = [0];
    const secretNode = [false];
    const startsAt: ({ format: number; length: number }[] | undefined)[] = [undefined];
    const columns = new Map<number, number>();
    const insert = (text: string, secret: boolean): number => {
      let node = 0;
      if (secret) secretNode[0] = true;
      for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        if (!columns.has(unit)) columns.set(unit, columns.size + 1);
        let child = children[node].get(unit);
        if (child === undefined) {
          child = children.length;
          children.push(new Map());
          depth.push(depth[node] + 1);
          secretEnd.push(0);
          secretNode.push(false);
          startsAt.push(undefined);
          children[node].set(unit, child);
        }
        node = child;
        if (secret) secretNode[node] = true;
      }
      return node;
    };
    for (const s of secrets) {
      const node = insert(s, true);
      secretEnd[node] = Math.max(secretEnd[node], s.length);
    }
    for (const { format, literal } of formatStarts) {
      const node = insert(literal, false);
      (startsAt[node] ??= []).push({ format, length: literal.length });
    }
    // 2. Failure links breadth-first, folding each state's outputs with its suffix's.
    const size = children.length;
    this.width = columns.size + 1;
    this.column = new Uint16Array(65536);
    for (const [unit, col] of columns) this.column[unit] = col;
    this.next = new Int32Array(size * this.width);
    this.depth = Int32Array.from(depth);
    this.longestSecret = new Int32Array(size);
    this.secretPrefix = new Int32Array(size);
    this.starts = new Array(size).fill(undefined);
    const fail = new Int32Array(size);
    const queue = [0];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head];
      const f = fail[node];
      this.longestSecret[node] = Math.max(secretEnd[node], node === 0 ? 0 : this.longestSecret[f]);
      this.secretPrefix[node] = secretNode[node] ? depth[node] : node === 0 ? 0 : this.secretPrefix[f];
      const inherited = node === 0 ? undefined : this.starts[f];
      this.starts[node] = startsAt[node] === undefined ? inherited : [...startsAt[node]!, ...(inherited ?? [])];
      // The DFA row: a child where the trie has one, else where the failure state goes.
      for (let col = 0; col < this.width; col++) this.next[node * this.width + col] = node === 0 ? 0 : this.next[f * this.width + col];
      for (const [unit, child] of children[node]) {
        const col = this.column[unit];
        fail[child] = node === 0 ? 0 : this.next[f * this.width + col];
        this.next[node * this.width + col] = child;
        queue.push(child);
      }
    }
  }
}
