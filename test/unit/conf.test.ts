import { describe, expect, it } from "vitest";
import { ConfVariable, mergeConf, renderConf } from "../../components/model/conf";

describe("nats.conf writer", () => {
  it("sorts keys at every depth so equal configs give identical text", () => {
    const a = renderConf({ port: 4222, jetstream: { store_dir: "/data", max_file_store: 10 }, host: "0.0.0.0" });
    const b = renderConf({ host: "0.0.0.0", jetstream: { max_file_store: 10, store_dir: "/data" }, port: 4222 });
    expect(a).toBe(b);
    expect(a).toBe('host: "0.0.0.0"\njetstream: {\n  max_file_store: 10\n  store_dir: "/data"\n}\nport: 4222\n');
  });

  it("writes variable references bare and quotes keys that are not bare words", () => {
    const text = renderConf({ server_name: new ConfVariable("SERVER_NAME"), resolver_preload: { "A-B": "jwt" } });
    expect(text).toContain("server_name: $SERVER_NAME");
    expect(text).toContain('"A-B": "jwt"');
  });

  it("leaves out undefined entries and escapes strings as JSON", () => {
    expect(renderConf({ a: undefined, b: 'say "hi"' })).toBe('b: "say \\"hi\\""\n');
  });

  it("merges sections by concern and refuses two sections that disagree", () => {
    expect(mergeConf({ jetstream: { store_dir: "/d" } }, { jetstream: { domain: "hub" } })).toEqual({
      jetstream: { store_dir: "/d", domain: "hub" },
    });
    expect(() => mergeConf({ port: 1 }, { port: 2 })).toThrow(/port differently/);
  });
});
