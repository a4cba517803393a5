/**
 * What the workload components' tests share: mocks that give the random provider's outputs as the provider
 * makes them, and a stack's credentials made by the real NatsCredentials component.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { NatsCredentials } from "../../components/credentials/component";
import { AccountSpec, AccountStream } from "../../components/model/accounts";
import { Cluster } from "../../components/model/cluster";
import { StreamSpec } from "../../components/model/streams";
import { installMocks, MockRecorder, unknownValue } from "./pulumi-mocks";

export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
const RANDOM_BYTES = "random:index/randomBytes:RandomBytes";

/**
 * Outputs of the random provider's resources. The provider marks `result` and the bytes secret; mocks do not
 * apply that, so the state returns them as secrets. In a preview a resource not yet created has no outputs.
 */
function randomProviderState(preview: boolean): (type: string, name: string) => Record<string, unknown> | undefined {
  return (type, name) => {
    if (type === RANDOM_PASSWORD) return { result: pulumi.secret(preview ? unknownValue : `generated-${name}`) };
    if (type === RANDOM_BYTES) {
      const bytes = createHash("sha256").update(name).digest();
      return { base64: pulumi.secret(preview ? unknownValue : bytes.toString("base64")) };
    }
    return undefined;
  };
}

/** Mocks of a preview or an update whose random provider reports what it would in that mode. */
export function installWorkloadMocks(preview: boolean): Promise<MockRecorder> {
  return installMocks({ preview, extraState: randomProviderState(preview) });
}

export function accountStreamsOf(streams: readonly StreamSpec[]): AccountStream[] {
  return streams.map((stream) => ({ name: stream.name, account: stream.account, subjects: stream.subjects }));
}

/** The stack's operator, accounts and users, as the program makes them; no Secrets, which the workloads make. */
export function stackCredentials(cluster: Cluster, accounts: AccountSpec[], streams: readonly StreamSpec[]): NatsCredentials {
  return new NatsCredentials("nats", { cluster, accounts, streams: accountStreamsOf(streams) });
}
