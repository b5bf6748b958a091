/**
 * Who a client is, for per-client caps: one key per IPv4 address and one per IPv6
 * /64 (a single host is routinely given a whole /64, so counting its addresses one by
 * one would give it billions of allowances), and which socket peers are proxies we
 * trust to say who the client is.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) as `1.2.3.4`; zone ids dropped. */
function plainAddress(address: string): string {
  const unzoned = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(unzoned);
  return mapped?.[1] ?? unzoned;
}

/** The eight 16-bit groups of an IPv6 address, `::` and a dotted IPv4 tail expanded. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => parseInt(g, 16));
}

/** The key a client is counted under: its IPv4 address, or its IPv6 /64. */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const plain = plainAddress(address);
  if (isIPv4(plain) || !isIPv6(plain)) return plain;
  const prefix = ipv6Groups(plain)
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':');
  return `${prefix}::/64`;
}

/** Fastify's `trustProxy` forms that name addresses: a comma list or an array. */
export type TrustProxySetting = boolean | number | string | string[];

/** proxy-addr's named ranges, which Fastify's `trustProxy` also accepts. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

function addRule(list: BlockList, entry: string): void {
  const [address = '', bits] = entry.split('/');
  const plain = plainAddress(address.trim());
  const family = isIPv4(plain) ? 'ipv4' : isIPv6(plain) ? 'ipv6' : null;
  if (!family) throw new Error(`Not an address or CIDR range in trustProxy: ${entry}`);
  if (bits === undefined) list.addAddress(plain, family);
  else list.addSubnet(plain, Number(bits), family);
}

/**
 * A test for "this socket peer is a proxy whose forwarded address Fastify believes".
 * `true` or a hop count trusts every peer (Fastify then trusts the nearest hops
 * whatever their address), so every socket is then a proxy's.
 */
export function trustedProxyTest(
  setting: TrustProxySetting | undefined,
): (address: string) => boolean {
  if (setting === undefined || setting === false || setting === 0) return () => false;
  if (setting === true || typeof setting === 'number') return () => true;
  const entries = (Array.isArray(setting) ? setting : setting.split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
  const list = new BlockList();
  for (const entry of entries) {
    for (const range of NAMED_RANGES[entry] ?? [entry]) addRule(list, range);
  }
  return (address) => {
    const plain = plainAddress(address);
    if (isIPv4(plain)) return list.check(plain, 'ipv4');
    return isIPv6(plain) && list.check(plain, 'ipv6');
  };
}
