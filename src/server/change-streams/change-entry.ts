// One committed change as the change log keeps it (mongod's oplog entry, in
// the shape change streams need). Document images are the stored BSON bytes,
// shared with storage (never written to), so recording a write copies nothing.
import type { Document, Long, Timestamp, UUID } from '../../bson.js';
import type { CollectionStore } from '../storage/collection.js';
import type { UpdateDescription } from './update-description.js';

export type DataChangeKind = 'insert' | 'update' | 'replace' | 'delete';
export type CommandChangeKind = 'drop' | 'rename' | 'dropDatabase' | 'create' | 'createIndexes' | 'dropIndexes' | 'modify' | 'shardCollection';
export type ChangeKind = DataChangeKind | CommandChangeKind;

/** Event types shown only to streams opened with showExpandedEvents. */
export const EXPANDED_KINDS: ReadonlySet<ChangeKind> = new Set<ChangeKind>(['create', 'createIndexes', 'dropIndexes', 'modify', 'shardCollection']);

export type NamespaceType = 'collection' | 'timeseries' | 'view';

export interface Namespace {
  readonly db: string;
  /** Absent for database-wide entries (dropDatabase). */
  readonly coll?: string;
}

export interface ChangeEntry {
  readonly position: number;
  readonly clusterTime: Timestamp;
  readonly wallTime: Date;
  readonly kind: ChangeKind;
  readonly ns: Namespace;
  /** The collection's UUID (absent for views and dropDatabase). */
  readonly uuid?: UUID;
  /**
   * A view's (or time-series collection's) create/modify/drop: mongod logs those as writes to
   * system.views, which streams report only with showExpandedEvents and without collectionUUID.
   */
  readonly isView?: boolean;
  /** create: what the namespace is (mongod 8.1+ reports it as nsType with showExpandedEvents). */
  readonly nsType?: NamespaceType;
  /** The document before the change (update, replace, delete). */
  readonly before?: Uint8Array;
  /** The document after the change (insert, update, replace). */
  readonly after?: Uint8Array;
  /** changeStreamPreAndPostImages was enabled when the write happened: before/after may be shown as images. */
  readonly imagesRecorded?: boolean;
  /** Set when the write was part of a transaction. */
  readonly lsid?: Document;
  readonly txnNumber?: Long;
  /** An update's modifier document (its `u`), when it was one: updateDescription follows its paths. */
  readonly update?: Document;
  /** A pipeline update's description, from the delta mongod would log (computed when recorded). */
  readonly updateDescription?: UpdateDescription;
  /** rename's target namespace. */
  readonly to?: Namespace;
  /** DDL events' operationDescription (showExpandedEvents). */
  readonly operationDescription?: Document;
  /** modify's stateBeforeChange. */
  readonly stateBeforeChange?: Document;
  /**
   * drop / rename: the collection object that held the namespace before the change
   * (rename: the one moved; its data stays in it), so snapshot reads can look back past it.
   */
  readonly collection?: CollectionStore;
  /** rename with dropTarget: the collection the rename replaced. */
  readonly replaced?: CollectionStore;
}

/** What a caller records; the log adds position, times and shared fields. */
export type ChangeRecord = Omit<ChangeEntry, 'position' | 'clusterTime' | 'wallTime'>;
