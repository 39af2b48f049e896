import { startBanner } from '../../../runtime/banner';

test('the banner lists every URL under aligned names, with the development key when it is the one in use', () => {
  const banner = startBanner(
    { API: 'http://localhost:3000', 'Mailbox (email)': 'http://localhost:3000/dev/outbox' },
    'dev-key',
  );
  expect(banner.split('\n')).toEqual([
    '',
    '  inviteflow is running (Ctrl-C stops it)',
    '',
    '  API              http://localhost:3000',
    '  Mailbox (email)  http://localhost:3000/dev/outbox',
    '  API key          dev-key',
    '',
    '',
  ]);
});

test('a configured API key is not printed', () => {
  expect(startBanner({ API: 'http://localhost:3000' }, undefined)).not.toContain('API key');
});
