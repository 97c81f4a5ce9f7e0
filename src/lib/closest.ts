// Suggest the nearest known names for a mistyped one (edit distance).

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Up to `max` names within a distance of about a third of the word, nearest first. */
export function closest(word: string, names: readonly string[], max = 3): string[] {
  const limit = Math.max(2, Math.ceil(word.length / 3));
  return names
    .map((name) => ({ name, d: name.startsWith(word) ? 0 : editDistance(word, name) }))
    .filter(({ d }) => d <= limit)
    .sort((x, y) => x.d - y.d || (x.name < y.name ? -1 : 1))
    .slice(0, max)
    .map(({ name }) => name);
}
