/** Where the CLI writes: results to `out` (pipeable), progress and diagnostics to `err`. */
export interface CliOutput {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
}

export const processOutput = (): CliOutput => ({ out: process.stdout, err: process.stderr });

export const println = (stream: NodeJS.WritableStream, text = ''): void => void stream.write(`${text}\n`);

/** Thrown by commands for an expected failure: printed without a stack, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
