// The store interface: a small document-collection API that MongoDB (through the official
// driver), FerretDB v1 and the embedded store all implement with the same semantics.
//
// Rules (docs/registry.md):
// - Only single-document atomic writes. Uniqueness comes from `_id` alone (FerretDB v1 has
//   no partial unique indexes); a value that must be unique is claimed by a document whose
//   `_id` is that value.
// - Filters and updates are the subset of MongoDB's query language typed below, with
//   MongoDB's semantics (an equality on an array field matches when the array contains the
//   value; a missing field never equals a value; `$exists: false` matches a missing field).
// - Times are epoch milliseconds (numbers) everywhere, so comparisons mean the same in every store.
// - Documents are plain JSON values: strings, finite numbers, booleans, null, arrays, objects
//   (no Date, no ObjectId, no undefined inside arrays). Properties whose value is `undefined`
//   are dropped on insert, as JSON.stringify does. FerretDB v1 refuses arrays directly inside
//   arrays and field names that are empty, start with '$' or contain '.', so every store does.
// - Field paths are dot-separated names of letters, digits, '_' and '-'; array positions
//   ("a.0") are not supported. A path that crosses an array looks into each element, as in
//   MongoDB ("numbers.e164" matches a member any of whose numbers has that e164).
// - Sort fields hold one type per collection (numbers or strings; missing and null sort
//   first). Ties are broken by `_id` ascending in every store, so results are deterministic;
//   findOneAndUpdate/findOneAndDelete without a sort act on the smallest matching `_id`.

export type Id = string | number;

export interface Doc {
  _id: Id;
}

export type Scalar = string | number | boolean | null;

export type FieldCondition =
  | Scalar
  | {
      $eq?: Scalar;
      $ne?: Scalar;
      $in?: Scalar[];
      $nin?: Scalar[];
      $lt?: string | number;
      $lte?: string | number;
      $gt?: string | number;
      $gte?: string | number;
      $exists?: boolean;
      /** A JavaScript/PCRE-compatible pattern without flags; keep to ^ $ . [] * + ? {} | () and escapes. */
      $regex?: string;
    };

/** Keys are field paths in dot notation ("reservation.expiresAt"), plus $and / $or. */
export type Filter = {
  [path: string]: FieldCondition | Filter[] | undefined;
  $and?: Filter[];
  $or?: Filter[];
};

export type Update = {
  $set?: Record<string, unknown>;
  $unset?: Record<string, true | 1 | ''>;
  $inc?: Record<string, number>;
  /** Appends one value to an array field (created when missing). */
  $push?: Record<string, unknown>;
  /**
   * Removes every element equal to a scalar value; for an object value, removes every element
   * that is an object whose listed fields equal the given values (MongoDB's rule: the object
   * is a query on the elements, so other fields of the element do not matter).
   */
  $pull?: Record<string, Scalar | Record<string, unknown>>;
  /** Applied only when an upsert inserts. */
  $setOnInsert?: Record<string, unknown>;
};

export type Sort = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: Sort;
  /** At most this many documents; 0 or absent: no limit. */
  limit?: number;
  skip?: number;
}

export interface FindOneAndUpdateOptions {
  /** Which image to return; default 'after'. */
  returnDocument?: 'before' | 'after';
  /**
   * Insert when nothing matches: the new document is built from the filter's equality
   * conditions, then $setOnInsert, then the update (MongoDB's rules). The `_id` must come
   * from the filter (an equality) or from $setOnInsert: stores never invent ids.
   * Concurrent upserts of one `_id` are serialised: each either updates the document the
   * other inserted or, when that document does not match its filter, gets a DuplicateKeyError.
   */
  upsert?: boolean;
  sort?: Sort;
}

/** One write of findOneAndUpdateEach: a findOneAndUpdate of the document its filter pins by `_id`. */
export interface UpdateEachOp {
  filter: Filter;
  update: Update;
  options?: Pick<FindOneAndUpdateOptions, 'returnDocument' | 'upsert'>;
}

/** What one write of a batch did: what findOneAndUpdate would have returned, or the error it failed with. */
export type EachResult<T> = { ok: true; doc: T | null } | { ok: false; error: StoreError };

export interface InsertManyResult {
  inserted: number;
  /** `_id`s that already existed; those documents are left unchanged. */
  duplicates: Id[];
}

export interface Collection<T extends Doc> {
  readonly name: string;
  get(id: Id): Promise<T | null>;
  findOne(filter: Filter, options?: FindOptions): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  /** Throws DuplicateKeyError when `_id` exists. */
  insert(doc: T): Promise<void>;
  /** Unordered: inserts what it can, reports duplicates, never throws for them. */
  insertMany(docs: T[]): Promise<InsertManyResult>;
  /** The single atomic read-modify-write every state change is built on. Null when nothing matched (and no upsert). */
  findOneAndUpdate(filter: Filter, update: Update, options?: FindOneAndUpdateOptions): Promise<T | null>;
  /**
   * Many findOneAndUpdate at once: a batch of independent single-document writes, NOT a
   * transaction. Every filter pins one `_id` (an equality; UnsupportedQueryError before anything
   * is written otherwise). Each write is atomic on its own with findOneAndUpdate's semantics;
   * writes to the same `_id` apply in the given order, others in any order; one that fails has
   * its error in its result and does not stop the others. Results are in the writes' order.
   * The embedded store commits the whole batch at once (one sync; a crash keeps all of it or
   * none); MongoDB runs the writes concurrently (a crash or an outage may leave any subset
   * applied: the results say which). Rejects only when the store failed as a whole (the
   * embedded store's commit: then nothing was written).
   */
  findOneAndUpdateEach(ops: readonly UpdateEachOp[]): Promise<EachResult<T>[]>;
  /** Replaces the whole document when the filter matches; returns the new document or null. */
  findOneAndReplace(filter: Filter, doc: T): Promise<T | null>;
  /** Deletes one matching document and returns it, or null. */
  findOneAndDelete(filter: Filter): Promise<T | null>;
  deleteMany(filter: Filter): Promise<number>;
}

export interface IndexSpec {
  /** Field paths in order, 1 ascending / -1 descending. Never unique: see the rules above. */
  fields: Record<string, 1 | -1>;
}

export interface Store {
  /** 'embedded' or 'mongodb', for logs and /readyz. */
  readonly kind: 'embedded' | 'mongodb';
  collection<T extends Doc>(name: string): Collection<T>;
  /** Creates the collections and indexes of the schema; idempotent, run at start. */
  ensureSchema(schema: Record<string, IndexSpec[]>): Promise<void>;
  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  /**
   * False while the store knows its server does not answer: operations then fail at once with
   * StoreUnavailableError, and callers (the API) can refuse work without trying. Absent or true
   * otherwise (the embedded store has no server to lose).
   */
  available?(): boolean;
  close(): Promise<void>;
}

export class StoreError extends Error {
  override name = 'StoreError';
}

/** A write would create a second document with the same `_id`. */
export class DuplicateKeyError extends StoreError {
  override name = 'DuplicateKeyError';
  readonly collection: string;
  readonly id: Id | undefined;
  constructor(collection: string, id: Id | undefined) {
    super(`registry: ${collection}: duplicate _id ${id === undefined ? '' : JSON.stringify(id)}`.trimEnd());
    this.collection = collection;
    this.id = id;
  }
}

export class StoreUnavailableError extends StoreError {
  override name = 'StoreUnavailableError';
}

/** A filter or update outside the supported subset: a programming error, caught by the contract tests. */
export class UnsupportedQueryError extends StoreError {
  override name = 'UnsupportedQueryError';
}

/** An update that cannot apply to the stored document: $inc on a string, $push on a non-array, a path through a scalar. */
export class InvalidUpdateError extends StoreError {
  override name = 'InvalidUpdateError';
}
