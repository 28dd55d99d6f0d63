#!/usr/bin/env node
import { Command } from 'commander';
import { FlorinError } from '@florin/core';
import { shardCommand } from './commands/shard.js';
import { headCommand } from './commands/head.js';
import { dataCommand } from './commands/data.js';
import { upCommand } from './commands/up.js';
import { demoCommand } from './commands/demo.js';

const program = new Command('florin')
  .description('Florin: distributed compute for quantitative research')
  .showHelpAfterError()
  .addCommand(dataCommand())
  .addCommand(shardCommand())
  .addCommand(headCommand())
  .addCommand(upCommand())
  .addCommand(demoCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof FlorinError) {
    process.stderr.write(`florin: ${err.code}: ${err.message}\n`);
  } else {
    process.stderr.write(`florin: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exitCode = 1;
});
