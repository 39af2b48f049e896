import { SyntaxErrorException } from '@mikro-orm/core';
import { ApplicationFailure } from '@temporalio/common';
import { withSqlScrubbed } from '../../../activities/database-failure';

test('a database error reaches workflow history by kind and SQLSTATE only', async () => {
  const cause = Object.assign(new Error("insert into bulk_rows values ('ana@example.org')"), { code: '42601' });
  const failing = withSqlScrubbed('starting a bulk batch', () => Promise.reject(new SyntaxErrorException(cause)));

  const failure = await failing(undefined).catch((error: unknown) => error);

  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect((failure as ApplicationFailure).message).toBe(
    'starting a bulk batch failed (SyntaxErrorException, SQLSTATE 42601)',
  );
  expect((failure as ApplicationFailure).nonRetryable).toBe(false);
});

test('other errors pass as they are', async () => {
  const other = new Error('temporal unreachable');

  await expect(withSqlScrubbed('starting a bulk batch', () => Promise.reject(other))(undefined)).rejects.toBe(other);
});
