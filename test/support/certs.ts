/**
 * Certificates made for a test with Debian's openssl: a self-signed key and
 * certificate for `CN=localhost`, valid one day, written into a directory
 * the test owns (and removes).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Paths and contents of a self-signed certificate. */
export interface SelfSignedCert {
  keyPath: string;
  certPath: string;
  key: Buffer;
  cert: Buffer;
}

/**
 * Writes `key.pem` and `cert.pem` into `dir`.
 *
 * @param subjectAltName - e.g. `DNS:localhost` or `IP:127.0.0.1`; none when undefined
 */
export function selfSignedCert(dir: string, subjectAltName?: string): SelfSignedCert {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const san = subjectAltName === undefined ? [] : ['-addext', `subjectAltName=${subjectAltName}`];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost', ...san],
    { stdio: 'ignore' },
  );
  return { keyPath, certPath, key: readFileSync(keyPath), cert: readFileSync(certPath) };
}
