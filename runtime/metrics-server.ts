import { createServer, type Server } from 'node:http';
import { metricsContentType, metricsText } from './metrics-text';

/** `/metrics` for a process without the API (`inviteflow worker`), so its activities and the SDK are scraped too. */
export async function startMetricsServer(port: number, sdkMetricsUrl?: string): Promise<{ close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metricsText(sdkMetricsUrl).then(
      (text) => res.writeHead(200, { 'content-type': metricsContentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  return { close: () => new Promise((resolve) => server.close(() => resolve())) };
}
