import 'reflect-metadata';
import { runService } from '@stadtdaten/runtime';
import { AppModule } from './app.module';
import { queryApiConfigSchema } from './config';

void runService(queryApiConfigSchema, (config) => AppModule.register(config));
