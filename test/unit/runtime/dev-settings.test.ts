import { loadConfig } from '../../../config/config';
import { devSettings } from '../../../runtime/dev-stack';

describe('devSettings', () => {
  test('the API listens on this machine only unless HOST says otherwise: the outbox shows tokens', () => {
    expect(devSettings(loadConfig({})).HOST).toBe('127.0.0.1');
    expect(devSettings(loadConfig({ HOST: '0.0.0.0' })).HOST).toBe('0.0.0.0');
  });

  test('webhooks may reach receivers on this machine, besides the networks allowed', () => {
    expect(devSettings(loadConfig({ WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/8' })).WEBHOOK_ALLOWED_NETWORKS).toEqual([
      '10.0.0.0/8',
      '127.0.0.0/8',
      '::1',
    ]);
  });
});
