import 'reflect-metadata';
import { runService } from '@stadtdaten/runtime';
import { AppModule } from './app.module';
import { validatorConfigSchema } from './config';

void runService(validatorConfigSchema, (config) => AppModule.register(config));
