import { errorCodes } from '../../../domain/error-codes';
import { HOUR } from '../../../domain/duration';
import { checkCommand, lastEvent, transition, type InvitationCommand } from '../../../domain/invitation';
import { at, iso, TTL, SENT_AT, pending, requested, stateIn } from '../../support/invitation-states';
import { violationOf } from '../../support/thrown';

describe('invite requests', () => {
  test('request: `created`, then `requested` by the member who asked; nothing sent, no expiry', () => {
    const state = requested();

    expect(state).toMatchObject({ status: 'requested', sendCount: 0, lastSentAt: null, expiresAt: null });
    expect(state.events).toEqual([
      { seq: 1, type: 'created', at: iso(0), by: 'user-mo' },
      { seq: 2, type: 'requested', at: iso(0), by: 'user-mo' },
    ]);
  });

  test('approve: sent like a send, with the approver as the actor, and its expiry clock starts', () => {
    const next = transition(requested(), { type: 'approve', by: 'user-bob' }, at(SENT_AT));

    expect(next).toMatchObject({
      status: 'pending',
      sendCount: 1,
      lastSentAt: iso(SENT_AT),
      expiresAt: iso(SENT_AT + TTL),
    });
    expect(lastEvent(next)).toEqual({ seq: 3, type: 'sent', at: iso(SENT_AT), by: 'user-bob' });
  });

  test('approve is held to the roles the invitation holds when it applies, against what the approver may grant', () => {
    const state = requested();
    const grantingAll: InvitationCommand = { type: 'approve', by: 'user-bob', grantable: [...state.roles] };
    expect(transition(state, grantingAll, at(SENT_AT)).status).toBe('pending');
    const changed = transition(state, { type: 'change', roles: ['viewer', 'admin'] }, at(SENT_AT));
    const refused = violationOf(() => checkCommand(changed, { ...grantingAll, grantable: ['viewer'] }, at(SENT_AT)));
    expect([refused.code, refused.field]).toEqual(['role_not_grantable', '/roles/1']);
  });

  test('an approved request is accepted like any sent invitation', () => {
    const approved = transition(requested(), { type: 'approve', by: 'user-bob' }, at(SENT_AT));

    expect(transition(approved, { type: 'accept', userId: 'user-ana' }, at(SENT_AT + HOUR)).status).toBe('accepted');
  });

  test('reject: revoked, with its own `rejected` event by the approver; the link then says revoked', () => {
    const next = transition(requested(), { type: 'reject', by: 'user-bob' }, at(HOUR));

    expect(next.status).toBe('revoked');
    expect(lastEvent(next)).toEqual({ seq: 3, type: 'rejected', at: iso(HOUR), by: 'user-bob' });
    expect(violationOf(() => transition(next, { type: 'accept', userId: 'user-ana' }, at(2 * HOUR))).code).toBe(
      'invitation_revoked',
    );
  });

  test('a requested invitation cannot be accepted, sent or resent before approval', () => {
    for (const command of [{ type: 'accept', userId: 'user-ana' }, { type: 'send' }, { type: 'resend' }] as const) {
      expect(violationOf(() => transition(requested(), command, at(HOUR))).message).toContain('waits for approval');
    }
  });

  test.each(['registered', 'pending', 'expired'] as const)(
    'approving or rejecting a %s invitation, which nobody asked for, is refused',
    (status) => {
      for (const type of ['approve', 'reject'] as const) {
        const violation = violationOf(() => checkCommand(stateIn(status), { type, by: 'user-bob' }, at(SENT_AT)));
        expect(violation.code).toBe('invitation_not_requested');
        expect(violation.message).toBe(`cannot ${type} an invitation that nobody asked for`);
        expect(errorCodes[violation.code]).toBe(409);
      }
    },
  );

  test('the same request cannot be decided twice', () => {
    const approved = transition(requested(), { type: 'approve', by: 'user-bob' }, at(HOUR));
    const rejected = transition(requested(), { type: 'reject', by: 'user-bob' }, at(HOUR));

    expect(violationOf(() => transition(approved, { type: 'reject' }, at(2 * HOUR))).code).toBe(
      'invitation_not_requested',
    );
    expect(violationOf(() => transition(rejected, { type: 'approve' }, at(2 * HOUR))).code).toBe('invitation_revoked');
  });

  test('the request command is the workflow’s, at creation: refused once the invitation was sent', () => {
    expect(violationOf(() => transition(pending(), { type: 'request' }, at(SENT_AT + 1))).code).toBe(
      'invitation_already_sent',
    );
  });
});
