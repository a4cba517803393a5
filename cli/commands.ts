/** The command lines of `npm run render` and `npm run local`: what each takes and how each ends. */
import { CommandSpec, USAGE_EXIT_CODE } from "./command-line";

/** `--json`, which both tools take: what a script reads, on stdout. */
const JSON_OPTION_NAME = "json";

/** `npm run render -- <stack>|--all [--out DIR] [--keys FILE] [--json]`. */
export const RENDER_COMMAND: CommandSpec = {
  invocation: "npm run render --",
  summary: "Synthesizes the stack's program offline into manifests, per-server nats.conf, a plan of cloud resources and a summary.",
  allStacks: "render every stack in one process, each into <out>/<stack> with its keys in <keys>/<stack>/keys.json",
  options: [
    { name: "out", value: "DIR", description: "write the render to DIR (default out/<stack>; with --all, the parent of one folder per stack, default out)" },
    {
      name: "keys",
      value: "FILE",
      description: "keep the render's key material in FILE, owner-only (default .render/<stack>/keys.json; with --all, a directory holding <stack>/keys.json per stack, default .render)",
    },
    { name: JSON_OPTION_NAME, description: "print one JSON document (what was written, or the problems of a refused stack; with --all, {outcome, stacks}) instead of the summary" },
  ],
  exitCodes: [
    { code: 0, meaning: "rendered (or usage printed)" },
    { code: 1, meaning: "the render failed (with --all: some stack's render failed; the others are still rendered)" },
    { code: USAGE_EXIT_CODE, meaning: "the command line or the stack was refused; nothing was written for it" },
  ],
};

/** `npm run local -- <stack> [--smoke] [--json]`. */
export const LOCAL_COMMAND: CommandSpec = {
  invocation: "npm run local --",
  summary: "Starts the stack's servers as nats-server processes on this machine, checks them, and runs until interrupted.",
  options: [
    { name: "smoke", description: "stop after the smoke check instead of running until interrupted" },
    { name: JSON_OPTION_NAME, description: "print one JSON object per line (ready, refused, failed, interrupted, stopped) instead of tables; progress goes to stderr" },
  ],
  exitCodes: [
    { code: 0, meaning: "the run passed (or usage printed)" },
    { code: 1, meaning: "the servers or the smoke check failed, or the run was interrupted while starting" },
    { code: USAGE_EXIT_CODE, meaning: "the command line or the stack was refused; nothing was started" },
  ],
};

/** `npm run backup -- <stack> [--out DIR]`. */
export const BACKUP_COMMAND: CommandSpec = {
  invocation: "npm run backup --",
  summary: "Snapshots the streams and buckets of the stack's backup policy from its running `npm run local` servers, as each account's backup user.",
  options: [{ name: "out", value: "DIR", description: "write the backup to DIR, one folder per cluster (default backups/<stack>/<UTC time>); DIR must be new or empty" }],
  exitCodes: [
    { code: 0, meaning: "every stream was backed up (or usage printed)" },
    { code: 1, meaning: "the stack is not running, or a snapshot failed; a failed backup leaves nothing behind" },
    { code: USAGE_EXIT_CODE, meaning: "the command line or the stack was refused, or the stack has no backup policy" },
  ],
};

/** `npm run restore -- <stack> --from DIR [--replace]`, or `--job STAMP` for the Kubernetes restore Job. */
export const RESTORE_COMMAND: CommandSpec = {
  invocation: "npm run restore --",
  summary: "Restores a backup (one folder per cluster, as npm run backup writes it) into the stack's running `npm run local` servers, as each account's restore user.",
  options: [
    { name: "from", value: "DIR", description: "the backup to restore (required, unless --job is given)" },
    { name: "replace", description: "delete a stream of the same name before restoring it; without it such a stream refuses the restore" },
    {
      name: "job",
      value: "STAMP",
      description: "print, instead, the Kubernetes Job of each cluster that restores its CronJob's backup of STAMP (the run's UTC time, e.g. 20261201T030000Z); apply it with kubectl apply -f -",
    },
  ],
  exitCodes: [
    { code: 0, meaning: "every stream was restored (or usage printed)" },
    { code: 1, meaning: "the stack is not running, the backup was refused (damaged, or streams exist), or a restore failed" },
    { code: USAGE_EXIT_CODE, meaning: "the command line or the stack was refused, or the stack has no backup policy" },
  ],
};
