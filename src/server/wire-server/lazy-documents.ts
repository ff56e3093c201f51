// insert's `documents` as the command body carries them: an array whose elements are
// deserialized only when something reads them. The insert handler asks for the bytes of
// each element no one has read (nor replaced) and stores those bytes as they are, so a
// large insert is never decoded and re-encoded; every other reader (lock waits,
// retryable-write splitting, validation errors) sees an ordinary array of documents.
import type { Document } from '../../bson.js';
import type { ReceivedDocuments } from '../../wire/index.js';

interface LazyState {
  readonly received: ReceivedDocuments;
  /** The proxied array: an element is present once it has been read. */
  readonly target: Document[];
  /** Set once anything writes to the array: from then on its elements are what it holds. */
  touched: boolean;
}

const states = new WeakMap<object, LazyState>();

function indexOf(property: string | symbol, length: number): number {
  if (typeof property !== 'string') return -1;
  const index = Number(property);
  return Number.isInteger(index) && index >= 0 && index < length && String(index) === property ? index : -1;
}

/** An array of `received`'s documents, each deserialized on first read. */
export function lazyDocumentArray(received: ReceivedDocuments): Document[] {
  const target: Document[] = new Array<Document>(received.raw.length);
  const state: LazyState = { received, target, touched: false };
  const fill = (index: number): void => {
    if (!Object.hasOwn(target, index)) target[index] = received.documentAt(index);
  };
  const fillAll = (): void => {
    for (let i = 0; i < target.length; i++) fill(i);
  };
  const proxy = new Proxy(target, {
    get(array, property, receiver) {
      const index = indexOf(property, array.length);
      if (index >= 0) fill(index);
      return Reflect.get(array, property, receiver) as unknown;
    },
    has(array, property) {
      return indexOf(property, array.length) >= 0 || Reflect.has(array, property);
    },
    getOwnPropertyDescriptor(array, property) {
      const index = indexOf(property, array.length);
      if (index >= 0) fill(index);
      return Reflect.getOwnPropertyDescriptor(array, property);
    },
    ownKeys(array) {
      fillAll();
      return Reflect.ownKeys(array);
    },
    set(array, property, value, receiver) {
      fillAll();
      state.touched = true;
      return Reflect.set(array, property, value, receiver);
    },
    defineProperty(array, property, descriptor) {
      fillAll();
      state.touched = true;
      return Reflect.defineProperty(array, property, descriptor);
    },
    deleteProperty(array, property) {
      fillAll();
      state.touched = true;
      return Reflect.deleteProperty(array, property);
    },
  });
  states.set(proxy, state);
  return proxy;
}

/**
 * The bytes of element `index` of a lazy array when they may be stored in its place:
 * the element was never read (so nothing could have changed it) and the array was never
 * written to. Undefined otherwise (and for any other array): use the element itself.
 */
export function unreadDocumentBytes(documents: readonly unknown[], index: number): Uint8Array | undefined {
  const state = states.get(documents);
  if (state === undefined || state.touched) return undefined;
  return Object.hasOwn(state.target, index) ? undefined : state.received.raw[index];
}
