/**
 * The business rules hook into the one save pipeline (`save.ts`) and the delete path
 * (`delete.ts`). Each entity has a list of named rules, each doing one thing at one moment (before
 * the write, after it, before a delete); adding a rule adds an entry to the list. Rules work on the whole
 * set of records of a request at once (one query for all of them, not one per record), so a single
 * Save and a 10,000-record SaveMultiple obey the same rules at the same cost per record.
 */
import type { ErrorCode } from '../contract/errors.js';
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

/** Why a record is refused: a code of the error table, the fields at fault, a message. */
export interface Failure {
  code: ErrorCode;
  errors: FieldError[];
  message?: string | undefined;
}

export interface RuleContext {
  readonly tx: Executor;
  readonly entity: Entity;
  readonly mode: SaveMode;
  /** Marks a record failed (the first failure of a record is the one reported). */
  fail(pending: Pending, failure: Failure): void;
  /** The stored rows of these records (by id), read once per request however many rules ask. */
  stored(records: readonly Pending[]): Promise<Map<string, Row>>;
}

export interface WrittenRecord {
  readonly pending: Pending;
  readonly status: 'created' | 'updated' | 'unchanged';
}

export interface DeleteContext {
  readonly tx: Executor;
  readonly entity: Entity;
}

/** One named rule; it has exactly one of the three moments. */
export type Rule = {
  readonly name: string;
  /**
   * What the rule decides for a record depends on that record and on what is stored, never on the
   * other records of the request, and the rule only reads: a large batch may then go through the
   * pipeline in parts, the rule running for a part while the part before it is written.
   */
  readonly perRecord?: true;
} & (
  | {
      /** Checks and derived values, before anything of these records is written. */
      beforeWrite(ctx: RuleContext, records: Pending[]): Promise<void>;
    }
  | {
      /** Consequences in other entities, in the same transaction, after the records are written. */
      afterWrite(ctx: RuleContext, records: WrittenRecord[]): Promise<void>;
    }
  | {
      /** What must go before these records (by id) are deleted, in the same transaction. */
      beforeDelete(ctx: DeleteContext, ids: string[]): Promise<void>;
    }
);
