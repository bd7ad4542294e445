import { assertEquals } from "../tests/assert.ts";
import { parseDpkgStatus, withToolVersion } from "./tool_versions.ts";

const status = Deno.readTextFileSync(
  new URL("../fixtures/tool_outputs/dpkg/status", import.meta.url),
);

Deno.test("parseDpkgStatus() reads installed package versions of the real image", () => {
  const versions = parseDpkgStatus(status);
  assertEquals(versions.get("sysbench"), "1.0.20+ds-5");
  assertEquals(versions.get("pi"), "1.3.6-4");
  assertEquals(versions.has("bash"), true);
  assertEquals(versions.has("no-such-package"), false);
  const removed = "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n";
  assertEquals(parseDpkgStatus(removed).size, 0);
});

Deno.test("withToolVersion() fills a package version or the image hash, and keeps a set one", () => {
  const versions = parseDpkgStatus(status);
  const base = { id: "x", name: "x", category: "cpu" as const };
  assertEquals(withToolVersion({ ...base, tool: "pi" }, versions, "abc").toolVersion, "1.3.6-4");
  assertEquals(
    withToolVersion({ ...base, tool: "ocibench stream" }, versions, "abc").toolVersion,
    "image abc",
  );
  assertEquals(withToolVersion({ ...base, tool: "true" }, versions, "abc").toolVersion, undefined);
  assertEquals(
    withToolVersion({ ...base, tool: "pi", toolVersion: "9" }, versions, "abc").toolVersion,
    "9",
  );
});
