// The client (1.0.0-beta.24) builds an upload's multipart body with the npm `form-data` stream. Node's own fetch
// (Node 18 and later) cannot send such a stream and sends the text "[object FormData]" instead, so on these Node
// versions no upload works, whatever the server. This shim, loaded before the client, hands fetch that stream
// as a web stream. It changes nothing the client puts on the wire; it only makes Node send it.
import { PassThrough, Readable } from 'node:stream';

const NodeRequest = globalThis.Request;

globalThis.Request = class extends NodeRequest {
  constructor(input, init) {
    const body = init?.body;
    if (body && typeof body.getBoundary === 'function' && typeof body.pipe === 'function') {
      const stream = new PassThrough();
      body.pipe(stream);
      init = { ...init, body: Readable.toWeb(stream), duplex: 'half' };
    }
    super(input, init);
  }
};
