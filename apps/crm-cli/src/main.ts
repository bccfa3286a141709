import 'reflect-metadata';
import { CommanderError } from 'commander';
import { CliError, processOutput } from './cli-output';
import { buildProgram } from './program';

async function main(): Promise<void> {
  const output = processOutput();
  let code = 0;
  const program = buildProgram({ output, exit: (c) => (code = c) });
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    output.err.write(`crm: ${error instanceof CliError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
    return;
  }
  process.exitCode = code;
}

void main();
