// A binary heap of (node, similarity) on typed arrays, for the HNSW beam
// search (hnsw.ts): the candidates to expand (best on top) and the results
// found so far (worst on top, so the beam's floor is one read). An index
// keeps one of each and reuses them for every search, so a search allocates
// nothing per visited node.

export class SearchHeap {
  nodes: Int32Array;
  sims: Float64Array;
  size = 0;
  private readonly sign: number;

  /** `bestOnTop`: a max-heap on similarity; else a min-heap. */
  constructor(bestOnTop: boolean, capacity = 256) {
    this.sign = bestOnTop ? 1 : -1;
    this.nodes = new Int32Array(capacity);
    this.sims = new Float64Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  topNode(): number {
    return this.nodes[0];
  }

  topSim(): number {
    return this.sims[0];
  }

  push(node: number, sim: number): void {
    if (this.size === this.nodes.length) this.grow();
    const { nodes, sims, sign } = this;
    let i = this.size++;
    const key = sign * sim;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (sign * sims[p] >= key) break;
      nodes[i] = nodes[p];
      sims[i] = sims[p];
      i = p;
    }
    nodes[i] = node;
    sims[i] = sim;
  }

  pop(): void {
    const { nodes, sims, sign } = this;
    const n = --this.size;
    if (n <= 0) return;
    const node = nodes[n];
    const sim = sims[n];
    const key = sign * sim;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && sign * sims[r] > sign * sims[l] ? r : l;
      if (key >= sign * sims[c]) break;
      nodes[i] = nodes[c];
      sims[i] = sims[c];
      i = c;
    }
    nodes[i] = node;
    sims[i] = sim;
  }

  private grow(): void {
    const nodes = new Int32Array(this.nodes.length * 2);
    nodes.set(this.nodes);
    const sims = new Float64Array(this.sims.length * 2);
    sims.set(this.sims);
    this.nodes = nodes;
    this.sims = sims;
  }
}
