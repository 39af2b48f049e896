export { invitationWorkflow } from './invitation';
export { webhookDispatcherWorkflow } from './webhook-dispatcher';
export { bulkImportWorkflow } from './bulk-import';
export { membershipWorkflow } from './membership';
