// Fast, exact BSON encoding for the driver's hot paths (inserted documents, command bodies).
export { encodePlainDocument, type EncodeTarget } from './encoder.js';
