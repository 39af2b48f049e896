import { DAY, HOUR } from '../../../domain/duration';
import { lastEvent, transition } from '../../../domain/invitation';
import {
  at,
  iso,
  SENT_AT,
  EXPIRES_AT,
  pending,
  pendingForAna,
  expired,
  stateIn,
} from '../../support/invitation-states';
import { violationOf } from '../../support/thrown';

describe('change', () => {
  test('replaces roles and groups and records `changed` with the actor', () => {
    const next = transition(pending(), { type: 'change', roles: ['admin'], groups: [], by: 'user-bob' }, at(2 * HOUR));

    expect(next).toMatchObject({ status: 'pending', roles: ['admin'], groups: [] });
    expect(lastEvent(next)).toEqual({ seq: 3, type: 'changed', at: iso(2 * HOUR), by: 'user-bob' });
  });

  test('a field left out keeps its value; without `by` there is no actor', () => {
    const next = transition(pending(), { type: 'change', groups: ['sales'] }, at(2 * HOUR));

    expect(next).toMatchObject({ roles: ['member'], groups: ['sales'] });
    expect(lastEvent(next).by).toBeNull();
  });

  test('changes neither the status, the sends nor the expiry', () => {
    const state = pending();
    const next = transition(state, { type: 'change', roles: ['admin'] }, at(2 * HOUR));

    expect({ ...next, roles: state.roles, events: state.events }).toEqual(state);
  });

  test('a change to what the invitation already has changes nothing and records nothing', () => {
    const state = pending();

    expect(transition(state, { type: 'change', roles: ['member'], groups: ['engineering'] }, at(2 * HOUR))).toBe(state);
    expect(transition(state, { type: 'change', roles: ['member'] }, at(2 * HOUR))).toBe(state);
  });

  test('the accepted membership takes the latest roles and groups from the state', () => {
    const changed = transition(pending(), { type: 'change', roles: ['admin'], groups: ['ops'] }, at(2 * HOUR));
    const accepted = transition(changed, { type: 'accept', userId: 'user-ana' }, at(3 * HOUR));

    expect(accepted).toMatchObject({ status: 'accepted', roles: ['admin'], groups: ['ops'] });
  });

  test('allowed on an expired invitation, and on a pending one past its expiry before the timer fired', () => {
    expect(transition(expired(), { type: 'change', roles: ['admin'] }, at(EXPIRES_AT + DAY)).status).toBe('expired');
    expect(transition(pending(), { type: 'change', roles: ['admin'] }, at(EXPIRES_AT + DAY)).status).toBe('pending');
  });

  test.each([
    ['accepted', 'invitation_already_accepted'],
    ['declined', 'invitation_declined'],
    ['revoked', 'invitation_revoked'],
  ] as const)('refused once %s (%s), even when it would change nothing', (status, code) => {
    const state = stateIn(status);

    expect(violationOf(() => transition(state, { type: 'change', roles: state.roles }, at(EXPIRES_AT))).code).toBe(
      code,
    );
  });
});

describe('erasure', () => {
  test('forgets email, phone and name, keeps the status, dates and user id, and is recorded once', () => {
    const before = pendingForAna();
    const erased = transition(before, { type: 'erase', by: 'user-bob' }, at(SENT_AT + HOUR));

    expect(erased.invitee).toEqual({ email: null, phone: null, name: null, userId: 'user-ana', phoneConsent: false });
    expect(erased).toMatchObject({ status: 'pending', expiresAt: before.expiresAt, erasedAt: iso(SENT_AT + HOUR) });
    expect(erased.events.at(-1)).toMatchObject({ type: 'erased', by: 'user-bob' });
    expect(transition(erased, { type: 'erase' }, at(SENT_AT + 2 * HOUR))).toBe(erased);
  });

  test('an accepted invitation can be erased too', () => {
    const accepted = transition(pending(), { type: 'accept', userId: 'user-ana' }, at(SENT_AT + HOUR));

    expect(transition(accepted, { type: 'erase' }, at(SENT_AT + 2 * HOUR)).status).toBe('accepted');
  });
});
