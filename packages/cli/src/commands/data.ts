import { Command } from 'commander';
import { dataGenerateCommand } from './data-generate.js';
import { dataImportCommand } from './data-import.js';
import { dataGetCommand } from './data-get.js';

export function dataCommand(): Command {
  return new Command('data')
    .description('generate, import and read market data')
    .addCommand(dataGenerateCommand())
    .addCommand(dataImportCommand())
    .addCommand(dataGetCommand());
}
