import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../config/config';
import { temporalSecurity } from '../../../runtime/temporal-connection';

const security = (env: Record<string, string>) => temporalSecurity(loadConfig(env));

test('a local dev server needs neither TLS nor credentials', () => {
  expect(security({})).toEqual({});
});

test('an API key (Temporal Cloud) goes with TLS', () => {
  expect(security({ TEMPORAL_API_KEY: 'cloud-key' })).toEqual({ tls: true, apiKey: 'cloud-key' });
});

test('TEMPORAL_TLS alone connects with TLS and no client certificate', () => {
  expect(security({ TEMPORAL_TLS: 'true' })).toEqual({ tls: true });
  expect(() => security({ TEMPORAL_TLS: 'yes' })).toThrow(/TEMPORAL_TLS/);
});

test('mTLS reads the certificate pair from its files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inviteflow-tls-'));
  writeFileSync(join(dir, 'client.pem'), 'CERT');
  writeFileSync(join(dir, 'client.key'), 'KEY');
  const { tls } = security({ TEMPORAL_TLS_CERT: join(dir, 'client.pem'), TEMPORAL_TLS_KEY: join(dir, 'client.key') });
  expect(tls).toEqual({ clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') } });
});

test('half a certificate pair or an unreadable file stops the start, naming the variable', () => {
  expect(() => security({ TEMPORAL_TLS_CERT: '/nowhere/client.pem' })).toThrow(
    new ConfigError('invalid configuration: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together'),
  );
  expect(() => security({ TEMPORAL_TLS_CERT: '/nowhere/client.pem', TEMPORAL_TLS_KEY: '/nowhere/client.key' })).toThrow(
    /TEMPORAL_TLS_CERT cannot be read \(ENOENT\)/,
  );
});
