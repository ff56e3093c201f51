// PLACEHOLDER: the storage engine's entry point (databases, collections, indexes).
export class Storage {}
