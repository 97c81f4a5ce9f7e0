// Retrieval figures of one question's ranking (the turn ids recall returned,
// best first) against its evidence, binary relevance:
// - recall@k: the share of the evidence turns in the top k (LoCoMo's
//   task_eval/evaluation.py computes the same share over what a retriever returned);
// - all@k: 1 when every evidence turn is in the top k (LongMemEval's
//   recall_all, src/retrieval/eval_utils.py);
// - NDCG@k: DCG of the top k over the DCG of the evidence ranked first
//   (Järvelin and Kekäläinen, TOIS 2002; eval_utils.py's ndcg, gain 1);
// - session recall@k: the share of the answer sessions that hold at least
//   one of the top k turns (stricter than LongMemEval's turn-to-session
//   figure, which looks as deep as it takes to reach k distinct sessions).
// Answer accuracy is not measured: it needs a model to answer and a judge.

export interface QuestionScore {
  /** Undefined when the question has no evidence turn (then only sessions are scored). */
  recall?: number;
  all?: number;
  ndcg?: number;
  /** Undefined when it names no session. */
  sessionRecall?: number;
}

function dcg(hits: readonly boolean[]): number {
  return hits.reduce((sum, hit, i) => sum + (hit ? 1 / Math.log2(i + 2) : 0), 0);
}

export function scoreQuestion(ranked: readonly string[], evidence: readonly string[], sessions: readonly string[], sessionOf: (turn: string) => string | undefined, k: number): QuestionScore {
  const top = ranked.slice(0, k);
  const score: QuestionScore = {};
  if (evidence.length > 0) {
    const gold = new Set(evidence);
    const found = new Set(top.filter((id) => gold.has(id)));
    score.recall = found.size / gold.size;
    score.all = found.size === gold.size ? 1 : 0;
    // A turn id counts once (a ranking never repeats one, but a test input might).
    const seen = new Set<string>();
    const hits = top.map((id) => {
      const hit = gold.has(id) && !seen.has(id);
      seen.add(id);
      return hit;
    });
    score.ndcg = dcg(hits) / dcg(Array.from({ length: Math.min(gold.size, k) }, () => true));
  }
  if (sessions.length > 0) {
    const reached = new Set(top.map(sessionOf));
    const gold = [...new Set(sessions)];
    score.sessionRecall = gold.filter((s) => reached.has(s)).length / gold.length;
  }
  return score;
}

export interface Summary {
  /** Questions with evidence turns (recall, all, NDCG are their means). */
  questions: number;
  recall: number;
  all: number;
  ndcg: number;
  /** Questions naming answer sessions (sessionRecall is their mean). */
  sessionQuestions: number;
  sessionRecall: number;
}

export function summarize(scores: readonly QuestionScore[]): Summary {
  const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const turns = scores.filter((s) => s.recall !== undefined);
  const sessions = scores.flatMap((s) => (s.sessionRecall === undefined ? [] : [s.sessionRecall]));
  return {
    questions: turns.length,
    recall: mean(turns.map((s) => s.recall ?? 0)),
    all: mean(turns.map((s) => s.all ?? 0)),
    ndcg: mean(turns.map((s) => s.ndcg ?? 0)),
    sessionQuestions: sessions.length,
    sessionRecall: mean(sessions),
  };
}
