import { describe, expect, it } from "vitest";
import { formatBytes, parseBytes, parseMillicores } from "../../components/model/quantity";
import { parseDurationSeconds } from "../../components/model/duration";

describe("quantities and durations", () => {
  it("parses binary and decimal byte quantities", () => {
    expect(parseBytes("512Mi")).toBe(512 * 2 ** 20);
    expect(parseBytes("1.5Gi")).toBe(1.5 * 2 ** 30);
    expect(parseBytes("20G")).toBe(20e9);
    expect(parseBytes("1024")).toBe(1024);
  });

  it("rejects spaced, lowercase and millibyte quantities", () => {
    for (const bad of ["20 GB", "20gb", "20GB", "500m", "", "Gi"]) expect(parseBytes(bad)).toBeUndefined();
  });

  it("parses CPU in cores and millicores", () => {
    expect(parseMillicores("2")).toBe(2000);
    expect(parseMillicores("500m")).toBe(500);
    expect(parseMillicores("1.5")).toBe(1500);
    expect(parseMillicores("2Gi")).toBeUndefined();
  });

  it("formats bytes as the shortest exact binary quantity", () => {
    expect(formatBytes(2 ** 30)).toBe("1Gi");
    expect(formatBytes(1536 * 2 ** 20)).toBe("1536Mi");
    expect(formatBytes(1000)).toBe("1000");
  });

  it("reads Go durations", () => {
    expect(parseDurationSeconds("1m30s")).toBe(90);
    expect(parseDurationSeconds("250ms")).toBe(0.25);
    expect(parseDurationSeconds("30 s")).toBeUndefined();
  });
});
