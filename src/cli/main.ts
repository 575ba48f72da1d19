import { Command, CommanderError } from 'commander';
import { registerDemoCommand } from './commands/demo.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerImportCommand } from './commands/import.ts';
import { registerSchemaCommand } from './commands/schema.ts';
import { registerQueryCommands } from './commands/query.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerValidateCommand } from './commands/validate.ts';

const program = new Command('segmentd')
  .description('Customer-segmentation server speaking the Dynamics 365 Marketing segmentation API')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerImportCommand(program);
registerExportCommand(program);
registerSchemaCommand(program);
registerDemoCommand(program);
registerValidateCommand(program);
registerQueryCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  // Expected failures (bad settings, schema files, inputs) print one clear line, not a stack.
  const err = e as Error;
  process.stderr.write(`segmentd: ${err.message}\n`);
  if (process.env.SEGMENTD_DEBUG === '1') process.stderr.write(`${err.stack ?? ''}\n`);
  process.exit(1);
}
