import { SMTPServer } from 'smtp-server';
import { freePort } from '../../embedded/free-port';

export interface Arrivals {
  url: string;
  /** When each recipient's first message arrived. */
  arrivals: Map<string, number>;
  /** How many messages each recipient received: more than one is a double send. */
  counts: Map<string, number>;
  stop(): Promise<void>;
}

/** A real SMTP server that only notes when each recipient's message arrived: the bench must not be its own bottleneck. */
export async function startArrivals(): Promise<Arrivals> {
  const arrivals = new Map<string, number>();
  const counts = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        for (const { address } of session.envelope.rcptTo) {
          if (!arrivals.has(address)) arrivals.set(address, Date.now());
          counts.set(address, (counts.get(address) ?? 0) + 1);
        }
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    arrivals,
    counts,
    stop: () => new Promise((done) => server.close(() => done())),
  };
}
