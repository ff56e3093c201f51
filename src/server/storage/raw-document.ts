// A stored document's BSON bytes handed out as is (find without projection):
// replies splice the bytes in instead of serializing a copy of the object. The
// bytes are never written to once stored, so sharing them keeps copy semantics.
import type { Document } from '../../bson.js';
import { decode } from './values.js';

export class RawDocument {
  constructor(readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  /** A fresh object (canonical form) for consumers that need one. */
  toDocument(): Document {
    return decode(this.bytes);
  }
}

/** What cursors hold and batches carry: documents, or stored bytes. */
export type CursorDocument = Document | RawDocument;

export function materialize(doc: CursorDocument): Document {
  return doc instanceof RawDocument ? doc.toDocument() : doc;
}
