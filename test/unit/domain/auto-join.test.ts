import { autoJoinOf, emailDomain } from '../../../domain/auto-join';
import { workspaceSettingsSchema } from '../../../domain/workspace';

const settings = workspaceSettingsSchema.parse({
  autoJoin: { domains: ['acme.example', 'acme-labs.example'], mode: 'join', role: 'member' },
});

test('the domain of an address is what follows its last @, in lower case', () => {
  expect(emailDomain('Ana@ACME.example')).toBe('acme.example');
  expect(emailDomain('"a@b"@acme.example')).toBe('acme.example');
});

test('a verified email of a listed domain joins with the workspace role', () => {
  expect(autoJoinOf(settings, { email: 'ana@Acme.Example', emailVerified: true })).toEqual(settings.autoJoin);
  expect(autoJoinOf(settings, { email: 'bo@acme-labs.example', emailVerified: true })).toEqual(settings.autoJoin);
});

test.each([
  ['an unverified email', { email: 'ana@acme.example', emailVerified: false }],
  ['no email', { email: undefined, emailVerified: true }],
  ['another domain', { email: 'ana@other.example', emailVerified: true }],
  ['a subdomain the host did not vouch for', { email: 'ana@eu.acme.example', emailVerified: true }],
  ['a domain that ends like a listed one', { email: 'ana@notacme.example', emailVerified: true }],
])('%s does not', (_case, registration) => {
  expect(autoJoinOf(settings, registration)).toBeNull();
});

test('without autoJoin nobody joins by domain', () => {
  expect(autoJoinOf(workspaceSettingsSchema.parse({}), { email: 'ana@acme.example', emailVerified: true })).toBeNull();
});

describe('the autoJoin setting', () => {
  const issues = (autoJoin: unknown) =>
    workspaceSettingsSchema.safeParse({ autoJoin }).error?.issues.map((issue) => issue.path.join('.'));

  test.each(['Acme.example', 'acme', 'acme.example.', '-acme.example', 'ac me.example', '*.acme.example'])(
    'the domain %s is refused',
    (domain) => {
      expect(issues({ domains: [domain], mode: 'join', role: 'member' })).toEqual(['autoJoin.domains.0']);
    },
  );

  test('needs at least one domain, a known mode and one of the workspace roles', () => {
    expect(issues({ domains: [], mode: 'join', role: 'member' })).toEqual(['autoJoin.domains']);
    expect(issues({ domains: ['acme.example'], mode: 'invite', role: 'member' })).toEqual(['autoJoin.mode']);
    expect(issues({ domains: ['acme.example'], mode: 'join', role: 'owner' })).toEqual(['autoJoin.role']);
  });
});
