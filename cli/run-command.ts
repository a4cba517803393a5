/**
 * How every tool of the project ends: its main function returns the exit code, and an error nothing inside
 * expected ends the process with 1 after printing the command's name and the error's stack, so a bug reads
 * differently from a refusal (which the tool prints itself and ends with its own code).
 */
export function runCommand(command: string, main: () => Promise<number> | number): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => process.exit(code),
      (error: unknown) => {
        process.stderr.write(`${command} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
      },
    );
}
