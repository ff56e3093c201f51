// One raw OP_MSG connection to one node: each command runs exactly where it is sent, with no
// driver retrying, selecting servers or reacting to errors in between.
import type { Document } from '../../../src/bson.js';
import { encodeMessage, OP_MSG, type DecodedOpMsg } from '../../../src/wire/index.js';
import { RawClient } from './raw-client.js';

export class RawConnection {
  private requestId = 0;

  private constructor(private readonly raw: RawClient) {}

  static async open(port: number): Promise<RawConnection> {
    return new RawConnection(await RawClient.open(port));
  }

  /** Sends `body` to `dbName` (default admin) and resolves with the reply's body. */
  async run(body: Document, dbName = 'admin'): Promise<Document> {
    const requestId = ++this.requestId;
    this.raw.send(encodeMessage({ opCode: OP_MSG, requestId, responseTo: 0, body: { ...body, $db: dbName } }));
    const replies = await this.raw.messages(requestId);
    const reply = replies.find((message) => message.responseTo === requestId);
    if (reply === undefined) throw new Error(`no reply to request ${requestId}`);
    return (reply as DecodedOpMsg).body();
  }

  get isOpen(): boolean {
    return !this.raw.socket.destroyed;
  }

  close(): void {
    this.raw.close();
  }
}
