// Long filter strings that would make a backtracking tokenizer or matcher crawl (200,000 characters of
// quotes, escapes, dots, parentheses, IN lists, digits, LIKE wildcards). Used by fuzz.test.ts
// (behaviour) and test/bench/adversarialInputs.bench.ts (time).
const BIG = 200_000;

export const ADVERSARIAL_FILTERS: readonly string[] = [
  "'".repeat(BIG),
  "tags.x = '" + "''".repeat(BIG / 2),
  "tags.x = '" + "\\'".repeat(BIG / 2),
  '`'.repeat(BIG),
  '"'.repeat(BIG + 1),
  'a.'.repeat(BIG / 2) + 'b = 1',
  '('.repeat(BIG),
  "run_id IN (" + "'a',".repeat(BIG / 4) + "'b')",
  'metrics.x > ' + '9'.repeat(BIG),
  'AND '.repeat(BIG / 4),
  "params.p LIKE '" + '%a'.repeat(5000) + "b'",
];
