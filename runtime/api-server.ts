import { STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RequestHandler } from 'express';
import { createApp } from '../api/app';
import type { ApiContext } from '../api/context';
import { Problem, problemDocument } from '../api/problem';

export interface ApiServer {
  url: string;
  /** The address it listens on, `::` for every interface. */
  address: string;
  close(): Promise<void>;
}

/**
 * Requests Node's parser refuses before Express sees them (headers over its
 * limit, a malformed request line) get a problem+json like every other
 * refusal, not Node's bare status line.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new Problem('headers_too_large', 'the request headers are larger than the server accepts')
      : new Problem('malformed_request', 'the request is not valid HTTP/1.1');
  const body = problemDocument(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
      'content-type: application/problem+json\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}

export async function startApiServer(
  ctx: ApiContext,
  { port, host }: { port: number; host?: string },
  extraRoutes: RequestHandler[] = [],
): Promise<ApiServer> {
  const app = createApp(ctx, { extraRoutes });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = (
      host === undefined ? app.listen(port, () => resolve(listening)) : app.listen(port, host, () => resolve(listening))
    ).once('error', reject);
  });
  server.on('clientError', answerClientError);
  const { port: bound, address } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${bound}`,
    address,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
