import { Writable } from 'node:stream';

/** A writable that keeps what a command line printed, for its test to read. */
export function capturedStream(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return { stream, text: () => text };
}
