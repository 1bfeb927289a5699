/**
 * A coordinator's address as the pool's options and URLs take it. Error
 * messages name the option but never repeat the text, which may be a pasted
 * URL with its credentials.
 *
 * @module
 */
import net from 'node:net';
import { describe, intOption, rejectUnknown } from '../util/validate.js';
import type { CoordinatorAddress } from './options.js';

// Host names as DNS and /etc/hosts spell them (plus '_', which some internal
// zones use). Anything else is refused rather than echoed, because a
// mistyped address may be a pasted URL's credentials.
const HOST_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,252}$/;

/** Whether `host` is a host name or an IP address. */
export function isHostName(host: string): boolean {
  return HOST_NAME.test(host) || net.isIP(host) !== 0;
}

/** A coordinator's address after validation. */
export interface ParsedAddress {
  host: string;
  port: number;
  weight: number;
  /** The coordinator's own transport, when its address object names one (else the pool's). */
  transport?: 'tcp' | 'http';
}

/**
 * Parses `'host'`, `'host:port'`, `'[::1]:port'`, a bare IPv6 address
 * (`'::1'`: a host with `defaultPort`) or an address object. Error messages
 * name the option but never repeat the string, which may be a pasted URL with
 * its credentials.
 *
 * @param defaultPort - port of a host given without one
 * @param name - the option's name in error messages, e.g. `hosts[2]`
 * @param defaultHttpPort - port of an address object with `transport: 'http'` and no port
 * @throws TypeError naming `name`
 */
export function parseAddress(value: unknown, defaultPort: number, name: string, defaultHttpPort = defaultPort): ParsedAddress {
  if (typeof value === 'string') {
    const text = value.trim();
    // Unbracketed, an IPv6 address has no room for a port: '::1' is the loopback host, not host ':' and port 1.
    if (net.isIPv6(text)) return { host: text, port: defaultPort, weight: 1 };
    const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(text);
    const host = m?.[1] ?? m?.[2];
    if (!m || host === undefined || !(m[1] === undefined ? isHostName(host) : net.isIPv6(host))) {
      throw new TypeError(`option ${name} must be 'host', 'host:port' or '[IPv6 address]:port' with a host name or IP address`);
    }
    const port = m[3] === undefined ? defaultPort : Number(m[3]);
    if (!(port >= 1 && port <= 65535)) throw new TypeError(`option ${name} has an invalid port (must be 1 to 65535)`);
    return { host, port, weight: 1 };
  }
  if (value === null || typeof value !== 'object')
    throw new TypeError(`option ${name} must be a string or { host, port, weight }, got ${describe(value)}`);
  const v = value as CoordinatorAddress;
  rejectUnknown(name, v, ['host', 'port', 'weight', 'transport']);
  if (v.host === undefined) throw new TypeError(`option ${name}.host is required`);
  if (typeof v.host !== 'string' || !isHostName(v.host)) throw new TypeError(`option ${name}.host must be a host name or IP address`);
  const weight = v.weight ?? 1;
  if (typeof weight !== 'number' || !(weight > 0 && weight <= 1000))
    throw new TypeError(`option ${name}.weight must be a number above 0 and at most 1000, got ${describe(weight)}`);
  const transport = v.transport;
  if (transport !== undefined && transport !== 'tcp' && transport !== 'http')
    throw new TypeError(`option ${name}.transport must be 'tcp' or 'http', got ${describe(transport)}`);
  const port = intOption(`${name}.port`, v.port, transport === 'http' ? defaultHttpPort : defaultPort, 1, 65535);
  return { host: v.host, port, weight, ...(transport ? { transport } : {}) };
}
