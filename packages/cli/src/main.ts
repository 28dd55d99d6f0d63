#!/usr/bin/env node
import { Command } from 'commander';
import { FlorinError, LOG_LEVELS, logLevel } from '@florin/core';

const program = new Command('florin')
  .description('Florin: distributed compute for quantitative research')
  .showHelpAfterError()
  .option('--log-level <level>', `log level of this process and the processes it starts (${LOG_LEVELS.join(', ')}); default FLORIN_LOG_LEVEL, else info`)
  .hook('preAction', (command) => {
    const level = command.opts<{ logLevel?: string }>().logLevel;
    if (level !== undefined) process.env['FLORIN_LOG_LEVEL'] = logLevel(level);
  });

/**
 * Every command, in help order, each loaded only when asked for: a role process
 * (`florin head`, `florin qcu`, ...) loads its own command's modules and not the
 * others' (DuckDB, the dashboard, the deployers), which keeps its idle memory down.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  data: async () => (await import('./commands/data.js')).dataCommand(),
  shard: async () => (await import('./commands/shard.js')).shardCommand(),
  head: async () => (await import('./commands/head.js')).headCommand(),
  coordinator: async () => (await import('./commands/coordinator.js')).coordinatorCommand(),
  qcu: async () => (await import('./commands/qcu.js')).qcuCommand(),
  submit: async () => (await import('./commands/submit.js')).submitCommand(),
  jobs: async () => (await import('./commands/jobs.js')).jobsCommand(),
  up: async () => (await import('./commands/up.js')).upCommand(),
  stats: async () => (await import('./commands/stats.js')).statsCommand(),
  demo: async () => (await import('./commands/demo.js')).demoCommand(),
  loadtest: async () => (await import('./commands/loadtest.js')).loadtestCommand(),
  health: async () => (await import('./commands/health.js')).healthCommand(),
  deploy: async () => (await import('./commands/deploy.js')).deployCommand(),
  dashboard: async () => (await import('./commands/dashboard.js')).dashboardCommand(),
  token: async () => (await import('./commands/token.js')).tokenCommand(),
};

/** The command the arguments name (after the global options), or undefined (help, a typo): then every command is loaded. */
function namedCommand(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--log-level') i++;
    else if (!arg.startsWith('-')) return Object.hasOwn(COMMANDS, arg) ? arg : undefined;
  }
  return undefined;
}

async function run(): Promise<void> {
  const named = namedCommand(process.argv.slice(2));
  for (const name of named ? [named] : Object.keys(COMMANDS)) program.addCommand(await COMMANDS[name]!());
  await program.parseAsync(process.argv);
}

run().catch((err: unknown) => {
  if (err instanceof FlorinError) {
    process.stderr.write(`florin: ${err.code}: ${err.message}\n`);
  } else {
    process.stderr.write(`florin: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exitCode = 1;
  // A role that failed after it started serving (e.g. its registration was refused) must not linger half-started:
  // exit once stderr is written, unless nothing is left running anyway (the timer does not keep the process alive).
  setTimeout(() => process.exit(1), 200).unref();
});
