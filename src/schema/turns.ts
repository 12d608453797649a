/**
 * Long synchronous work (parsing a large body, validating or encoding thousands of records) gives
 * the event loop a turn every few milliseconds, so that one request never holds the others.
 */

/** How long a stretch of synchronous work may run before it yields, in milliseconds. */
export const TURN_BUDGET_MS = 10;

/**
 * A function to call often inside a long loop: it returns a promise to await (a turn of the event
 * loop) once `budgetMs` has passed since the last turn, else undefined (nothing to wait for).
 */
export function turns(budgetMs = TURN_BUDGET_MS): () => Promise<void> | undefined {
  let last = performance.now();
  const resume = (resolve: () => void) =>
    setImmediate(() => {
      last = performance.now();
      resolve();
    });
  return () => (performance.now() - last < budgetMs ? undefined : new Promise<void>(resume));
}
