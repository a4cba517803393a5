import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";
import { claimRange } from "../support/netns-subnets";

// 10.11 and 10.12: below the ranges the namespaced hosts number from, so the fault files running beside this
// one hold no addresses there.
const FIRST = 11;
const COUNT = 2;
const dirs: string[] = [];

function claimsDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netns-ranges-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the address ranges of the namespaced test hosts", () => {
  it("gives two hosts different ranges, refuses a third naming the ranges, and gives a released one out again", () => {
    const dir = claimsDir();
    const first = claimRange(FIRST, COUNT, dir);
    const second = claimRange(FIRST, COUNT, dir);
    expect([first.octet, second.octet].sort()).toEqual([11, 12]);
    expect(() => claimRange(FIRST, COUNT, dir)).toThrow(/no free 10\.x\.0\.0\/16 range among 10\.11 to 10\.12/);
    first.release();
    expect(claimRange(FIRST, COUNT, dir).octet).toBe(first.octet);
  });

  it("takes over a range whose claiming process is gone, and not one whose process runs", () => {
    const dir = claimsDir();
    // A pid above the kernel's limit belongs to no process; this test's parent is alive.
    fs.writeFileSync(path.join(dir, "10.11"), "4194305");
    fs.writeFileSync(path.join(dir, "10.12"), String(process.ppid));
    const claimed = claimRange(FIRST, COUNT, dir);
    expect(claimed.octet).toBe(11);
    expect(fs.readFileSync(path.join(dir, "10.11"), "utf8")).toBe(String(process.pid));
    expect(fs.readFileSync(path.join(dir, "10.12"), "utf8")).toBe(String(process.ppid));
  });
});
