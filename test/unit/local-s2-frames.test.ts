/**
 * The structural check of a snapshot file: S2's framing (a stream identifier chunk, then chunks of a type
 * byte and a three-byte little-endian length) is walked without decompressing, and a file that is empty, not
 * S2, cut inside a chunk or holding a reserved chunk type is named as such.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { s2FramingProblem } from "../../components/local/backup";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "s2-frames-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function chunk(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, body.length & 0xff, (body.length >> 8) & 0xff, (body.length >> 16) & 0xff]), body]);
}

const IDENTIFIER = chunk(0xff, Buffer.from("S2sTwO", "latin1"));
/** An uncompressed data chunk: a four-byte checksum, then the data. */
const DATA = chunk(0x01, Buffer.concat([Buffer.alloc(4), Buffer.from("a tar header and a block")]));
/** A skippable chunk, such as the index S2 appends. */
const SKIPPABLE = chunk(0x99, Buffer.from("index"));

function problemOf(name: string, bytes: Buffer): string | undefined {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, bytes);
  return s2FramingProblem(file);
}

describe("the S2 framing check", () => {
  it("passes whole files, skippable chunks included, and Snappy's own stream identifier", () => {
    expect(problemOf("whole", Buffer.concat([IDENTIFIER, DATA, DATA, SKIPPABLE]))).toBeUndefined();
    expect(problemOf("snappy", Buffer.concat([chunk(0xff, Buffer.from("sNaPpY", "latin1")), DATA]))).toBeUndefined();
  });

  it("names what is wrong with a file that is not a whole snapshot", () => {
    const whole = Buffer.concat([IDENTIFIER, DATA, DATA]);
    expect(problemOf("empty", Buffer.alloc(0))).toBe("it is empty");
    expect(problemOf("gzip", Buffer.concat([chunk(0x1f, Buffer.from("not s2"))]))).toBe("it does not start with an S2 stream identifier: it is not a JetStream snapshot");
    expect(problemOf("identifier-only", IDENTIFIER)).toBe("it holds no data after the stream identifier");
    expect(problemOf("cut-in-body", whole.subarray(0, whole.length - 3))).toMatch(/^chunk 3 at byte \d+ needs 28 bytes but only 25 remain: the file was cut short$/);
    expect(problemOf("cut-in-header", whole.subarray(0, IDENTIFIER.length + DATA.length + 2))).toMatch(/it ends inside a chunk header at byte \d+: the file was cut short/);
    expect(problemOf("reserved", Buffer.concat([IDENTIFIER, chunk(0x05, Buffer.from("????"))]))).toMatch(/has the reserved type 0x5: the file is corrupted/);
    expect(problemOf("short-data", Buffer.concat([IDENTIFIER, chunk(0x00, Buffer.from("ab"))]))).toMatch(/is too short to hold its checksum/);
  });
});
