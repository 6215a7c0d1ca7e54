import 'reflect-metadata';
import { runService } from '@stadtdaten/runtime';
import { AppModule } from './app.module';
import { ingestConfigSchema } from './config';

void runService(ingestConfigSchema, (config) => AppModule.register(config));
