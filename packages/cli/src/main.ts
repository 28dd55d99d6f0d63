#!/usr/bin/env node
import { Command } from 'commander';
import { FlorinError, LOG_LEVELS, logLevel } from '@florin/core';
import { shardCommand } from './commands/shard.js';
import { headCommand } from './commands/head.js';
import { coordinatorCommand } from './commands/coordinator.js';
import { qcuCommand } from './commands/qcu.js';
import { submitCommand } from './commands/submit.js';
import { jobsCommand } from './commands/jobs.js';
import { dataCommand } from './commands/data.js';
import { upCommand } from './commands/up.js';
import { demoCommand } from './commands/demo.js';
import { loadtestCommand } from './commands/loadtest.js';
import { healthCommand } from './commands/health.js';
import { deployCommand } from './commands/deploy.js';
import { statsCommand } from './commands/stats.js';
import { dashboardCommand } from './commands/dashboard.js';
import { tokenCommand } from './commands/token.js';

const program = new Command('florin')
  .description('Florin: distributed compute for quantitative research')
  .showHelpAfterError()
  .option('--log-level <level>', `log level of this process and the processes it starts (${LOG_LEVELS.join(', ')}); default FLORIN_LOG_LEVEL, else info`)
  .hook('preAction', (command) => {
    const level = command.opts<{ logLevel?: string }>().logLevel;
    if (level !== undefined) process.env['FLORIN_LOG_LEVEL'] = logLevel(level);
  })
  .addCommand(dataCommand())
  .addCommand(shardCommand())
  .addCommand(headCommand())
  .addCommand(coordinatorCommand())
  .addCommand(qcuCommand())
  .addCommand(submitCommand())
  .addCommand(jobsCommand())
  .addCommand(upCommand())
  .addCommand(statsCommand())
  .addCommand(demoCommand());
program.addCommand(loadtestCommand());
program.addCommand(healthCommand());
program.addCommand(deployCommand());
program.addCommand(dashboardCommand());
program.addCommand(tokenCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
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
