import * as workflows from '../../../workflows';
import { webhookDispatcherWorkflowType } from '../../../workflows/webhook-dispatcher-messages';

test('a workflow started by name names one the worker registers', () => {
  expect(Object.keys(workflows)).toContain(webhookDispatcherWorkflowType);
});
