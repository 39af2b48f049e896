import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { ConfigError, type Config } from '../config/config';

/** What both the client's and the worker's connections take besides the address. */
export interface TemporalSecurity {
  tls?: TLSConfig | true;
  apiKey?: string;
}

/**
 * TLS and credentials for a Temporal frontend: none for a local dev server,
 * an API key or an mTLS certificate pair for Temporal Cloud or a secured
 * cluster. Certificate files are read once, at start, so a wrong path stops
 * the process with the variable's name.
 */
export function temporalSecurity(config: Config): TemporalSecurity {
  const { TEMPORAL_API_KEY: apiKey, TEMPORAL_TLS_CERT: certPath, TEMPORAL_TLS_KEY: keyPath } = config;
  if (Boolean(certPath) !== Boolean(keyPath)) {
    throw new ConfigError('invalid configuration: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together');
  }
  const clientCertPair =
    certPath && keyPath
      ? { crt: readPem('TEMPORAL_TLS_CERT', certPath), key: readPem('TEMPORAL_TLS_KEY', keyPath) }
      : undefined;
  const tls = clientCertPair ? { clientCertPair } : apiKey || config.TEMPORAL_TLS === 'true' ? true : undefined;
  return { ...(tls && { tls }), ...(apiKey && { apiKey }) };
}

function readPem(name: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(`invalid configuration: ${name} cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
}
