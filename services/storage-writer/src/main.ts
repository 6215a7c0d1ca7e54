import 'reflect-metadata';
import { runService } from '@stadtdaten/runtime';
import { AppModule } from './app.module';
import { storageWriterConfigSchema } from './config';

void runService(storageWriterConfigSchema, (config) => AppModule.register(config));
