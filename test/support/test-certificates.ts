/**
 * A throwaway CA and one certificate it signed, made with the openssl command, for TLS between local
 * servers. The certificate is valid for 127.0.0.1 as both server and client, as mutual TLS between
 * nats-servers needs.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { TlsFiles } from "../../components/model/gateway-config";

function openssl(dir: string, ...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe", timeout: 20_000 });
}

/** Writes ca.crt, tls.crt and tls.key (the names of a kubernetes.io/tls Secret) into `dir`. */
export function makeLoopbackCertificates(dir: string): TlsFiles {
  fs.mkdirSync(dir, { recursive: true });
  openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=test-ca", "-keyout", "ca.key", "-out", "ca.crt");
  openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "tls.key", "-out", "tls.csr");
  fs.writeFileSync(path.join(dir, "tls.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
  openssl(dir, "x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-extfile", "tls.ext", "-out", "tls.crt");
  return { certFile: path.join(dir, "tls.crt"), keyFile: path.join(dir, "tls.key"), caFile: path.join(dir, "ca.crt") };
}
