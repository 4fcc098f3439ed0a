import dns from 'node:dns/promises';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The SSRF guard for webhook URLs, applied when an endpoint is registered and again before every send.
 * A webhook URL is chosen by a customer; without this guard it would let them make Tessera call its own
 * admin ports, the database, or the cloud metadata service and read the answer in the delivery log.
 *
 * Only http(s) is accepted, the host is resolved and every address must be public unicast. The sender then
 * connects to exactly the address that was checked (no second lookup), so DNS rebinding between the check
 * and the connection is not possible. Redirects are never followed (the sender treats 3xx as a failure).
 */

export type WebhookUrlErrorCode = 'webhook_url_invalid' | 'webhook_url_forbidden' | 'webhook_url_unresolvable';

export class WebhookUrlError extends Error {
  override name = 'WebhookUrlError';
  constructor(
    readonly code: WebhookUrlErrorCode,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** Resolves a host name to its addresses (every family). Injected so a deployment can use its own resolver. */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) => (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export type ResolvedAddress = { address: string; family: 4 | 6 };

// Addresses with a special meaning in clouds, named so the refusal says what was being reached.
const METADATA = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', '192.0.0.192', 'fd00:ec2::254']);

/** Why an address may not be called, or null when it is public unicast. */
export function forbiddenAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    // ::ffff:a.b.c.d reaches a.b.c.d: judge the IPv4 address it carries.
    if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
  }
  const normal = ip.toNormalizedString();
  const canonical = ip.kind() === 'ipv6' ? ipaddr.IPv6.parse(normal).toString() : normal;
  if (METADATA.has(canonical)) return 'cloud metadata address';
  const range = ip.range();
  if (ip.kind() === 'ipv4') return range === 'unicast' ? null : describe(range);
  // Every assigned global IPv6 unicast address is inside 2000::/3. Outside it lie loopback, unspecified,
  // the deprecated IPv4-compatible ::a.b.c.d form, NAT64 and unique-local/link-local/multicast space.
  if (!(ip as ipaddr.IPv6).match(ipaddr.IPv6.parse('2000::'), 3)) return range === 'unicast' ? 'non-global IPv6 address' : describe(range);
  // Inside 2000::/3, 6to4, Teredo and documentation prefixes can tunnel to or stand for anything.
  return range === 'unicast' ? null : describe(range);
}

function describe(range: string): string {
  const names: Record<string, string> = {
    loopback: 'loopback address',
    private: 'private network address',
    linkLocal: 'link-local address',
    carrierGradeNat: 'carrier-grade NAT address',
    multicast: 'multicast address',
    unspecified: 'unspecified address',
    broadcast: 'broadcast address',
    uniqueLocal: 'unique-local IPv6 address',
    reserved: 'reserved address',
    rfc6052: 'NAT64 address',
    '6to4': '6to4 tunnel address',
    teredo: 'Teredo tunnel address',
  };
  return names[range] ?? `${range} address`;
}

/** Parses a URL and checks its form: http or https, a host, no embedded credentials. */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError('webhook_url_invalid', 'The webhook URL is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookUrlError('webhook_url_invalid', 'Webhook URLs must use http or https.', 'scheme');
  if (!url.hostname) throw new WebhookUrlError('webhook_url_invalid', 'The webhook URL has no host.');
  // Credentials in a URL end up in logs and in our delivery log; custom headers are the place for them.
  if (url.username || url.password) throw new WebhookUrlError('webhook_url_invalid', 'Webhook URLs may not contain credentials; use a custom header instead.', 'credentials');
  return url;
}

/** The URL's host without IPv6 brackets. The WHATWG parser has already normalised 0x7f.1, 2130706433, 0177.0.0.1… */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Resolves the URL's host and returns the addresses to connect to; refuses the URL when any address is
 * not public (a name resolving to one public and one private address is refused as a whole).
 */
export async function resolveWebhookTarget(url: URL, opts: { allowPrivate: boolean; resolve: Resolver }): Promise<ResolvedAddress[]> {
  const host = hostOf(url);
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = await opts.resolve(host);
    } catch {
      throw new WebhookUrlError('webhook_url_unresolvable', `The host ${host} could not be resolved.`);
    }
    if (!addresses.length) throw new WebhookUrlError('webhook_url_unresolvable', `The host ${host} has no address.`);
  }
  const out: ResolvedAddress[] = [];
  for (const address of addresses) {
    const family = net.isIP(address);
    if (family !== 4 && family !== 6) throw new WebhookUrlError('webhook_url_unresolvable', `The host ${host} resolved to an invalid address.`);
    if (!opts.allowPrivate) {
      const reason = forbiddenAddressReason(address);
      if (reason) {
        throw new WebhookUrlError(
          'webhook_url_forbidden',
          `Webhook URLs must point to a public address; ${host} is a ${reason}. (ALLOW_PRIVATE_WEBHOOK_URLS=true allows this for local development.)`,
          reason,
        );
      }
    }
    out.push({ address, family });
  }
  return out;
}

/** The registration-time check: form and resolution. */
export async function checkWebhookUrl(raw: string, opts: { allowPrivate: boolean; resolve: Resolver }): Promise<void> {
  await resolveWebhookTarget(parseWebhookUrl(raw), opts);
}
