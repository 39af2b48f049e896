import { createServer } from 'node:net';

/**
 * Asks the OS for a TCP port that is free on loopback right now. The port is
 * released before returning, so another process could take it in between;
 * that window is small enough for starting local dev and test servers.
 */
export async function freePort(): Promise<number> {
  return listenOnce(0);
}

/**
 * A free port in [min, max], for servers that keep ports where the OS's
 * ephemeral range does not fit (the Temporal server stores membership ports
 * as a signed 16-bit number).
 */
export async function freePortBetween(min: number, max: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = min + Math.floor(Math.random() * (max - min + 1));
    try {
      return await listenOnce(port);
    } catch {
      // Taken: try another.
    }
  }
  throw new Error(`no free port between ${min} and ${max} after 100 tries`);
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error(`Expected a TCP address, got ${String(address)}`));
      });
    });
  });
}
