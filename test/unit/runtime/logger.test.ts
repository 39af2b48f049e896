import { Writable } from 'node:stream';
import { SyntaxErrorException } from '@mikro-orm/core';
import { createLogger, logFormat, type LogFormat } from '../../../runtime/logger';

function capturedLogger(format: LogFormat = 'json') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger('info', 'test', destination, format), lines };
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

test('logs are readable lines at a terminal and JSON anywhere else, unless LOG_FORMAT says', () => {
  expect(logFormat(undefined, { isTTY: true })).toBe('pretty');
  expect(logFormat(undefined, { isTTY: false })).toBe('json');
  expect(logFormat(undefined, {})).toBe('json');
  expect(logFormat('json', { isTTY: true })).toBe('json');
  expect(logFormat('pretty', { isTTY: false })).toBe('pretty');
});

test('a readable line says its level and message, and redacts like JSON', () => {
  const { log, lines } = capturedLogger('pretty');
  log.info({ email: 'ana@example.org', invitationId: 'inv_1' }, 'invitation sent');
  const text = lines.join('');
  expect(() => JSON.parse(text) as unknown).toThrow();
  expect(text).toMatch(/INFO.*invitation sent/);
  expect(text).toContain('inv_1');
  expect(text).toContain('[redacted]');
  expect(text).not.toContain('ana@example.org');
});
