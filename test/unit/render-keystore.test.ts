import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { keptValueKey, RANDOM_BYTES_TYPE, RANDOM_PASSWORD_TYPE, RenderKeystore } from "../../cli/render/keystore";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "render-keystore-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let files = 0;
function freshFile(): string {
  return path.join(scratch, `store-${++files}`, "keys.json");
}

const KEY_INPUTS = { length: 32, keepers: { rotation: "initial" } };

/** Opens the keystore in `file`, lets `use` draw from it, saves it, and returns what `use` returned. */
function session<T>(file: string, use: (keystore: RenderKeystore) => T): T {
  const keystore = RenderKeystore.open(file);
  const result = use(keystore);
  keystore.save();
  return result;
}

describe("the render keystore", () => {
  it("keeps each value across sessions while the resource's inputs stay the same", () => {
    const file = freshFile();
    const first = session(file, (keystore) => [keystore.bytes("operator-key", KEY_INPUTS), keystore.password("token", { length: 24, special: false })]);
    const second = session(file, (keystore) => [keystore.bytes("operator-key", KEY_INPUTS), keystore.password("token", { length: 24, special: false })]);
    expect(second).toEqual(first);
    expect(first[0]).toHaveLength(32);
  });

  it("draws different values into a fresh keystore", () => {
    const one = session(freshFile(), (keystore) => keystore.bytes("operator-key", KEY_INPUTS));
    const other = session(freshFile(), (keystore) => keystore.bytes("operator-key", KEY_INPUTS));
    expect(other.equals(one)).toBe(false);
  });

  it("draws anew when a keeper or the length changes, as a replaced resource would", () => {
    const file = freshFile();
    const initial = session(file, (keystore) => keystore.bytes("account-key-app", KEY_INPUTS));
    const rotated = session(file, (keystore) => keystore.bytes("account-key-app", { length: 32, keepers: { rotation: "2026-11" } }));
    const longer = session(file, (keystore) => keystore.bytes("account-key-app", { length: 64, keepers: { rotation: "2026-11" } }));
    expect(rotated.equals(initial)).toBe(false);
    expect(longer).toHaveLength(64);
    expect(longer.subarray(0, 32).equals(rotated)).toBe(false);
  });

  it("saves only the values the last render used, as state drops a deleted resource", () => {
    const file = freshFile();
    session(file, (keystore) => [keystore.bytes("kept", KEY_INPUTS), keystore.bytes("dropped", KEY_INPUTS)]);
    session(file, (keystore) => keystore.bytes("kept", KEY_INPUTS));
    expect(Object.keys(JSON.parse(fs.readFileSync(file, "utf8")))).toEqual([keptValueKey(RANDOM_BYTES_TYPE, "kept")]);
  });

  it("draws passwords from the character classes the resource asks for", () => {
    const [plain, special] = session(freshFile(), (keystore) => [
      keystore.password("plain", { length: 200, special: false }),
      keystore.password("special", { length: 200, upper: false, lower: false, numeric: false, overrideSpecial: "#%" }),
    ]);
    expect(plain).toMatch(/^[A-Za-z0-9]{200}$/);
    expect(special).toMatch(/^[#%]{200}$/);
    expect(() => RenderKeystore.open(freshFile()).password("none", { upper: false, lower: false, numeric: false, special: false })).toThrow(
      /RandomPassword none: upper, lower, numeric and special are all false/,
    );
  });

  it("refuses two random resources of one type and name, whose values it could not tell apart", () => {
    const keystore = RenderKeystore.open(freshFile());
    keystore.password("token", { length: 8 });
    expect(() => keystore.password("token", { length: 8 })).toThrow(`two ${RANDOM_PASSWORD_TYPE} resources are named token`);
  });

  it("creates its file owner-only in owner-only directories even under umask 0, and makes an existing file owner-only", () => {
    const file = path.join(scratch, "permissive", "stack", "keys.json");
    const umask = process.umask(0);
    try {
      session(file, (keystore) => keystore.bytes("operator-key", KEY_INPUTS));
    } finally {
      process.umask(umask);
    }
    const mode = (target: string) => fs.statSync(target).mode & 0o777;
    expect([mode(path.join(scratch, "permissive")), mode(path.dirname(file)), mode(file)]).toEqual([0o700, 0o700, 0o600]);
    fs.chmodSync(file, 0o644);
    session(file, (keystore) => keystore.bytes("operator-key", KEY_INPUTS));
    expect(mode(file)).toBe(0o600);
  });

  it("names the file when it cannot read it as a keystore", () => {
    const file = freshFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "not json");
    expect(() => RenderKeystore.open(file)).toThrow(`${file}: `);
  });
});
