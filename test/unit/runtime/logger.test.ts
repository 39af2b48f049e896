import { Writable } from 'node:stream';
import { SyntaxErrorException } from '@mikro-orm/core';
import { createLogger } from '../../../runtime/logger';

function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger('info', 'test', destination), lines };
}

test('a database error is logged by kind and SQLSTATE, never with the SQL and its parameters', () => {
  const { log, lines } = capturedLogger();
  const cause = Object.assign(new Error("insert into bulk_rows values ('ana@example.org', '+33612345678')"), {
    code: '42601',
  });
  const error = new SyntaxErrorException(cause);

  log.error({ err: error }, 'unhandled error');

  expect(lines.join('')).not.toContain('ana@example.org');
  expect(lines.join('')).not.toContain('+33612345678');
  expect(JSON.parse(lines[0]!).err).toMatchObject({ type: 'SyntaxErrorException', code: '42601' });
});

test('other errors keep their message and stack', () => {
  const { log, lines } = capturedLogger();

  log.error({ err: new Error('temporal unreachable') }, 'unhandled error');

  expect(JSON.parse(lines[0]!).err).toMatchObject({ type: 'Error', message: 'temporal unreachable' });
  expect(JSON.parse(lines[0]!).err.stack).toContain('temporal unreachable');
});
