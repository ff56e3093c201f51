// The options every cursor kind shares (find, aggregate, list*, change streams).
import type { TimeoutMode } from '../csot.js';

export interface CursorOptions {
  batchSize?: number;
  /** The server applies it; the client stops asking (and kills the cursor) once reached. */
  limit?: number;
  maxAwaitTimeMS?: number;
  comment?: unknown;
  tailable?: boolean;
  /** A tailable cursor whose getMores wait for new documents (maxAwaitTimeMS applies). */
  awaitData?: boolean;
  session?: unknown;
  /**
   * CSOT: whether timeoutMS caps the cursor's whole life (default for non-tailable cursors)
   * or applies afresh to the opening command and each next() (tailable cursors' only mode).
   */
  timeoutMode?: TimeoutMode;
}
