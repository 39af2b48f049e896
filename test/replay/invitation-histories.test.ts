import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { inviteflowDataConverter } from '../../runtime/data-converter';
import { encryptedEncoding } from '../../runtime/payload-codec';
import { testServers } from '../support/servers';
import { captureKeys } from './capture-histories';
import { historyFromJson } from './history-json';

/**
 * Histories written by committed workflow code (see capture-histories.ts), replayed against the
 * workflow code of this checkout: a change that would break runs already in flight, such as a
 * new, removed or reordered activity, timer or search-attribute upsert without `patched()`, fails
 * here with the name of the history it breaks. Payloads are encrypted with the capture's key, and
 * the replay reads them through the production codec.
 */
const historiesDir = join(__dirname, 'histories');
const saved = readdirSync(historiesDir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({
    workflowId: basename(file, '.json'),
    history: historyFromJson(JSON.parse(readFileSync(join(historiesDir, file), 'utf8'))),
  }));

test('the saved histories cover the invitation and webhook workflows', () => {
  const types = new Set(
    saved.map(({ history }) => history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name),
  );
  expect([...types].sort()).toEqual(['invitationWorkflow', 'webhookDispatcherWorkflow']);
});

test('a saved history has its payloads encrypted, so replay goes through the codec', () => {
  const encrypted = saved.find(({ workflowId }) => workflowId === 'invitation-accepted')!;
  const [input] = encrypted.history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
  expect(Buffer.from(input!.metadata!.encoding!).toString()).toBe(encryptedEncoding);
});

test('every saved history replays deterministically against the current workflow code', async () => {
  const replayed: string[] = [];
  const failures: string[] = [];
  const results = Worker.runReplayHistories(
    {
      workflowBundle: { codePath: testServers().workflowBundlePath },
      replayName: 'saved-histories',
      dataConverter: inviteflowDataConverter(captureKeys()),
    },
    saved,
  );
  for await (const { workflowId, error } of results) {
    replayed.push(workflowId);
    if (error) failures.push(`${workflowId}: ${error.name}: ${error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toEqual(saved.map(({ workflowId }) => workflowId));
});
