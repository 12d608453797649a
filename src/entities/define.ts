/**
 * The vocabulary of the entity registry. Every entity is declared once with these types; storage,
 * validation, JSON/XML, OpenAPI and help pages are derived from the declarations by the
 * interpreters in `src/schema/`.
 */

/** Scalar field types, named after what the help pages show (globally unique identifier, ...). */
export type ScalarType = 'uuid' | 'string' | 'integer' | 'decimal' | 'boolean' | 'datetime';

/** Fields the server or the database maintains; such fields are ignored on input. */
export type SystemRole =
  /** Set by the database on every insert and update (the sync field). */
  | 'modified'
  /** Automatic number per tenant, given on insert. */
  | 'autoNumber'
  /** Creation time: the given value or now on insert, never changed after (writable on insert only). */
  | 'created'
  /** Last update time, kept by the server on every write. */
  | 'updated'
  /** Version of the row: a new number on every write (optimistic concurrency, sync order). */
  | 'version'
  /** Kept by the server from other records (a count of lines); a value sent is ignored. */
  | 'kept';

/** A closed list of values. */
export interface EnumSpec {
  readonly values: readonly string[];
  /** The list binds when a record is created only (a later update may give other values). */
  readonly onCreateOnly?: boolean;
}

/** How a foreign key may be given besides its `<x>_id` column. */
export interface RefSpec {
  /** Target entity (its table name). Must be in the registry. */
  readonly entity: string;
  /** Input field carrying the target's ERP key (`code` or `reference_back_office`). */
  readonly key?: {
    readonly field: string;
    readonly description?: string;
    readonly example?: string;
    /** The closed list of keys this field accepts. */
    readonly enum?: EnumSpec;
  };
  /** Input field carrying the target as a nested object (embedded entity). */
  readonly embed?: { readonly field: string; readonly description?: string };
  /** "Optionally required": the id, the key or the embedded object must be provided. */
  readonly optionallyRequired?: boolean;
}

export interface ScalarField {
  readonly type: ScalarType;
  readonly description?: string;
  /** Must be given, non-null, on create (and on a full update). */
  readonly required?: boolean;
  /** Strings: maximum number of characters (column `varchar(n)`); without it the column is `text`. */
  readonly maxLength?: number;
  /** Regular expression the value must match (for decimals: their plain text form). */
  readonly pattern?: string;
  /** The closed list of values the field accepts. */
  readonly enum?: EnumSpec;
  /** Inclusive numeric range. */
  readonly minimum?: number;
  readonly maximum?: number;
  /** Maintained by the server or the database; ignored on input. */
  readonly system?: SystemRole;
  /** Not a column: computed when the record is read, ignored on input. */
  readonly computed?: boolean;
  /** SQL expression of a computed field, over the entity's row aliased `t`. */
  readonly computedSql?: string;
  /** Foreign key to another entity of the registry. */
  readonly ref?: RefSpec;
  /**
   * The value stored rows get when the column becomes NOT NULL (a required field added to an
   * entity, or a field made required): the migration fills it in before the constraint applies.
   */
  readonly backfill?: string | number | boolean;
}

/** A list of small records kept inside the owning record (e.g. `translations`). */
export interface ListField {
  readonly type: 'list';
  readonly description?: string;
  /** Element name of one item in XML (DataContract item name). */
  readonly item: string;
  readonly fields: Readonly<Record<string, ScalarField>>;
}

export type FieldSpec = ScalarField | ListField;

export interface EntitySpec {
  /** Entity name as the original service calls it: table name, XML root element, model name. */
  readonly name: string;
  /** Route segment of the original service (`api/<route>`). */
  readonly route: string;
  /** Further accepted route segments (e.g. `Users` beside `User`). */
  readonly routeAliases?: readonly string[];
  readonly description: string;
  /** The ERP primary key, unique per tenant (and per sales organization where the entity has one). */
  readonly erpKey?: 'code' | 'reference_back_office';
  /**
   * A field (an automatic number) that stands for the ERP key of a record that has none: wherever
   * the ERP key is accepted, a record with an empty key is also found by this number.
   */
  readonly erpKeyFallback?: string;
  /** Fields in documented order, `id` first. */
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /** Secondary indexes beyond those of the ERP key, references and sync (each within the tenant). */
  readonly indexes?: readonly IndexSpec[];
}

export interface IndexSpec {
  /** Columns after the tenant, in order. */
  readonly fields: readonly string[];
  readonly unique?: boolean;
}

export function defineEntity<const T extends EntitySpec>(spec: T): T {
  return spec;
}

/** The primary key every entity has; the client may supply it. */
export const idField = { type: 'uuid', description: 'Primary Key' } as const satisfies ScalarField;

/** The sync field every entity has. */
export const modifiedField = {
  type: 'datetime',
  description: 'Readonly system field managed by database, filled with GetUtcDate when adding,updating',
  system: 'modified',
} as const satisfies ScalarField;

/** The version every entity has; the registry adds it to each entity. */
export const versionField = {
  type: 'integer',
  description:
    'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change',
  system: 'version',
} as const satisfies ScalarField;

/** Translations of text fields, as the original embeds them in articles and equipment models. */
export const translationsField = {
  type: 'list',
  item: 'translation',
  description: 'Translations of the text fields of this record',
  fields: {
    field_name: {
      type: 'string',
      description: 'Name of the translated field',
      maxLength: 100,
      required: true,
    },
    language_code: {
      type: 'string',
      description: 'Language code (e.g. fr, nl-BE)',
      maxLength: 50,
      required: true,
    },
    value_translated: { type: 'string', description: 'Translated value', maxLength: 4000 },
  },
} as const satisfies ListField;
