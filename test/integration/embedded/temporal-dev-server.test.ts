import { createServer, type Server } from 'node:net';
import { Connection } from '@temporalio/client';
import { freePort } from '../../../embedded/free-port';
import { ensureTemporalCli } from '../../../embedded/temporal-binaries';
import { startTemporalDevServer, TemporalDevServerStartError } from '../../../embedded/temporal-dev-server';

describe('temporal dev server', () => {
  beforeAll(async () => {
    // Installing on a cold cache downloads ~45 MB; keep that out of the startup timings below.
    await ensureTemporalCli();
  }, 120_000);

  it('serves the default namespace with the custom search attributes registered', async () => {
    const server = await startTemporalDevServer({ headless: true, searchAttributes: { InvitationStatus: 'Keyword' } });
    try {
      expect(server.uiUrl).toBeNull();
      const connection = await Connection.connect({ address: server.address });
      try {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
        expect(customAttributes).toHaveProperty('InvitationStatus');
        // 2 is INDEXED_VALUE_TYPE_KEYWORD in the Temporal API enum.
        expect(customAttributes?.InvitationStatus).toBe(2);
      } finally {
        await connection.close();
      }
    } finally {
      await server.stop();
    }
    const afterStop = Connection.lazy({ address: server.address, connectTimeout: 1_000 });
    try {
      await expect(afterStop.ensureConnected()).rejects.toThrow();
    } finally {
      await afterStop.close();
    }
  });

  it('rejects with the server output when the process dies during startup', async () => {
    const port = await freePort();
    const squatter: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const start = startTemporalDevServer({ port, headless: true });
      await expect(start).rejects.toBeInstanceOf(TemporalDevServerStartError);
      await expect(start).rejects.toThrow(/address already in use/);
    } finally {
      squatter.close();
    }
  });
});
