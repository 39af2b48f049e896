import { newBulkRows, workspaceFindings, type KnownContacts } from '../../../domain/bulk-findings';
import type { CheckedBulkRow } from '../../../domain/bulk-input';

const row = (line: number, contact: { email?: string; phone?: string }, problem: CheckedBulkRow['problem'] = null) => ({
  line,
  email: contact.email ?? null,
  phone: contact.phone ?? null,
  name: null,
  roles: ['member'],
  groups: [],
  problem,
  message: problem && 'explained',
});

const nobody: KnownContacts = { openBy: new Map(), memberKeys: new Set(), seatsLeft: null };

describe('workspaceFindings', () => {
  test('a member is already_member even while an invitation of theirs is open', () => {
    const found = workspaceFindings([row(1, { email: 'Ada@Example.com' })], {
      ...nobody,
      openBy: new Map([['email:ada@example.com', 'inv_open']]),
      memberKeys: new Set(['email:ada@example.com']),
    });
    expect([...found]).toEqual([[1, { code: 'already_member' }]]);
  });

  test('an open invitation for either contact of the row holds it', () => {
    const found = workspaceFindings([row(2, { email: 'new@example.com', phone: '+33612345678' })], {
      ...nobody,
      openBy: new Map([['phone:+33612345678', 'inv_phone']]),
    });
    expect([...found]).toEqual([[2, { code: 'already_invited', invitationId: 'inv_phone' }]]);
  });

  test('seats go to the valid rows in line order; refused rows and known people take none', () => {
    const rows = [
      row(1, { email: 'bad' }, 'invalid_email'),
      row(2, { email: 'member@example.com' }),
      row(3, { email: 'a@example.com' }),
      row(4, { email: 'b@example.com' }),
      row(5, { email: 'c@example.com' }),
    ];
    const found = workspaceFindings(rows, {
      ...nobody,
      memberKeys: new Set(['email:member@example.com']),
      seatsLeft: 2,
    });
    expect([...found]).toEqual([
      [2, { code: 'already_member' }],
      [5, { code: 'seat_limit_reached' }],
    ]);
  });

  test('no seat left refuses every new person; no limit refuses none', () => {
    const rows = [row(1, { email: 'a@example.com' }), row(2, { email: 'b@example.com' })];
    expect(workspaceFindings(rows, { ...nobody, seatsLeft: 0 }).size).toBe(2);
    expect(workspaceFindings(rows, nobody).size).toBe(0);
  });
});

describe('newBulkRows', () => {
  test("a row's own problem wins, a finding refuses it, and only the rest are pending", () => {
    const ids = ['inv_1', 'inv_2', 'inv_3'];
    const stored = newBulkRows(
      [
        row(1, { email: 'bad' }, 'invalid_email'),
        row(2, { email: 'held@example.com' }),
        row(3, { email: 'ok@example.com' }),
      ],
      new Map([[2, { code: 'already_invited', invitationId: 'inv_held' }]]),
      () => ids.shift()!,
    );
    expect(stored.map(({ line, outcome, code, invitationId }) => ({ line, outcome, code, invitationId }))).toEqual([
      { line: 1, outcome: 'failed', code: 'invalid_email', invitationId: 'inv_1' },
      { line: 2, outcome: 'failed', code: 'already_invited', invitationId: 'inv_held' },
      { line: 3, outcome: 'pending', code: null, invitationId: 'inv_2' },
    ]);
  });
});
