// The client's side of a cursor's batches: documents received but not yet handed out,
// and the getMore already sent for the next batch (prefetched while the application
// handles the last buffered document).
import type { Document } from '../../bson.js';
import type { CursorResponse } from '../operations/cursor-response.js';

export class CursorBuffer {
  private batch: Document[] = [];
  private position = 0;
  private prefetched: Promise<CursorResponse> | undefined;

  get count(): number {
    return this.batch.length - this.position;
  }

  /** The next buffered document; callers check `count` first. */
  shift(): Document {
    const doc = this.batch[this.position++];
    if (this.position === this.batch.length) this.clear();
    return doc;
  }

  /** A new batch joins the documents not handed out yet. */
  append(docs: Document[]): void {
    this.batch = this.count > 0 ? this.batch.slice(this.position).concat(docs) : docs;
    this.position = 0;
  }

  clear(): void {
    this.batch = [];
    this.position = 0;
  }

  get prefetching(): boolean {
    return this.prefetched !== undefined;
  }

  /** Keeps a getMore sent ahead; its failure surfaces when the reply is taken. */
  prefetch(reply: Promise<CursorResponse>): void {
    reply.catch(() => {});
    this.prefetched = reply;
  }

  /** The prefetched getMore, if any, handed over once. */
  takePrefetched(): Promise<CursorResponse> | undefined {
    const reply = this.prefetched;
    this.prefetched = undefined;
    return reply;
  }
}
