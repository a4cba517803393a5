/**
 * A throwaway CA and one certificate it signed, for TLS between servers on loopback: what cert-manager's
 * issuer gives the pods, made on this machine so that a local run renders and proves the same TLS blocks.
 * The certificate is valid for 127.0.0.1 and localhost, as a server's and as a client's, as mutual TLS
 * between nats-servers needs.
 *
 * Made with node-forge rather than the openssl command, which not every machine has; the keys come from
 * Node's own crypto, which makes RSA keys far faster than JavaScript can.
 */
import { generateKeyPairSync, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as forge from "node-forge";
import { TlsFiles } from "../model/link-tls";

/** A day is longer than any local run, and short enough that a copied key is soon worthless. */
const VALIDITY_MS = 24 * 60 * 60 * 1000;

function rsaKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e), pem: privateKey };
}

function newCertificate(publicKey: forge.pki.PublicKey, commonName: string, issuer: forge.pki.CertificateField[] | undefined): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  // Positive and unique: a random 16-byte serial with the top bit cleared.
  certificate.serialNumber = "0" + randomBytes(16).toString("hex").slice(1);
  const now = Date.now();
  certificate.validity.notBefore = new Date(now - 60_000);
  certificate.validity.notAfter = new Date(now + VALIDITY_MS);
  const subject = [{ name: "commonName", value: commonName }];
  certificate.setSubject(subject);
  certificate.setIssuer(issuer ?? subject);
  return certificate;
}

function writeOwnerOnly(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
}

/** Writes ca.crt, tls.crt and tls.key (the names of a kubernetes.io/tls Secret) into `dir`, owner-only. */
export function makeLoopbackCertificates(dir: string): TlsFiles {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKeys = rsaKeys();
  const ca = newCertificate(caKeys.publicKey, "nats-jetstream local CA", undefined);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = rsaKeys();
  const certificate = newCertificate(keys.publicKey, "127.0.0.1", ca.subject.attributes);
  certificate.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] },
    { name: "authorityKeyIdentifier", keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  certificate.sign(caKeys.privateKey, forge.md.sha256.create());

  const files: TlsFiles = { certFile: path.join(dir, "tls.crt"), keyFile: path.join(dir, "tls.key"), caFile: path.join(dir, "ca.crt") };
  writeOwnerOnly(files.caFile, forge.pki.certificateToPem(ca));
  writeOwnerOnly(files.certFile, forge.pki.certificateToPem(certificate));
  writeOwnerOnly(files.keyFile, keys.pem);
  return files;
}
