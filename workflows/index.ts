export { invitationWorkflow } from './invitation';
export { webhookDeliveryWorkflow } from './webhook-delivery';
