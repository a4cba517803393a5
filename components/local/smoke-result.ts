/**
 * What each smoke check found, as data: the CLI prints it as one sentence per check, or as JSON, both from
 * these records, so the two never disagree.
 */

/** The system user's server ping reached every server of a group of clusters sharing one system account. */
export interface SystemMeasurement {
  check: "system";
  /** Whose creds asked. */
  user: string;
  /** The servers that answered, each one the check expected. */
  answered: string[];
}

/** One job went the whole way through a stream and its durable consumer. */
export interface JobMeasurement {
  check: "job";
  publisher: string;
  subject: string;
  stream: string;
  /** The stream sequence the job was stored as. */
  sequence: number;
  worker: string;
  /** The durable consumer the worker pulled from. */
  consumer: string;
}

/** A message published in one cluster reached a subscriber in every other cluster of the supercluster. */
export interface GatewaysMeasurement {
  check: "gateways";
  publisher: string;
  subject: string;
  /** The cluster it was published in. */
  from: string;
  subscriber: string;
  /** The clusters it was received in. */
  receivedIn: string[];
  /** From the first publication to the last arrival. */
  elapsedMs: number;
}

/** A stream placed by a cluster tag landed with every replica in the cluster the tag names; it was then deleted. */
export interface PlacementMeasurement {
  check: "placement";
  /** The account admin that created it. */
  admin: string;
  /** The cluster the admin's client was connected to. */
  from: string;
  stream: string;
  replicas: number;
  tag: string;
  /** The cluster the stream landed in. */
  placedIn: string;
  /** The servers holding its replicas, sorted. */
  servers: string[];
}

/** Who sends and receives on a leaf site: a site client is `siteUser` on `site`, or a client without creds. */
interface LeafEnds {
  site: string;
  /** The site client's user; undefined for a site that runs without auth. */
  siteUser?: string;
  hub: string;
}

/** A message from a site client crossed the leaf link up to a hub subscriber. */
export interface LeafUpMeasurement extends LeafEnds {
  check: "leaf-up";
  subject: string;
  hubReceiver: string;
  elapsedMs: number;
}

/** A message from a hub client crossed the leaf link down to a site subscriber. */
export interface LeafDownMeasurement extends LeafEnds {
  check: "leaf-down";
  subject: string;
  hubSender: string;
  elapsedMs: number;
}

/** A subject the site's leaf user may not publish did not reach a hub subscriber. */
export interface LeafRefusedMeasurement extends LeafEnds {
  check: "leaf-refused";
  subject: string;
  hubReceiver: string;
  leafUser: string;
}

/**
 * A site client stored a message in a hub stream through the hub's JetStream domain, and its requests to
 * manage that stream got no answer.
 */
export interface HubJetStreamMeasurement extends LeafEnds {
  check: "hub-jetstream";
  subject: string;
  stream: string;
  domain: string;
  /** The domain the store's ack came from. */
  ackDomain: string | undefined;
  sequence: number;
  /** The JetStream API operations the site sent that were left unanswered, e.g. STREAM.DELETE. */
  unanswered: string[];
}

/** What a passing check measured, by check. */
export type SmokeMeasurement =
  | SystemMeasurement
  | JobMeasurement
  | GatewaysMeasurement
  | PlacementMeasurement
  | LeafUpMeasurement
  | LeafDownMeasurement
  | LeafRefusedMeasurement
  | HubJetStreamMeasurement;

/** The name of every smoke check; `leaf-site` stands for all four checks of a leaf site when none could be made. */
export type SmokeCheckName = SmokeMeasurement["check"] | "leaf-site";

/** The checks a stack may give nothing to make: no user, stream or account that could serve. */
export type SkippableCheck = Exclude<SmokeCheckName, "system" | "leaf-up" | "leaf-down">;

/** A check that passed, with what it measured. */
export type PassedCheck = SmokeMeasurement & {
  outcome: "passed";
  /** The cluster, clusters or link the check is about, e.g. `us-east, eu-west` or `gateways`. */
  scope: string;
};

/** A check the stack gave nothing to make; the reason says what was missing. */
export interface SkippedCheck {
  check: SkippableCheck;
  outcome: "skipped";
  /** The cluster or link the check is about. */
  scope: string;
  reason: string;
}

/** A check that failed, which ends the smoke check; the reason says what went wrong. */
export interface FailedCheck {
  check: SmokeCheckName;
  outcome: "failed";
  /** The cluster or link the check is about. */
  scope: string;
  reason: string;
}

/** One smoke check's result. */
export type SmokeCheckResult = PassedCheck | SkippedCheck | FailedCheck;

function seconds(elapsedMs: number): string {
  return `${(elapsedMs / 1000).toFixed(1)}s`;
}

function siteClient(ends: LeafEnds): string {
  return ends.siteUser === undefined ? `a client of ${ends.site} (no creds)` : `${ends.siteUser} on ${ends.site}`;
}

function passedLine(result: PassedCheck): string {
  switch (result.check) {
    case "system":
      return `system user ${result.user}: all ${result.answered.length} server(s) answered $SYS.REQ.SERVER.PING`;
    case "job":
      return (
        `${result.publisher} published a job to ${result.subject}, stored in ${result.stream} as sequence ${result.sequence}; ` +
        `${result.worker} pulled it from ${result.stream}/${result.consumer} and acked it; nothing is left to deliver again`
      );
    case "gateways":
      return `${result.publisher} published ${result.subject} in ${result.from}; ${result.subscriber} received it in ${result.receivedIn.join(" and ")} across the gateways (${seconds(result.elapsedMs)})`;
    case "placement":
      return `${result.admin} in ${result.from} created R${result.replicas} stream ${result.stream} with placement tag ${result.tag}: placed in ${result.placedIn} on ${result.servers.join(", ")}; deleted`;
    case "leaf-up":
      return `${siteClient(result)} published ${result.subject}; ${result.hubReceiver} received it on ${result.hub} (${seconds(result.elapsedMs)})`;
    case "leaf-down":
      return `${result.hubSender} published ${result.subject} on ${result.hub}; ${siteClient(result)} received it (${seconds(result.elapsedMs)})`;
    case "leaf-refused":
      return `${result.subject} from ${result.site} did not reach ${result.hubReceiver}: ${result.leafUser} may not publish it`;
    case "hub-jetstream":
      return (
        `${siteClient(result)} stored ${result.subject} in hub stream ${result.stream} through JetStream domain ${result.domain} ` +
        `(ack from domain ${result.ackDomain}, sequence ${result.sequence}); ${result.unanswered.join(", ")} from ${result.site} got no answer; smoke message removed`
      );
  }
}

/** What the sentence of a check the stack gave nothing to make begins with. */
const SKIPPED: Record<SkippableCheck, (scope: string) => string> = {
  job: () => "no job sent",
  gateways: () => "no message sent across",
  placement: () => "no stream placed",
  "leaf-site": () => "nothing sent over the leaf link",
  "leaf-refused": () => "no subject checked as refused",
  "hub-jetstream": (site) => `hub JetStream not tried from ${site}`,
};

/** The sentence the CLI prints for a check made or skipped, after its `[scope]`; a failure is told by its error. */
export function smokeLine(result: PassedCheck | SkippedCheck): string {
  return result.outcome === "passed" ? passedLine(result) : `${SKIPPED[result.check](result.scope)}: ${result.reason}`;
}
