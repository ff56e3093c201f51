// The unified runner's bucket entity for mongrove: GridFS operations over GridFSBucket.
import type { Document } from '../../../src/bson.js';
import { GridFSBucket, type Db, type GridFSBucketOptions } from '../../../src/index.js';
import { UnsupportedOperationError, type BucketHandle, type OperationArgs } from '../adapter.js';
import { handleOptions, optionsOf, required } from './mongrove-convert.js';

export function createMongroveBucket(db: Db, options: Document | undefined): MongroveBucket {
  return new MongroveBucket(new GridFSBucket(db, handleOptions(options) as GridFSBucketOptions | undefined));
}

export class MongroveBucket implements BucketHandle {
  readonly kind = 'bucket';
  constructor(readonly driver: GridFSBucket) {}

  async run(name: string, args: OperationArgs): Promise<unknown> {
    const b = this.driver;
    switch (name) {
      case 'upload':
      case 'uploadWithId': {
        const source = required<Uint8Array>(args, 'source', name);
        const filename = required<string>(args, 'filename', name);
        const options = optionsOf(name, args, ['id', 'filename', 'source']);
        const stream = name === 'upload' ? b.openUploadStream(filename, options) : b.openUploadStreamWithId(required(args, 'id', name), filename, options);
        await new Promise<void>((resolve, reject) => {
          stream.once('finish', () => resolve());
          stream.once('error', reject);
          stream.end(Buffer.from(source));
        });
        return stream.id;
      }
      case 'download':
      case 'downloadByName': {
        const stream = name === 'download'
          ? b.openDownloadStream(required(args, 'id', name), optionsOf(name, args, ['id']))
          : b.openDownloadStreamByName(required(args, 'filename', name), optionsOf(name, args, ['filename']));
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      }
      case 'delete':
        await b.delete(required(args, 'id', name), optionsOf(name, args, ['id']));
        return undefined;
      case 'deleteByName':
        await b.deleteByName(required(args, 'filename', name));
        return undefined;
      case 'rename':
        await b.rename(required(args, 'id', name), required(args, 'newFilename', name), optionsOf(name, args, ['id', 'newFilename']));
        return undefined;
      case 'renameByName':
        await b.renameByName(required(args, 'filename', name), required(args, 'newFilename', name));
        return undefined;
      case 'drop':
        await b.drop(optionsOf(name, args));
        return undefined;
      case 'find':
        return b.find((args.filter ?? {}) as Document, optionsOf(name, args, ['filter'])).toArray();
      default:
        throw new UnsupportedOperationError('bucket', name);
    }
  }
}
