/**
 * The nats.conf section that puts a server in operator mode. It holds only public material (the operator
 * and account JWTs), so it may go into a ConfigMap; an account change is a new preload, applied by a config
 * reload without restarting the server.
 */
import { ConfBlock } from "../model/conf";

export interface OperatorConfInput {
  operatorJwt: string;
  /** Public key of the system account. */
  systemAccount: string;
  /** Every account's JWT, the system account's included, by account public key. */
  accountJwts: Readonly<Record<string, string>>;
  /** Every user's JWT: a client sends its own in its CONNECT line, which the server reads only up to max_control_line. */
  userJwts?: readonly string[];
}

/** nats-server's default max_control_line: the longest protocol line, a client's CONNECT included, it reads. */
export const DEFAULT_MAX_CONTROL_LINE = 4096;
/**
 * Room in a CONNECT line beyond the user's JWT: the nonce's signature (86 characters), the client's name,
 * language, version and flags. A client name longer than what is left is the client's choice to shorten.
 */
export const CONNECT_OVERHEAD = 1024;

/**
 * The max_control_line every user's CONNECT fits in, in whole KiB; undefined while the default fits them
 * all, so that a stack whose users hold few permissions keeps the server's default. A user granted many
 * streams (a backup user of many, an application with many buckets) has a JWT of several KiB, and a server
 * with the default drops its connection before it is even authenticated.
 */
export function maxControlLineFor(userJwts: readonly string[]): number | undefined {
  const needed = Math.max(0, ...userJwts.map((jwt) => jwt.length)) + CONNECT_OVERHEAD;
  return needed <= DEFAULT_MAX_CONTROL_LINE ? undefined : Math.ceil(needed / 1024) * 1024;
}

/**
 * `operator`, `system_account` and a MEMORY resolver preloaded with every account, for renderServer's
 * extraSections; and a max_control_line that every user's CONNECT fits in, where the default does not.
 */
export function operatorConfSection(input: OperatorConfInput): ConfBlock {
  if (!(input.systemAccount in input.accountJwts)) {
    throw new Error(`the system account ${input.systemAccount} is not in the resolver preload; nats-server needs its JWT`);
  }
  const maxControlLine = maxControlLineFor(input.userJwts ?? []);
  return {
    ...(maxControlLine !== undefined ? { max_control_line: maxControlLine } : {}),
    operator: input.operatorJwt,
    system_account: input.systemAccount,
    resolver: "MEMORY",
    resolver_preload: { ...input.accountJwts },
  };
}
