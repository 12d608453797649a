/**
 * A large batch goes through the save pipeline in parts, so that Node validates the next part while
 * the database writes the current one. The parts follow the order of the records' ids: every record
 * of one id is in the same part (the later one wins, as in a whole batch), and the rows of
 * overlapping batches are still locked in one order (no deadlock between them). Records without
 * an id are new rows: they come last, in the order they were sent.
 */
import type { Row } from '../db/records.js';
import { EMPTY_GUID, guidText, isObject } from '../schema/defaults.js';
import type { Entity } from '../schema/registry.js';
import { rulesOf } from './entity-rules.js';
import type { SaveMode } from './rules.js';
import type { SaveOutcome } from './save-steps.js';

/** Records per part: enough that a statement's fixed costs stay small, few enough to overlap. */
export const PART_SIZE = 1000;

/** The id a record is saved under, as the pipeline reads it; undefined when it has none. */
function idOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const id = guidText((body as Row)['id']);
  return id === EMPTY_GUID ? undefined : id;
}

/**
 * Whether a batch may go in parts: large, no rule of the entity looks across records, and no record
 * carries a nested object (those are written together, level by level, across the whole batch).
 */
export function inParts(
  entity: Entity,
  sent: readonly unknown[],
  mode: SaveMode,
  size: number = PART_SIZE,
): boolean {
  if (sent.length <= size || mode === 'update') return false;
  if (!rulesOf(entity.name).every((rule) => rule.perRecord === true)) return false;
  // A record may reference another of the same batch, which another part would not hold yet.
  if (entity.refs.some((ref) => ref.target === entity)) return false;
  const embeds = entity.refs.flatMap((ref) => (ref.spec.embed ? [ref.spec.embed.field] : []));
  if (!embeds.length) return true;
  return !sent.some((body) => isObject(body) && embeds.some((field) => isObject(body[field])));
}

/** The parts of a batch, each the indexes of its records (in id order, then in the order sent). */
export function partsOf(sent: readonly unknown[], size: number = PART_SIZE): number[][] {
  const keyed = sent.map((body, index) => ({ index, id: idOf(body) }));
  keyed.sort((a, b) => {
    if (a.id === b.id) return a.index - b.index;
    if (a.id === undefined) return 1;
    if (b.id === undefined) return -1;
    return a.id < b.id ? -1 : 1;
  });
  const parts: number[][] = [];
  let part: number[] = [];
  let previous: string | undefined;
  for (const { index, id } of keyed) {
    // A part ends at its size, but never between two records of one id.
    if (part.length >= size && (id === undefined || id !== previous)) {
      parts.push(part);
      part = [];
    }
    part.push(index);
    previous = id;
  }
  if (part.length) parts.push(part);
  return parts;
}

/** Adds a part's outcome to the batch's, its indexes turned back into the batch's. */
export function mergePart(into: SaveOutcome, part: readonly number[], outcome: SaveOutcome): void {
  outcome.results.forEach((result, i) => {
    const { superseded_by: winner, ...rest } = result;
    into.results[part[i]!] = {
      ...rest,
      index: part[i]!,
      ...(winner === undefined ? {} : { superseded_by: part[winner]! }),
    };
  });
  for (const [i, failure] of outcome.failures) into.failures.set(part[i]!, failure);
  for (const [i, row] of outcome.rows) into.rows.set(part[i]!, row);
}
