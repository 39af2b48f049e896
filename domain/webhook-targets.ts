import ipaddr from 'ipaddr.js';

/**
 * Which addresses a webhook may be sent to. Anything but public unicast is
 * refused (private, loopback, link-local and cloud metadata, unique-local,
 * CGNAT, multicast, unspecified, reserved), so an endpoint URL cannot be used
 * to reach inside the deployment, unless an operator allowed the network.
 */
type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** An address (`10.0.0.5`) or a CIDR (`10.0.0.0/8`, `fd00::/8`), as WEBHOOK_ALLOWED_NETWORKS lists them. */
function parseNetwork(text: string): Network | undefined {
  try {
    if (text.includes('/')) return ipaddr.parseCIDR(text);
    const address = ipaddr.parse(text);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

export function isNetwork(text: string): boolean {
  return ipaddr.isValid(text.split('/')[0]!) && parseNetwork(text) !== undefined;
}

/** `[::1]` in a URL is `::1` to a resolver. */
export function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
}

export function isIpAddress(host: string): boolean {
  return ipaddr.isValid(host);
}

/** Special-purpose blocks that ipaddr.js counts as unicast, each with why it is not a public host. */
const alsoRefused: [Network, string][] = [
  [ipaddr.parseCIDR('198.18.0.0/15'), 'benchmarking'],
  [ipaddr.parseCIDR('64:ff9b:1::/48'), 'local-use NAT64'],
  // `::a.b.c.d`, deprecated: some stacks still route it to the IPv4 address it carries.
  [ipaddr.parseCIDR('::/96'), 'IPv4-compatible'],
  [ipaddr.parseCIDR('100::/64'), 'discard-only'],
];

function inNetwork(address: ipaddr.IPv4 | ipaddr.IPv6, [network, bits]: Network): boolean {
  if (address.kind() !== network.kind()) return false;
  return address.kind() === 'ipv4'
    ? (address as ipaddr.IPv4).match(network as ipaddr.IPv4, bits)
    : (address as ipaddr.IPv6).match(network as ipaddr.IPv6, bits);
}

/**
 * Why a webhook must not be sent to `address`, or `null` when it may be.
 * `allowed` networks (from configuration) win over every refusal.
 */
export function refusedAddress(address: string, allowed: readonly string[]): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return `${address} is not an IP address`;
  }
  // ::ffff:127.0.0.1 reaches 127.0.0.1: judge the IPv4 address it carries.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const networks = allowed.map(parseNetwork).filter((network): network is Network => network !== undefined);
  if (networks.some((network) => inNetwork(parsed, network))) return null;
  const known = parsed.range();
  const range =
    known === 'unicast' ? (alsoRefused.find(([network]) => inNetwork(parsed, network))?.[1] ?? known) : known;
  return range === 'unicast' ? null : `${address} is a ${range} address, not a public one`;
}
