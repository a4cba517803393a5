/**
 * Certificates for TLS between local servers in tests: the local back end's own throwaway CA and certificate
 * (valid for 127.0.0.1, as server and as client).
 */
export { makeLoopbackCertificates } from "../../components/local/local-certificates";
