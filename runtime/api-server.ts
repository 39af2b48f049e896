import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import { createApp } from '../api/app';
import type { ApiContext } from '../api/context';

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(
  ctx: ApiContext,
  port: number,
  extraRoutes: RequestHandler[] = [],
): Promise<ApiServer> {
  const app = createApp(ctx, { extraRoutes });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, () => resolve(listening)).once('error', reject);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
