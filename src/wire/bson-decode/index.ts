// Fast, exact BSON decoding for the driver's hot paths (cursor batches, command replies).
export { decodeDocument, decodeDocumentSequence } from './decoder.js';
export { decodeCursorBatch, type DecodedCursorBatch } from './cursor-batch.js';
