/**
 * The business rules hook into the one save pipeline (`save.ts`) per entity. Hooks work on the
 * whole set of records of a request at once (one query for all of them, not one per record), so a
 * single Save and a 10,000-record SaveMultiple obey the same rules at the same cost per record.
 */
import type { Executor } from '../db/database.js';
import type { Row } from '../db/records.js';
import type { Entity } from '../schema/registry.js';
import type { FieldError } from '../schema/validate.js';

export type SaveMode = 'insert' | 'update' | 'upsert';

/** One record on its way through the pipeline. */
export interface Pending {
  readonly index: number;
  /** The validated body as sent (keys and nested objects included). */
  readonly input: Row;
  /** Writable column values, references resolved. Rules may change them. */
  values: Row;
  failed: boolean;
}

export interface RuleContext {
  readonly tx: Executor;
  readonly entity: Entity;
  readonly mode: SaveMode;
  /** Marks a record failed; `status` is what a single-record route answers (400, 409, 422). */
  fail(pending: Pending, status: number, errors: FieldError[], code?: string, message?: string): void;
}

export interface WrittenRecord {
  readonly pending: Pending;
  readonly status: 'created' | 'updated' | 'unchanged';
}

export interface EntityRules {
  /** Checks and derived values, before anything of these records is written. */
  beforeWrite?(ctx: RuleContext, records: Pending[]): Promise<void>;
  /** Consequences in other entities, in the same transaction, after the records are written. */
  afterWrite?(ctx: RuleContext, records: WrittenRecord[]): Promise<void>;
}
