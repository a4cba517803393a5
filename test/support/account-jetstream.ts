/**
 * A nats-server 2.9.10 race in operator mode, and how the tests deal with it. A server enables an account's
 * JetStream at the account's first use there; two first uses at once (a client connecting while a stream
 * assignment for the account arrives, or the account's interest arriving over several routes as a server
 * joins) can make it fail, because its check that the store is writable removes the directory the other is
 * creating. The server then logs ACCOUNT_JETSTREAM_FAILED and holds no copy of that account's streams (its
 * monitor port lists none) until it restarts: seen about one boot in three when the small stack's pods
 * created a stream right after they were ready, and in most resizes under a CPU hog. Before any stream
 * exists, connecting as the account to each server in turn enables it one use at a time; a server that joins
 * later is restarted if its log shows the race, as the README tells operators to.
 */
import * as fs from "fs";
import { readJetStream } from "../../components/local";
import { setTimeout as sleep } from "timers/promises";

/** What 2.9.10 logs when it failed to enable an account's JetStream. */
export const ACCOUNT_JETSTREAM_FAILED = "Error configuring jetstream for account";

/** A server as far as the account check goes: its name, monitor port and log. */
export interface LoggedServer {
  name: string;
  monitorPort: number;
  logFile: string;
}

/** Whether `server`'s log (from byte `from` on) says the race hit it. */
export function accountJetStreamFailed(logFile: string | undefined, from = 0): boolean {
  return logFile !== undefined && fs.existsSync(logFile) && fs.readFileSync(logFile).subarray(from).toString("utf8").includes(ACCOUNT_JETSTREAM_FAILED);
}

/** The names of the accounts with JetStream on the server with monitor port `monitorPort`. */
async function accountsWithJetStream(monitorPort: number): Promise<string[]> {
  return ((await readJetStream(monitorPort, "?accounts=true"))?.account_details ?? []).map((detail) => detail.name);
}

/** The lines of `logFile` up to and including the first ACCOUNT_JETSTREAM_FAILED, the last 25 of them. */
function logUpToFailure(logFile: string): string {
  const lines = fs.readFileSync(logFile, "utf8").split("\n");
  const failed = lines.findIndex((line) => line.includes(ACCOUNT_JETSTREAM_FAILED));
  return lines.slice(Math.max(0, failed - 24), failed + 1).join("\n");
}

/**
 * Enables account `account`'s JetStream on each of `servers` in turn: a connection of the account to that
 * server alone (`connectTo`), held until its monitor port lists the account. Fails naming the server when the
 * race hit it anyway, or when the account does not appear within 15 s.
 */
export async function enableAccountOnEachServer<C extends { flush(): Promise<void>; close(): Promise<void> }>(
  servers: readonly LoggedServer[],
  account: string,
  connectTo: (server: LoggedServer) => Promise<C>,
): Promise<void> {
  for (const server of servers) {
    const connection = await connectTo(server);
    try {
      await connection.flush();
      const deadline = Date.now() + 15_000;
      for (;;) {
        const accounts = await accountsWithJetStream(server.monitorPort);
        if (accountJetStreamFailed(server.logFile)) throw new Error(`${server.name} failed to enable JetStream for account ${account}; its log up to then:\n${logUpToFailure(server.logFile)}`);
        if (accounts.includes(account)) break;
        if (Date.now() > deadline) throw new Error(`account ${account} did not get JetStream on ${server.name} within 15s; accounts with JetStream there: ${accounts.join(", ") || "none"}`);
        await sleep(100);
      }
    } finally {
      await connection.close();
    }
  }
}

/**
 * For servers that joined while the account already had interest elsewhere (a cluster grown under load): the
 * account's interest arriving over several routes at once is itself two first uses, so the race can hit a
 * new server before any client of it could. Waits until each of `servers` lists account `account`, and
 * restarts a server whose log shows the race (the README's remedy), up to `attempts` times each. Returns how
 * many restarts each server needed.
 */
export async function awaitAccountRestartingOnRace(
  servers: readonly LoggedServer[],
  account: string,
  restart: (server: LoggedServer) => Promise<void>,
  attempts = 3,
): Promise<Map<string, number>> {
  const restarts = new Map<string, number>();
  for (const server of servers) {
    let from = 0;
    restarts.set(server.name, 0);
    const deadline = () => Date.now() + 15_000;
    let until = deadline();
    for (;;) {
      if ((await accountsWithJetStream(server.monitorPort)).includes(account)) break;
      if (accountJetStreamFailed(server.logFile, from)) {
        if (restarts.get(server.name)! >= attempts) throw new Error(`${server.name} failed to enable JetStream for account ${account} after ${attempts} restarts; its log: ${server.logFile}`);
        from = fs.statSync(server.logFile).size;
        await restart(server);
        restarts.set(server.name, restarts.get(server.name)! + 1);
        until = deadline();
        continue;
      }
      if (Date.now() > until) throw new Error(`account ${account} did not get JetStream on ${server.name} within 15s`);
      await sleep(100);
    }
  }
  return restarts;
}
