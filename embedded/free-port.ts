import { createServer } from 'node:net';

/**
 * Asks the OS for a TCP port that is free on loopback right now. The port is
 * released before returning, so another process could take it in between;
 * that window is small enough for starting local dev and test servers.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error(`Expected a TCP address, got ${String(address)}`));
      });
    });
  });
}
