/**
 * Where a webhook may be sent. An endpoint is `https://` to a public address, or plain
 * `http://` to this machine only (a developer's or a test's receiver). The API never
 * POSTs to a private, link-local, shared or otherwise internal address over https
 * (server-side request forgery: a URL an admin typed must not reach the cloud's metadata
 * service or the newsroom's internal network). The URL is checked when it is saved,
 * and the address it resolves to is checked again on every connection (a name that
 * resolved to a public address yesterday may resolve to 10.0.0.5 today).
 */
import { lookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { checkUrlProblem } from '../safety/external-check.js';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

const isLoopback = (address: string) =>
  (isIP(address) === 4 && address.startsWith('127.')) || address === '::1';

/** True for an address a webhook over https may not reach (private, loopback, link-local…). */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const lower = address.toLowerCase();
  // IPv4-mapped (::ffff:10.0.0.1): judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return blocked.check(mapped[1], 'ipv4');
  return blocked.check(lower, 'ipv6');
}

/**
 * null when the URL may be saved, else an English reason: `checkUrlProblem`'s rules
 * (https, or http to loopback; no credentials; 2,000 characters at most), plain http
 * only when `allowLoopback` (development and tests), and over https no internal address
 * literal and no `localhost`.
 */
export function webhookUrlProblem(url: string, allowLoopback = false): string | null {
  const problem = checkUrlProblem(url);
  if (problem) return problem;
  const parsed = new URL(url);
  if (parsed.protocol === 'http:' && !allowLoopback) {
    // Plain http reaches only this machine: a developer's receiver. On a newsroom's API
    // it would let any campaign admin probe the ports of the machine the API runs on.
    return 'The URL must use https (plain http to this machine is for development: CAMPAIGN_WEBHOOK_LOOPBACK=1).';
  }
  if (parsed.protocol === 'https:') {
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const name = host.toLowerCase().replace(/\.$/, '');
    if (name === 'localhost' || name.endsWith('.localhost')) {
      return 'The URL must not point to this machine over https; use a public address.';
    }
    if (isIP(host) !== 0 && isInternalAddress(host)) {
      return 'The URL points to a private or internal address; webhooks go to public addresses only.';
    }
  }
  if (parsed.hash !== '') return 'The URL must not contain a #fragment.';
  return null;
}

function refused(hostname: string, why: string) {
  return Object.assign(new Error(`${hostname} ${why}`), { code: 'EADDRNOTALLOWED' });
}

/**
 * `dns.lookup` for one connection: over http only loopback answers are used (every
 * answer must be loopback), over https only public ones (every answer must be public).
 */
export function guardedLookup(protocol: 'http:' | 'https:'): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const ok =
        addresses.length > 0 &&
        addresses.every((entry) =>
          protocol === 'http:' ? isLoopback(entry.address) : !isInternalAddress(entry.address),
        );
      if (!ok) {
        const why =
          protocol === 'http:' ? 'is not a loopback address' : 'resolves to an internal address';
        return callback(refused(hostname, why), '', 0);
      }
      if ((options as { all?: boolean }).all) {
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      }
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
