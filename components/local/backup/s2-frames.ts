/**
 * A structural check of a snapshot file before it is uploaded: nats-server writes snapshots in S2's framing
 * format (Snappy's framing with its own stream identifier), a sequence of chunks each with a type byte and a
 * three-byte length. Walking the chunks finds a file cut inside a chunk, or one that is not a snapshot at all,
 * without decompressing it. Chunk checksums cover the uncompressed data, so a flipped byte is found by the
 * SHA256SUMS of the backup and by the server, not here.
 *
 * Written here rather than taken from a library: the npm packages for this family (snappy, snappyjs,
 * snappy-wasm, @napi-rs/snappy) read Snappy's block format, which cannot decode S2's extended blocks, and no
 * maintained S2 package exists on npm. Nothing here needs the data itself either: nats-server both writes the
 * snapshot and reads it back on restore, so the backup keeps the file byte for byte as the server sent it.
 */
import * as fs from "fs";

const STREAM_IDENTIFIER = 0xff;
const S2_MAGIC = "S2sTwO";
const SNAPPY_MAGIC = "sNaPpY";
const COMPRESSED = 0x00;
const UNCOMPRESSED = 0x01;
/** Types 0x02 to 0x7f are reserved and must not be skipped; 0x80 to 0xfe are skippable (padding, S2's index). */
const LAST_UNSKIPPABLE = 0x7f;

/** Reads `length` bytes at `position` of an open file: only chunk headers and the identifier are read, so a file of any size is walked in little memory. */
function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = fs.readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, read);
}

/** The problem with the file's framing, or undefined when every chunk is whole. */
export function s2FramingProblem(file: string): string | undefined {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return "it is empty";
    let offset = 0;
    let chunks = 0;
    while (offset < size) {
      if (offset + 4 > size) return `it ends inside a chunk header at byte ${offset}: the file was cut short`;
      const header = readAt(fd, offset, 4);
      const type = header[0];
      const length = header[1] | (header[2] << 8) | (header[3] << 16);
      const end = offset + 4 + length;
      if (end > size) return `chunk ${chunks + 1} at byte ${offset} needs ${length} bytes but only ${size - offset - 4} remain: the file was cut short`;
      if (chunks === 0) {
        const magic = readAt(fd, offset + 4, length).toString("latin1");
        if (type !== STREAM_IDENTIFIER || (magic !== S2_MAGIC && magic !== SNAPPY_MAGIC)) return "it does not start with an S2 stream identifier: it is not a JetStream snapshot";
      } else if ((type === COMPRESSED || type === UNCOMPRESSED) && length < 4) {
        return `chunk ${chunks + 1} at byte ${offset} is too short to hold its checksum`;
      } else if (type > UNCOMPRESSED && type <= LAST_UNSKIPPABLE) {
        return `chunk ${chunks + 1} at byte ${offset} has the reserved type 0x${type.toString(16)}: the file is corrupted`;
      }
      offset = end;
      chunks += 1;
    }
    if (chunks < 2) return "it holds no data after the stream identifier";
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}
