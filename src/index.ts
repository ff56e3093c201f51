export * from './errors.js';
export * as bson from './bson.js';
