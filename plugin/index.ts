export { createInviteflowPlugin, InviteflowPlugin } from './plugin';
export type { InviteflowPluginOptions } from './options';
export { InviteflowInputError } from './validation';
export {
  acceptInvitation,
  getInvitation,
  resendInvitation,
  revokeInvitation,
  startInvitation,
  type StartInvitationInput,
} from './invitations';
export { inviteflowDataConverter } from '../runtime/data-converter';
export { payloadKeys } from '../runtime/payload-codec';
export { RuleViolation } from '../domain/error-codes';
export type { InvitationView } from '../domain/invitation-view';
export type { Workspace } from '../domain/workspace';
