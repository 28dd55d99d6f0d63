import { readFileSync } from 'node:fs';
import { parseConfig } from '@florin/deploy-plan';
import { buildFlorinApp, florinApp } from '../lib/florin-app.js';

// npx cdk synth -c config=config/example.json [-c heads=N]
const app = florinApp();
const path = (app.node.tryGetContext('config') as string | undefined) ?? process.env.FLORIN_DEPLOY_CONFIG ?? 'config/example.json';
const headsContext = app.node.tryGetContext('heads') as string | number | undefined;
const config = parseConfig(readFileSync(path, 'utf8'), path, headsContext === undefined ? undefined : Number(headsContext));
buildFlorinApp(config, app);
app.synth();
