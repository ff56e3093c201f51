// The wire protocol codec: everything other layers may use from src/wire/.
export * from './types.js';
export { crc32c } from './crc32c.js';
export { decodeMessage, decodeMessageAsync } from './decode.js';
export { encodeMessage, encodeMessageAsync } from './encode.js';
export { MessageFramer } from './framer.js';
export { HEADER_SIZE, nextRequestId, readMessageLength, readOpCode, readRequestId, readResponseTo } from './header.js';
export { receivedDocuments, type ReceivedDocuments } from './decode-op-msg.js';
