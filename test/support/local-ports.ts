/** Ports for servers placed on loopback in model tests. */
import { Ports } from "../../components/model/cluster";

/** The listener ports of the server of each ordinal: six consecutive ports from `base`, ten more per ordinal. */
export function portsFrom(base: number): (ordinal: number) => Ports {
  return (ordinal) => ({
    client: base + ordinal * 10,
    cluster: base + ordinal * 10 + 1,
    monitor: base + ordinal * 10 + 2,
    gateway: base + ordinal * 10 + 3,
    leafnodes: base + ordinal * 10 + 4,
    metrics: base + ordinal * 10 + 5,
  });
}
