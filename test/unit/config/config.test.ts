import {
  ConfigError,
  joinAttemptLimits,
  loadConfig,
  publicBaseUrl,
  requireSettings,
  emailEventSettings,
  twilioSettings,
} from '../../../config/config';
import { generateKeyPairSync } from 'node:crypto';
import { thrownBy } from '../../support/thrown';

const secret = 's'.repeat(32);

/** The ConfigError `fn` throws; fails the test when it throws nothing or something else. */
const configErrorOf = (fn: () => unknown): ConfigError => thrownBy(ConfigError, fn);

describe('loadConfig', () => {
  test('an empty environment gets the defaults, and leaves service addresses unset', () => {
    expect(loadConfig({})).toEqual({
      PORT: 3000,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_SERVER: 'dev',
      TEMPORAL_TASK_QUEUE: 'inviteflow',
      TEMPORAL_REQUEST_TIMEOUT_MS: 10_000,
      TEMPORAL_TLS: 'false',
      MAIL_FROM: 'inviteflow <no-reply@inviteflow.local>',
      JOIN_ATTEMPTS_PER_VISITOR: 10,
      JOIN_ATTEMPTS_PER_USER: 10,
      JOIN_ATTEMPTS_PER_WORKSPACE: 100,
      JOIN_ATTEMPTS_GLOBAL: 1000,
      JOIN_ATTEMPT_WINDOW: '15m',
      WEBHOOK_ALLOWED_NETWORKS: [],
      CODEC_CORS_ORIGINS: [],
      SES_SNS_TOPIC_ARNS: [],
      SNS_SERVICE_ORIGINS: [],
      WORKER_MAX_CACHED_WORKFLOWS: 100,
      METRICS_PORT: 9464,
      LOG_LEVEL: 'info',
    });
  });

  test('reads every setting it knows, with numbers as numbers', () => {
    const env = {
      PORT: '8080',
      PUBLIC_BASE_URL: 'https://invites.example.com',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      TEMPORAL_SERVER: 'server',
      TEMPORAL_TASK_QUEUE: 'invites',
      TEMPORAL_REQUEST_TIMEOUT_MS: '2500',
      TEMPORAL_API_KEY: 'cloud-key',
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_CERT: '/etc/inviteflow/client.pem',
      TEMPORAL_TLS_KEY: '/etc/inviteflow/client.key',
      DATABASE_URL: 'postgres://inviteflow:pw@db.internal:5432/inviteflow',
      SMTP_URL: 'smtps://user:pw@smtp.example.com:465',
      MAIL_FROM: 'Acme <invites@acme.example>',
      TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`,
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_FROM: '+15005550006',
      TWILIO_API_URL: 'http://localhost:4010',
      INVITEFLOW_API_KEY: 'k'.repeat(16),
      INVITEFLOW_SECRET: secret,
      JOIN_ATTEMPTS_PER_VISITOR: '5',
      JOIN_ATTEMPTS_PER_USER: '6',
      JOIN_ATTEMPTS_PER_WORKSPACE: '50',
      JOIN_ATTEMPTS_GLOBAL: '500',
      JOIN_ATTEMPT_WINDOW: '1h',
      WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/8, ::1',
      PAYLOAD_KEYS: `k2:${'A'.repeat(43)}=,k1:${'B'.repeat(43)}=`,
      CODEC_CORS_ORIGINS: 'https://temporal.example.com, http://localhost:8233',
      WORKER_MAX_CACHED_WORKFLOWS: '200',
      METRICS_PORT: '9100',
      LOG_LEVEL: 'debug',
    };

    expect(loadConfig(env)).toEqual({
      ...env,
      SES_SNS_TOPIC_ARNS: [],
      SNS_SERVICE_ORIGINS: [],
      PORT: 8080,
      TEMPORAL_REQUEST_TIMEOUT_MS: 2500,
      JOIN_ATTEMPTS_PER_VISITOR: 5,
      JOIN_ATTEMPTS_PER_USER: 6,
      JOIN_ATTEMPTS_PER_WORKSPACE: 50,
      JOIN_ATTEMPTS_GLOBAL: 500,
      WEBHOOK_ALLOWED_NETWORKS: ['10.0.0.0/8', '::1'],
      PAYLOAD_KEYS: [
        { id: 'k2', key: new Uint8Array(Buffer.from(`${'A'.repeat(43)}=`, 'base64')) },
        { id: 'k1', key: new Uint8Array(Buffer.from(`${'B'.repeat(43)}=`, 'base64')) },
      ],
      CODEC_CORS_ORIGINS: ['https://temporal.example.com', 'http://localhost:8233'],
      WORKER_MAX_CACHED_WORKFLOWS: 200,
      METRICS_PORT: 9100,
    });
  });

  test('ignores variables it does not know', () => {
    const config = loadConfig({ HOME: '/root', PATH: '/usr/bin', PORT: '4000' });

    expect(config).not.toHaveProperty('HOME');
    expect(config).not.toHaveProperty('PATH');
    expect(config.PORT).toBe(4000);
  });

  test('empty strings count as unset: defaults apply and optional settings stay undefined', () => {
    const config = loadConfig({
      PORT: '',
      TEMPORAL_NAMESPACE: '',
      TEMPORAL_TASK_QUEUE: '',
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      INVITEFLOW_SECRET: '',
      LOG_LEVEL: '',
    });

    expect(config).toEqual(loadConfig({}));
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.INVITEFLOW_SECRET).toBeUndefined();
  });

  test('reads process.env when no environment is given', () => {
    const saved = process.env.TEMPORAL_TASK_QUEUE;
    process.env.TEMPORAL_TASK_QUEUE = 'from-process-env';
    try {
      expect(loadConfig().TEMPORAL_TASK_QUEUE).toBe('from-process-env');
    } finally {
      if (saved === undefined) delete process.env.TEMPORAL_TASK_QUEUE;
      else process.env.TEMPORAL_TASK_QUEUE = saved;
    }
  });

  test.each(['postgres://u@localhost/db', 'postgresql://u:p@localhost:5432/db'])(
    'DATABASE_URL %s is accepted',
    (url) => {
      expect(loadConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    },
  );

  test.each(['0', '65535'])('PORT %s is accepted', (port) => {
    expect(loadConfig({ PORT: port }).PORT).toBe(Number(port));
  });

  describe('a wrong value throws a ConfigError naming the variable', () => {
    test.each([
      ['PORT', 'abc'],
      ['PORT', '70000'],
      ['PORT', '-1'],
      ['PORT', '80.5'],
      ['PUBLIC_BASE_URL', 'ftp://invites.example.com'],
      ['TEMPORAL_ADDRESS', 'localhost'],
      ['TEMPORAL_ADDRESS', 'http://localhost:7233'],
      ['DATABASE_URL', 'mysql://x'],
      ['DATABASE_URL', 'not a url'],
      ['SMTP_URL', 'http://smtp.example.com'],
      ['MAIL_FROM', 'x'],
      ['TWILIO_ACCOUNT_SID', 'AC123'],
      ['TWILIO_API_URL', 'ws://localhost'],
      ['INVITEFLOW_API_KEY', 'short'],
      ['INVITEFLOW_SECRET', 's'.repeat(31)],
      ['JOIN_ATTEMPTS_PER_VISITOR', '0'],
      ['JOIN_ATTEMPTS_GLOBAL', '1.5'],
      ['JOIN_ATTEMPT_WINDOW', 'soon'],
      ['LOG_LEVEL', 'verbose'],
      ['PAYLOAD_KEYS', 'k1'],
      ['PAYLOAD_KEYS', `k1:${'A'.repeat(40)}=`],
      ['PAYLOAD_KEYS', `k1:${'A'.repeat(43)}=,k1:${'B'.repeat(43)}=`],
      ['PAYLOAD_KEYS', `s1:${'A'.repeat(43)}=`],
      ['CODEC_CORS_ORIGINS', 'https://temporal.example.com/'],
      ['CODEC_CORS_ORIGINS', 'temporal.example.com'],
    ])('%s=%j', (name, value) => {
      const error = configErrorOf(() => loadConfig({ [name]: value }));

      expect(error.name).toBe('ConfigError');
      expect(error.message.startsWith('invalid configuration:\n')).toBe(true);
      expect(error.message).toContain(`  ${name}: `);
    });

    test('the message carries the rule for the secret and the API key', () => {
      expect(configErrorOf(() => loadConfig({ INVITEFLOW_SECRET: 'too-short' })).message).toBe(
        'invalid configuration:\n  INVITEFLOW_SECRET: must be at least 32 characters',
      );
      expect(configErrorOf(() => loadConfig({ INVITEFLOW_API_KEY: 'too-short' })).message).toBe(
        'invalid configuration:\n  INVITEFLOW_API_KEY: must be at least 16 characters',
      );
      expect(configErrorOf(() => loadConfig({ TEMPORAL_ADDRESS: 'localhost' })).message).toBe(
        'invalid configuration:\n  TEMPORAL_ADDRESS: must be host:port',
      );
    });

    test('a wrong PAYLOAD_KEYS is explained without repeating the keys', () => {
      const message = configErrorOf(() => loadConfig({ PAYLOAD_KEYS: 'k1:not-a-key' })).message;

      expect(message).toBe(
        'invalid configuration:\n  PAYLOAD_KEYS: must be comma-separated id:key pairs, each key 32 bytes in base64 (openssl rand -base64 32)',
      );
      expect(message).not.toContain('not-a-key');
    });

    test('every wrong variable is named, one per line', () => {
      const error = configErrorOf(() =>
        loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', INVITEFLOW_SECRET: 'short' }),
      );
      const lines = error.message.split('\n');

      expect(lines[0]).toBe('invalid configuration:');
      expect(lines.slice(1).map((line) => line.split(':')[0]!.trim())).toEqual([
        'PORT',
        'DATABASE_URL',
        'INVITEFLOW_SECRET',
      ]);
    });

    test('a right value beside a wrong one is not named', () => {
      const error = configErrorOf(() => loadConfig({ PORT: '8080', DATABASE_URL: 'mysql://x' }));

      expect(error.message).not.toContain('PORT');
    });

    test('PORT=" " (blank) is refused rather than read as port 0', () => {
      expect(configErrorOf(() => loadConfig({ PORT: ' ' })).message).toContain('PORT');
    });
  });
});

describe('requireSettings', () => {
  test('returns the very same config when the settings are set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@localhost/db', TEMPORAL_ADDRESS: 'localhost:7233' });

    const required = requireSettings(config, ['DATABASE_URL', 'TEMPORAL_ADDRESS']);

    expect(required).toBe(config);
    expect(required.DATABASE_URL).toBe('postgres://u@localhost/db');
  });

  test('names every missing setting, in the order asked', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'localhost:7233' });

    const error = configErrorOf(() =>
      requireSettings(config, ['INVITEFLOW_SECRET', 'TEMPORAL_ADDRESS', 'DATABASE_URL']),
    );

    expect(error.message).toBe('missing configuration: INVITEFLOW_SECRET, DATABASE_URL must be set');
  });

  test('a setting given as an empty string is missing', () => {
    const config = loadConfig({ DATABASE_URL: '' });

    expect(configErrorOf(() => requireSettings(config, ['DATABASE_URL'])).message).toBe(
      'missing configuration: DATABASE_URL must be set',
    );
  });

  test('settings with defaults are never missing', () => {
    expect(() => requireSettings(loadConfig({}), ['PORT', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE'])).not.toThrow();
  });

  test('asking for nothing passes', () => {
    expect(() => requireSettings(loadConfig({}), [])).not.toThrow();
  });
});

describe('publicBaseUrl', () => {
  test('defaults to localhost on the default port', () => {
    expect(publicBaseUrl(loadConfig({}))).toBe('http://localhost:3000');
  });

  test('follows PORT when PUBLIC_BASE_URL is unset', () => {
    expect(publicBaseUrl(loadConfig({ PORT: '8080' }))).toBe('http://localhost:8080');
  });

  test('is PUBLIC_BASE_URL, as given, when set', () => {
    expect(publicBaseUrl(loadConfig({ PORT: '8080', PUBLIC_BASE_URL: 'https://invites.example.com/base/' }))).toBe(
      'https://invites.example.com/base/',
    );
  });
});

describe('twilioSettings', () => {
  const accountSid = `AC${'ab'.repeat(16)}`;

  test('is null when no Twilio variable is set: SMS is off', () => {
    expect(twilioSettings(loadConfig({}))).toBeNull();
  });

  test('gathers the account, token, sender and optional base URL', () => {
    const env = { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: 'MG123' };

    expect(twilioSettings(loadConfig(env))).toEqual({ accountSid, authToken: 'token', from: 'MG123' });
    expect(twilioSettings(loadConfig({ ...env, TWILIO_API_URL: 'http://127.0.0.1:4010' }))?.apiUrl).toBe(
      'http://127.0.0.1:4010',
    );
  });

  test('half a configuration names what is missing instead of silently sending no SMS', () => {
    expect(configErrorOf(() => twilioSettings(loadConfig({ TWILIO_ACCOUNT_SID: accountSid }))).message).toBe(
      'missing configuration: TWILIO_AUTH_TOKEN, TWILIO_FROM must be set',
    );
  });
});

describe('joinAttemptLimits', () => {
  test('a workspace cap that could fill the global one stops the start', () => {
    for (const perWorkspace of ['1000', '2000']) {
      expect(() => loadConfig({ JOIN_ATTEMPTS_PER_WORKSPACE: perWorkspace })).toThrow(
        /JOIN_ATTEMPTS_PER_WORKSPACE: must be below JOIN_ATTEMPTS_GLOBAL/,
      );
    }
    expect(loadConfig({ JOIN_ATTEMPTS_PER_WORKSPACE: '999' }).JOIN_ATTEMPTS_PER_WORKSPACE).toBe(999);
  });

  test('the caps per kind of key, and the window in milliseconds', () => {
    expect(joinAttemptLimits(loadConfig({}))).toEqual({
      caps: { visitor: 10, user: 10, workspace: 100, global: 1000 },
      windowMs: 900_000,
    });
    expect(joinAttemptLimits(loadConfig({ JOIN_ATTEMPTS_PER_USER: '3', JOIN_ATTEMPT_WINDOW: '2h' }))).toEqual({
      caps: { visitor: 10, user: 3, workspace: 100, global: 1000 },
      windowMs: 7_200_000,
    });
  });
});

describe('emailEventSettings', () => {
  const ecKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .publicKey.export({ format: 'der', type: 'spki' })
    .toString('base64');

  test("no provider is configured by default; the Message-ID domain is MAIL_FROM's", () => {
    expect(emailEventSettings(loadConfig({ MAIL_FROM: 'Acme <invites@acme.example>' }))).toEqual({
      messageIdDomain: 'acme.example',
      ses: null,
      sendgrid: null,
      postmark: null,
    });
  });

  test('each provider is configured by its variables', () => {
    const settings = emailEventSettings(
      loadConfig({
        SES_SNS_TOPIC_ARNS: 'arn:aws:sns:eu-west-1:123456789012:ses-events, arn:aws-cn:sns:cn-north-1:123456789012:b',
        SENDGRID_WEBHOOK_PUBLIC_KEY: ecKey,
        POSTMARK_WEBHOOK_USER: 'postmark',
        POSTMARK_WEBHOOK_PASSWORD: 'p'.repeat(16),
      }),
    );
    expect(settings.ses).toEqual({
      topicArns: ['arn:aws:sns:eu-west-1:123456789012:ses-events', 'arn:aws-cn:sns:cn-north-1:123456789012:b'],
      serviceOrigins: [],
    });
    expect(settings.sendgrid?.publicKey.asymmetricKeyType).toBe('ec');
    expect(settings.postmark).toEqual({ user: 'postmark', password: 'p'.repeat(16) });
  });

  test.each([
    [{ SES_SNS_TOPIC_ARNS: 'my-topic' }, 'SES_SNS_TOPIC_ARNS.0: must be comma-separated SNS topic ARNs'],
    [{ SENDGRID_WEBHOOK_PUBLIC_KEY: 'bm90IGEga2V5' }, 'SENDGRID_WEBHOOK_PUBLIC_KEY: must be the base64 ECDSA'],
    [{ SNS_SERVICE_ORIGINS: 'http://127.0.0.1:1/path' }, 'SNS_SERVICE_ORIGINS: must be comma-separated origins'],
    [{ POSTMARK_WEBHOOK_USER: 'postmark' }, 'POSTMARK_WEBHOOK_USER, POSTMARK_WEBHOOK_PASSWORD: set both or neither'],
    [{ POSTMARK_WEBHOOK_USER: 'a:b', POSTMARK_WEBHOOK_PASSWORD: 'p'.repeat(16) }, 'POSTMARK_WEBHOOK_USER: must be'],
    [
      { POSTMARK_WEBHOOK_USER: 'pm', POSTMARK_WEBHOOK_PASSWORD: 'short' },
      'POSTMARK_WEBHOOK_PASSWORD: must be at least',
    ],
  ])('%j is refused', (env, message) => {
    expect(configErrorOf(() => loadConfig(env)).message).toContain(message);
  });

  test('an RSA key is not what SendGrid signs with', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64');
    expect(configErrorOf(() => loadConfig({ SENDGRID_WEBHOOK_PUBLIC_KEY: rsa })).message).toContain(
      'SENDGRID_WEBHOOK_PUBLIC_KEY',
    );
  });
});
