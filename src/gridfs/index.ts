// The GridFS layer's public surface (re-exported by src/index.ts).
export { GridFSBucket, type GridFSUploadSource } from './bucket.js';
export { GridFSBucketReadStream } from './download.js';
export { GridFSBucketWriteStream } from './upload.js';
export {
  DEFAULT_CHUNK_SIZE_BYTES,
  type GridFSBucketOptions,
  type GridFSChunk,
  type GridFSDownloadByNameOptions,
  type GridFSDownloadOptions,
  type GridFSFile,
  type GridFSFileId,
  type GridFSFindOptions,
  type GridFSSessionOption,
  type GridFSUploadOptions,
} from './types.js';
