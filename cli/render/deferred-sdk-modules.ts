/**
 * Start-up of the render: the Pulumi SDK's runtime loads its closure serializer and code-path finder on
 * import, and with them TypeScript, npm's Arborist and some five hundred modules, about two thirds of the
 * SDK's load time. A render never serializes a function or packs code paths (only dynamic providers and
 * callbacks do), so these two modules are loaded on their first call instead: each is replaced by an object
 * whose functions load the real module and call it. Nothing else of the SDK changes.
 *
 * Importing this module installs the deferral, so the render imports it before any module that imports the
 * SDK.
 */
import Module from "module";
import * as path from "path";

/** The SDK modules loaded on first use, by their path inside @pulumi/pulumi. */
export const DEFERRED_SDK_MODULES = ["runtime/closure/serializeClosure.js", "runtime/closure/codePaths.js"];

interface ModuleLoader {
  _load(request: string, parent: NodeModule | undefined, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: NodeModule | undefined, isMain: boolean): string;
}

/**
 * Makes the SDK's closure modules load on first use, if the SDK is not loaded yet; the modules' exports are
 * all functions, which is what the stand-ins offer.
 */
function deferSdkClosureModules(): void {
  const loader = Module as unknown as ModuleLoader;
  const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const deferred = new Set(DEFERRED_SDK_MODULES.map((file) => path.join(sdk, file)));
  const load = loader._load;
  loader._load = function (request, parent, isMain) {
    // The SDK names them relatively; anything else goes through untouched.
    if (parent !== undefined && request.startsWith(".") && parent.filename.startsWith(sdk)) {
      const file = loader._resolveFilename(request, parent, isMain);
      if (deferred.has(file)) {
        return new Proxy({}, { get: (_, name) => (...args: unknown[]) => (load.call(loader, file, parent, false) as Record<string | symbol, (...a: unknown[]) => unknown>)[name](...args) });
      }
    }
    return load.call(loader, request, parent, isMain);
  };
}

deferSdkClosureModules();
