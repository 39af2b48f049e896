export { invitationWorkflow } from './invitation';
export { webhookDeliveryWorkflow } from './webhook-delivery';
export { bulkImportWorkflow } from './bulk-import';
