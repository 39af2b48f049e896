import { registry } from './metrics';

/**
 * The Prometheus text of this process: inviteflow's own metrics, then the
 * Temporal SDK's worker metrics when a worker runs here. The SDK serves those
 * itself on a loopback port; they are appended so one scrape sees both.
 */
export async function metricsText(sdkMetricsUrl?: string): Promise<string> {
  const own = await registry.metrics();
  if (!sdkMetricsUrl) return own;
  const sdk = await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(2_000) })
    .then((response) => (response.ok ? response.text() : ''))
    .catch(() => '');
  return `${own}\n${sdk}`;
}

export const metricsContentType = registry.contentType;
