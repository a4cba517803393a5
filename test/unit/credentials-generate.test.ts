import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Account as AccountClaims, decode, parseCreds, User as UserClaims } from "@nats-io/jwt";
import { afterAll, describe, expect, it } from "vitest";
import { loadKeyMaterial, writeCredsFiles } from "../../components/credentials/files";
import { generateCredentials, GeneratedCredentials } from "../../components/credentials/generate";
import { ISSUED_AT } from "../../components/credentials/jwt";
import { keyEntities } from "../../components/credentials/keys";
import { validateAccounts } from "../../components/model/account-resolution";
import { AccountSpec, AccountStream } from "../../components/model/accounts";
import { validateCluster } from "../../components/model/cluster";
import { keyBytesFor } from "../support/operator-server";

const cluster = validateCluster({ name: "nats", tier: "dev" });
const streams: AccountStream[] = [{ name: "ORDERS", account: "shop", subjects: ["orders.>"] }];

function specs(workerConsumer = "process"): AccountSpec[] {
  return [
    {
      name: "shop",
      subjects: ["shop.>"],
      signingKey: true,
      exports: [{ subject: "shop.events.>", type: "stream" }],
      limits: { conn: 50, jetstream: { streams: 4 } },
      users: [
        { name: "api", publisher: { stream: "ORDERS" } },
        { name: "orders-worker", worker: { stream: "ORDERS", consumer: workerConsumer } },
        { name: "edge", permissions: { subscribe: ["shop.>"] }, connectionTypes: ["LEAFNODE"], expires: "2030-01-01" },
      ],
    },
    {
      name: "audit",
      imports: [{ account: "shop", subject: "shop.events.>", type: "stream", localSubject: "seen.>" }],
      users: [{ name: "auditor", permissions: { subscribe: ["seen.>"], allowResponses: true } }],
    },
  ];
}

function generate(accountSpecs = specs(), salt = "test"): Promise<GeneratedCredentials> {
  const accounts = validateAccounts(accountSpecs, { cluster, streams });
  return generateCredentials(accounts, keyBytesFor(accounts, salt));
}

/** The usual credentials, generated once: Ed25519 in pure JavaScript takes a few milliseconds per key operation. */
let usual: Promise<GeneratedCredentials> | undefined;
function usualCredentials(): Promise<GeneratedCredentials> {
  usual ??= generate();
  return usual;
}

const userNamed = (credentials: GeneratedCredentials, name: string) => credentials.users.find((user) => user.name === name)!;
const accountNamed = (credentials: GeneratedCredentials, name: string) => credentials.accounts.find((account) => account.name === name)!;
const SEED = /S[OAU][A-Z2-7]{50,}/;

describe("generateCredentials", () => {
  it("gives byte-identical JWTs and creds for the same accounts and key material", async () => {
    expect(await generate()).toEqual(await usualCredentials());
  });

  it("stamps every JWT with the fixed issue time", async () => {
    const credentials = await usualCredentials();
    const jwts = [credentials.operatorJwt, ...credentials.accounts.map((a) => a.jwt), ...credentials.users.map((u) => u.jwt)];
    expect(jwts.map((jwt) => decode(jwt).iat)).toEqual(jwts.map(() => ISSUED_AT));
  });

  it("changes only the JWT of the user whose permissions changed", async () => {
    const before = await usualCredentials();
    const after = await generate(specs("process-v2"));
    for (const user of before.users) {
      if (user.name === "orders-worker") expect(userNamed(after, user.name).jwt).not.toBe(user.jwt);
      else expect(userNamed(after, user.name)).toEqual(user);
    }
    expect(after.accounts).toEqual(before.accounts);
    expect(after.confSection).toEqual(before.confSection);
  });

  it("writes every account limit explicitly, with JetStream for every account but SYS", async () => {
    const credentials = await usualCredentials();
    const shop = decode<AccountClaims>(accountNamed(credentials, "shop").jwt).nats;
    expect(shop.limits).toEqual({
      conn: 50,
      subs: -1,
      payload: cluster.limits.maxPayload,
      data: -1,
      imports: -1,
      exports: -1,
      wildcards: true,
      leaf: -1,
      mem_storage: 128 * 2 ** 20,
      disk_storage: 460 * 2 ** 20,
      streams: 4,
      consumer: -1,
    });
    const system = decode<AccountClaims>(accountNamed(credentials, "SYS").jwt).nats;
    expect(Object.keys(system.limits ?? {}).sort()).toEqual(["conn", "data", "exports", "imports", "leaf", "payload", "subs", "wildcards"]);
  });

  it("writes exports and imports, naming the exporting account by its public key", async () => {
    const credentials = await usualCredentials();
    expect(decode<AccountClaims>(accountNamed(credentials, "shop").jwt).nats.exports).toEqual([{ name: "shop.events.>", subject: "shop.events.>", type: "stream" }]);
    expect(decode<AccountClaims>(accountNamed(credentials, "audit").jwt).nats.imports).toEqual([
      { name: "shop shop.events.>", account: accountNamed(credentials, "shop").publicKey, subject: "shop.events.>", type: "stream", local_subject: "seen.>" },
    ]);
  });

  it("signs users with the account's signing key when it has one, else with the account key", async () => {
    const credentials = await usualCredentials();
    const shop = accountNamed(credentials, "shop");
    expect(shop.signingKey).toMatch(/^A/);
    expect(decode<AccountClaims>(shop.jwt).nats.signing_keys).toEqual([shop.signingKey]);
    const api = decode<UserClaims>(userNamed(credentials, "api").jwt);
    expect(api.iss).toBe(shop.signingKey);
    expect(api.nats.issuer_account).toBe(shop.publicKey);
    const auditor = decode<UserClaims>(userNamed(credentials, "auditor").jwt);
    expect(auditor.iss).toBe(accountNamed(credentials, "audit").publicKey);
    expect(auditor.nats.issuer_account).toBeUndefined();
  });

  it("writes allow lists, denies everything a user lists nothing for, and keeps responses, connection types and expiry", async () => {
    const credentials = await usualCredentials();
    expect(decode<UserClaims>(userNamed(credentials, "api").jwt).nats).toMatchObject({ pub: { allow: ["$JS.API.STREAM.INFO.ORDERS", "orders.>"] }, sub: { allow: ["_INBOX_api.>"] } });
    const edge = decode<UserClaims>(userNamed(credentials, "edge").jwt);
    expect(edge.nats).toMatchObject({ pub: { deny: [">"] }, sub: { allow: ["_INBOX_edge.>", "shop.>"] }, allowed_connection_types: ["LEAFNODE"] });
    expect(edge.exp).toBe(Date.UTC(2030, 0, 1) / 1000);
    expect(decode<UserClaims>(userNamed(credentials, "api").jwt).exp).toBeUndefined();
    expect(decode<UserClaims>(userNamed(credentials, "auditor").jwt).nats.resp).toEqual({ max: 1, ttl: 0 });
    expect(decode<UserClaims>(userNamed(credentials, "api").jwt).nats.resp).toBeUndefined();
  });

  it("tells each user's client its inbox prefix: its own, or the default for the system user, the only one of its account", async () => {
    const credentials = await usualCredentials();
    expect(credentials.users.map((user) => [user.name, user.inboxPrefix])).toEqual([
      ["sys", "_INBOX"],
      ["api", "_INBOX_api"],
      ["orders-worker", "_INBOX_orders-worker"],
      ["edge", "_INBOX_edge"],
      ["auditor", "_INBOX_auditor"],
    ]);
  });

  it("gives the system user a creds file and names SYS as the operator's system account", async () => {
    const credentials = await usualCredentials();
    expect(userNamed(credentials, "sys").account).toBe("SYS");
    expect(credentials.systemAccount).toBe(accountNamed(credentials, "SYS").publicKey);
    expect(decode<{ system_account: string }>(credentials.operatorJwt).nats.system_account).toBe(credentials.systemAccount);
  });

  it("formats creds files that hold the user's JWT and the seed of its public key", async () => {
    const credentials = await usualCredentials();
    for (const user of credentials.users) {
      const parsed = await parseCreds(new TextEncoder().encode(user.creds));
      expect(parsed.jwt).toBe(user.jwt);
      expect(parsed.key).toMatch(/^SU/);
      expect(parsed.uc.sub).toBe(user.publicKey);
    }
  });

  it("builds the operator-mode conf section from public material only", async () => {
    const credentials = await usualCredentials();
    expect(credentials.confSection).toEqual({
      operator: credentials.operatorJwt,
      system_account: credentials.systemAccount,
      resolver: "MEMORY",
      resolver_preload: Object.fromEntries(credentials.accounts.map((account) => [account.publicKey, account.jwt])),
    });
    const text = JSON.stringify(credentials.confSection);
    expect(text).not.toMatch(SEED);
    expect(text).not.toContain("NKEY SEED");
  });

  it("gives another operator's keys for other key material", async () => {
    const mine = await usualCredentials();
    const theirs = await generate(specs(), "other");
    expect(theirs.operatorPublicKey).not.toBe(mine.operatorPublicKey);
    expect(userNamed(theirs, "api").publicKey).not.toBe(userNamed(mine, "api").publicKey);
  });

  it("names the keys that have no key material, and refuses material of the wrong length", async () => {
    const accounts = validateAccounts(specs(), { cluster, streams });
    const bytes = keyBytesFor(accounts);
    delete bytes["user:api"];
    await expect(generateCredentials(accounts, bytes)).rejects.toThrow("no key material for user:api");
    await expect(generateCredentials(accounts, { ...keyBytesFor(accounts), operator: new Uint8Array(16) })).rejects.toThrow(
      "key material for operator has 16 bytes; an nkey seed needs exactly 32",
    );
  });

  it("lists one key per operator, account, signing key and user", () => {
    const accounts = validateAccounts(specs(), { cluster, streams });
    expect(keyEntities(accounts, "2027").map((entity) => `${entity.kind} ${entity.id} ${entity.rotation}`)).toEqual([
      "operator operator 2027",
      "account account:SYS initial",
      "user user:sys initial",
      "account account:shop initial",
      "account signing:shop initial",
      "user user:api initial",
      "user user:orders-worker initial",
      "user user:edge initial",
      "account account:audit initial",
      "user user:auditor initial",
    ]);
  });
});

describe("credentials on a local disk", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "creds-files-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const mode = (file: string) => fs.statSync(file).mode & 0o777;

  it("writes creds files readable by the owner only", async () => {
    const credentials = await usualCredentials();
    const files = writeCredsFiles(path.join(dir, "creds"), credentials.users);
    expect(Object.keys(files).sort()).toEqual(["api", "auditor", "edge", "orders-worker", "sys"]);
    for (const user of credentials.users) {
      expect(fs.readFileSync(files[user.name], "utf8")).toBe(user.creds);
      expect(mode(files[user.name])).toBe(0o600);
    }
  });

  it("keeps key material between runs and renews only what a rotation value changed", () => {
    const file = path.join(dir, "keys.json");
    const accounts = validateAccounts(specs(), { cluster, streams });
    const first = loadKeyMaterial(file, keyEntities(accounts));
    expect(mode(file)).toBe(0o600);
    expect(loadKeyMaterial(file, keyEntities(accounts))).toEqual(first);

    const rotated = validateAccounts(
      specs().map((spec) => (spec.name === "audit" ? { ...spec, users: [{ ...spec.users![0], rotation: "2027-01" }] } : spec)),
      { cluster, streams },
    );
    const next = loadKeyMaterial(file, keyEntities(rotated));
    for (const id of Object.keys(first)) {
      if (id === "user:auditor") expect(next[id]).not.toEqual(first[id]);
      else expect(next[id]).toEqual(first[id]);
    }
  });
});
