// The cluster's own small PKI: a CA and a server certificate it signs, made once and reused.
// kubectl sends tokens only over TLS, and verifies the server with the CA the kubeconfig carries.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as forge from 'node-forge';

export interface ServerPki {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

export const PKI_FILES = { caCert: 'ca.crt', caKey: 'ca.key', cert: 'server.crt', key: 'server.key' } as const;

const YEAR_MS = 365 * 24 * 3600 * 1000;

function newKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  // Node's native generator: forge's pure-JS RSA takes seconds.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

/**
 * A positive serial (Go's x509 refuses negative ones) in minimal form: the first byte is 0x10–0x7f. With only
 * a leading 0 nibble, one serial in 16 began with a 0x00 byte, which is not minimal DER, and the byte after
 * it then decided the sign for readers that drop it (seen once in a test run).
 */
const serialNumber = () => {
  const bytes = randomBytes(15);
  bytes[0] = 0x10 + (bytes[0] % 0x70);
  return bytes.toString('hex');
};

function baseCertificate(publicKey: forge.pki.PublicKey, years: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - 60_000); // tolerate a little clock skew
  cert.validity.notAfter = new Date(Date.now() + years * YEAR_MS);
  return cert;
}

export function createCa(commonName = 'everynode-ca'): { certPem: string; keyPem: string } {
  const keys = newKeyPair();
  const cert = baseCertificate(keys.publicKey, 10);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** A serving certificate for `hosts` (IP addresses and DNS names), signed by the CA. */
export function createServerCertificate(ca: { certPem: string; keyPem: string }, hosts: string[]): { certPem: string; keyPem: string } {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const keys = newKeyPair();
  const cert = baseCertificate(keys.publicKey, 5);
  cert.setSubject([{ name: 'commonName', value: 'everynode-apiserver' }]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = [...new Set(hosts)].map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h }));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** The hosts a certificate names in its subjectAltName. */
export function certificateHosts(certPem: string): string[] {
  const ext = forge.pki.certificateFromPem(certPem).getExtension('subjectAltName') as { altNames?: { ip?: string; value?: string }[] } | undefined;
  return (ext?.altNames ?? []).map((a) => a.ip ?? a.value ?? '');
}

/**
 * Reads `home`'s CA and server certificate, making what is missing. A server certificate that does
 * not name every one of `hosts` is made again (signed by the same CA, so kubeconfigs stay valid).
 */
export function ensurePki(home: string, hosts: string[] = ['127.0.0.1', 'localhost']): ServerPki {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = (f: string) => join(home, f);
  if (!existsSync(path(PKI_FILES.caCert)) || !existsSync(path(PKI_FILES.caKey))) {
    const ca = createCa();
    writeFileSync(path(PKI_FILES.caKey), ca.keyPem, { mode: 0o600 });
    writeFileSync(path(PKI_FILES.caCert), ca.certPem);
  }
  const ca = { certPem: readFileSync(path(PKI_FILES.caCert), 'utf8'), keyPem: readFileSync(path(PKI_FILES.caKey), 'utf8') };
  const wanted = [...new Set(['127.0.0.1', 'localhost', ...hosts])];
  const current = existsSync(path(PKI_FILES.cert)) && existsSync(path(PKI_FILES.key)) ? readFileSync(path(PKI_FILES.cert), 'utf8') : null;
  if (!current || !wanted.every((h) => certificateHosts(current).includes(h))) {
    const server = createServerCertificate(ca, wanted);
    writeFileSync(path(PKI_FILES.key), server.keyPem, { mode: 0o600 });
    writeFileSync(path(PKI_FILES.cert), server.certPem);
  }
  return { caCertPem: ca.certPem, certPem: readFileSync(path(PKI_FILES.cert), 'utf8'), keyPem: readFileSync(path(PKI_FILES.key), 'utf8') };
}
