/**
 * Preloaded (`node --require`) into the Pulumi Node.js host's run module by test/support/pulumi-node-host.ts.
 * It lets the host's own code pick the program and records which file that is: the first absolute path the
 * host's run.js requires that is not one of the SDK's vendored tools (ts-node) is the program.
 *
 * PULUMI_HOST_PROBE_OUT: file the finding is written to, as JSON.
 * PULUMI_HOST_PROBE_LOAD: "1" to let the host go on and load the program under mocks, recording the type of
 * every resource it registers; otherwise the process ends as soon as the program is known.
 */
"use strict";
const fs = require("fs");
const Module = require("module");
const path = require("path");

const outFile = process.env.PULUMI_HOST_PROBE_OUT;
const load = process.env.PULUMI_HOST_PROBE_LOAD === "1";
const finding = { program: undefined, registered: [] };

function report() {
  fs.writeFileSync(outFile, JSON.stringify(finding));
}

// The host registers the stack's root resource before it requires the program, so a monitor must answer.
const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [process.cwd()] }));
pulumi.runtime.setMocks(
  {
    newResource(args) {
      finding.registered.push(args.type);
      // Key material comes from RandomBytes outputs; any bytes do for a run that only proves the program loads.
      const state = args.type === "random:index/randomBytes:RandomBytes" ? { base64: Buffer.alloc(32, 7).toString("base64"), hex: "07".repeat(32) } : {};
      return { id: args.custom ? `${args.name}-id` : undefined, state: { ...args.inputs, ...state } };
    },
    call(args) {
      return args.inputs;
    },
  },
  process.env.PULUMI_NODEJS_PROJECT,
  process.env.PULUMI_NODEJS_STACK,
  true,
);

const runModule = path.join("cmd", "run", "run.js");
const vendored = path.join("@pulumi", "pulumi", "vendor");
const originalLoad = Module._load;
Module._load = function probeLoad(request, parent, isMain) {
  const fromRun = parent !== undefined && parent !== null && typeof parent.filename === "string" && parent.filename.endsWith(runModule);
  if (finding.program === undefined && fromRun && path.isAbsolute(request) && !request.includes(vendored)) {
    finding.program = Module._resolveFilename(request, parent, isMain);
    if (!load) {
      report();
      process.exit(0);
    }
    process.on("exit", report);
  }
  return originalLoad.apply(this, arguments);
};
