/**
 * The render's key material. A deployed stack keeps the result of each random resource (RandomBytes,
 * RandomPassword) in Pulumi state; a render keeps it here instead: drawn from the system's randomness the
 * first time a resource is rendered, then kept in an owner-only file. Renders on one machine stay
 * byte-identical, and no one without the file can compute a key the rendered configs trust.
 *
 * One file per stack (entries are keyed by resource name, which stacks share), apart from the local back end's `.local/<stack>/keys.json`: that one is keyed by
 * account and user and holds the local-only admins too, this one is keyed by Pulumi resource as state is,
 * and each drops the entries its own tool does not use, so one shared file would make the two tools draw
 * each other's keys anew on every other run.
 */
import { randomBytes, randomInt } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { OWNER_ONLY_DIR, OWNER_ONLY_FILE, writeOwnerOnlyFile } from "../../components/owner-only-files";
import { RANDOM_BYTES_TYPE, RANDOM_PASSWORD_TYPE, RandomValues } from "../../components/testing/random-provider";

// The keystore's entries are keyed by these types, so readers of the file find them here too.
export { RANDOM_BYTES_TYPE, RANDOM_PASSWORD_TYPE };

/** The special characters a RandomPassword draws from unless `overrideSpecial` names others. */
const DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

/** One random resource's kept result. */
export interface KeptValue {
  /** The resource's inputs when the value was drawn: other inputs (a changed keeper or length) draw anew, as a replacement would. */
  inputs: unknown;
  /** base64 of a RandomBytes' bytes, or a RandomPassword's text. */
  value: string;
}

/** The entry name of a resource in the file: type and Pulumi name, unique among the resources one program registers. */
export function keptValueKey(type: string, name: string): string {
  return `${type}::${name}`;
}

/** The characters a RandomPassword with these inputs may hold: its classes, each on unless set to false. */
function passwordAlphabet(inputs: Record<string, unknown>): string {
  const classes: [unknown, string][] = [
    [inputs.upper, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"],
    [inputs.lower, "abcdefghijklmnopqrstuvwxyz"],
    [inputs.numeric ?? inputs.number, "0123456789"],
    [inputs.special, typeof inputs.overrideSpecial === "string" ? inputs.overrideSpecial : DEFAULT_SPECIAL],
  ];
  return classes.filter(([enabled]) => enabled !== false).map(([, characters]) => characters).join("");
}

function drawPassword(name: string, inputs: Record<string, unknown>): string {
  const alphabet = passwordAlphabet(inputs);
  if (alphabet === "") throw new Error(`RandomPassword ${name}: upper, lower, numeric and special are all false; at least one must be true`);
  return Array.from({ length: Number(inputs.length ?? 32) }, () => alphabet[randomInt(alphabet.length)]).join("");
}

/**
 * The kept values of one stack's renders, read from and saved to one owner-only JSON file; the values the
 * render's stand-in for the random provider reports.
 */
export class RenderKeystore implements RandomValues {
  private readonly used = new Map<string, KeptValue>();

  private constructor(
    /** The file the values are read from and saved to. */
    readonly file: string,
    private readonly stored: Readonly<Record<string, KeptValue>>,
  ) {}

  /** The keystore in `file`; empty when the file does not exist yet. */
  static open(file: string): RenderKeystore {
    if (!fs.existsSync(file)) return new RenderKeystore(file, {});
    try {
      return new RenderKeystore(file, JSON.parse(fs.readFileSync(file, "utf8")));
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}; it is not a render keystore (delete it to draw new keys)`);
    }
  }

  /** The bytes of the RandomBytes `name` with these inputs (`length`, `keepers`). */
  bytes(name: string, inputs: Record<string, unknown>): Buffer {
    const value = this.kept(RANDOM_BYTES_TYPE, name, inputs, () => randomBytes(Number(inputs.length ?? 32)).toString("base64"));
    return Buffer.from(value, "base64");
  }

  /** The text of the RandomPassword `name` with these inputs (`length` and its character classes). */
  password(name: string, inputs: Record<string, unknown>): string {
    return this.kept(RANDOM_PASSWORD_TYPE, name, inputs, () => drawPassword(name, inputs));
  }

  private kept(type: string, name: string, inputs: Record<string, unknown>, draw: () => string): string {
    const key = keptValueKey(type, name);
    if (this.used.has(key)) throw new Error(`two ${type} resources are named ${name}; the render keeps their values by name, so each needs its own`);
    const current = JSON.parse(JSON.stringify(inputs)) as unknown;
    const previous = this.stored[key];
    const entry = previous !== undefined && isDeepStrictEqual(previous.inputs, current) ? previous : { inputs: current, value: draw() };
    this.used.set(key, entry);
    return entry.value;
  }

  /**
   * Saves the values this render used and drops the rest, as state drops a deleted resource. The file is
   * owner-only, and so is every directory made for it; the file is rewritten only when its content changed.
   */
  save(): void {
    const entries = [...this.used.entries()].sort(([a], [b]) => a.localeCompare(b));
    const text = JSON.stringify(Object.fromEntries(entries), null, 2) + "\n";
    // Only missing directories: one that exists (a --keys file in /tmp) is not this tool's to change.
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: OWNER_ONLY_DIR });
    if (!fs.existsSync(this.file) || fs.readFileSync(this.file, "utf8") !== text) writeOwnerOnlyFile(this.file, text);
    else fs.chmodSync(this.file, OWNER_ONLY_FILE);
  }
}
