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
}

/** `operator`, `system_account` and a MEMORY resolver preloaded with every account, for renderServer's extraSections. */
export function operatorConfSection(input: OperatorConfInput): ConfBlock {
  if (!(input.systemAccount in input.accountJwts)) {
    throw new Error(`the system account ${input.systemAccount} is not in the resolver preload; nats-server needs its JWT`);
  }
  return {
    operator: input.operatorJwt,
    system_account: input.systemAccount,
    resolver: "MEMORY",
    resolver_preload: { ...input.accountJwts },
  };
}
